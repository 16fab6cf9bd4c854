import { accessServiceNames, NAMESPACES } from './contract';
import type { Environment } from './environment';

/** One endpoint clients dial: the name its certificate holds, and its fixed address when internal. */
export interface Endpoint {
  /** What clients dial and what the certificate names. */
  readonly host: string;
  /** Internal load balancers: the address the private DNS zone resolves `host` to. */
  readonly ip?: string;
  /** The LoadBalancer Service's name inside the cluster, also on the certificate. */
  readonly inCluster: string;
}

/**
 * The SQL and console endpoints. The Materialize CR's certificate specs take DNS names only (no
 * IP addresses), so every endpoint has a name: internal load balancers get a fixed address and an
 * A record in a private DNS zone linked to the VNet; public ones an Azure DNS label,
 * `<label>.<region>.cloudapp.azure.com`.
 */
export function accessEndpoints(env: Environment): { sql: Endpoint; console: Endpoint } {
  const services = accessServiceNames(env.materialize.instanceName);
  const inCluster = (name: string) => `${name}.${NAMESPACES.instance}.svc.cluster.local`;
  if (env.access.publicLoadBalancers) {
    const host = (label: string) => `${label}.${env.location}.cloudapp.azure.com`;
    return {
      sql: { host: host(env.names.sqlDnsLabel), inCluster: inCluster(services.sql) },
      console: { host: host(env.names.consoleDnsLabel), inCluster: inCluster(services.console) },
    };
  }
  return {
    sql: {
      host: `${ENDPOINT_RECORDS.sql}.${env.names.accessDnsZone}`,
      ip: env.network.sqlLoadBalancerIp,
      inCluster: inCluster(services.sql),
    },
    console: {
      host: `${ENDPOINT_RECORDS.console}.${env.names.accessDnsZone}`,
      ip: env.network.consoleLoadBalancerIp,
      inCluster: inCluster(services.console),
    },
  };
}

/** The A records of the private access zone. */
export const ENDPOINT_RECORDS = { sql: 'sql', console: 'console' } as const;

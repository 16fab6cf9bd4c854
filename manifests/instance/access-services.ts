import { Construct } from 'constructs';
import { intOrString, kube } from '../kube';
import { accessServiceNames, AZURE_LB_ANNOTATIONS, MANAGED_LABELS, PORTS, POD_LABELS } from '../../model/contract';

export interface AccessServicesProps {
  readonly instanceName: string;
  readonly namespace: string;
  /**
   * Public load balancers limited to sourceRanges; otherwise internal (VNet only).
   * @default false
   */
  readonly public?: boolean;
  /** Required when public. @default [] */
  readonly sourceRanges?: string[];
  /** Internal: fixed load balancer addresses in the AKS subnet. @default - Azure picks */
  readonly sqlIp?: string;
  readonly consoleIp?: string;
  /** Public: Azure DNS labels. @default - none */
  readonly sqlDnsLabel?: string;
  readonly consoleDnsLabel?: string;
}

/** Pods of one Materialize component of one instance, by the labels the operator sets. */
export function componentSelector(instanceName: string, component: string): Record<string, string> {
  return { [POD_LABELS.app]: component, [POD_LABELS.organizationName]: instanceName };
}

/**
 * LoadBalancer Services for SQL (balancerd, 6875/6876) and the console (8080). They select
 * balancerd, not environmentd, so a rollout never splits traffic across two generations.
 */
export class AccessServices extends Construct {
  readonly sqlServiceName: string;
  readonly consoleServiceName: string;

  constructor(scope: Construct, id: string, props: AccessServicesProps) {
    super(scope, id);
    const isPublic = props.public ?? false;
    const ranges = props.sourceRanges ?? [];
    if (isPublic && ranges.length === 0) throw new Error('AccessServices: a public load balancer needs sourceRanges');
    const names = accessServiceNames(props.instanceName);
    this.sqlServiceName = names.sql;
    this.consoleServiceName = names.console;
    const service = (
      svcId: string,
      name: string,
      component: string,
      ports: { name: string; port: number }[],
      extra: { ip?: string; dnsLabel?: string },
    ) =>
      kube.service(this, svcId, {
        metadata: {
          name,
          namespace: props.namespace,
          labels: { ...MANAGED_LABELS },
          annotations: {
            [AZURE_LB_ANNOTATIONS.internal]: String(!isPublic),
            // A fixed address (internal: the private DNS zone's record points at it) or an Azure DNS
            // label (public): either way a name the certificate can hold.
            ...(extra.ip ? { [AZURE_LB_ANNOTATIONS.ipv4]: extra.ip } : {}),
            ...(extra.dnsLabel ? { [AZURE_LB_ANNOTATIONS.dnsLabel]: extra.dnsLabel } : {}),
          },
        },
        spec: {
          type: 'LoadBalancer',
          // Keeps the client address, so NetworkPolicies can admit by client range.
          externalTrafficPolicy: 'Local',
          selector: componentSelector(props.instanceName, component),
          ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: intOrString(p.port), protocol: 'TCP' })),
          loadBalancerSourceRanges: isPublic ? ranges : undefined,
        },
      });
    service(
      'Sql',
      this.sqlServiceName,
      POD_LABELS.balancerd,
      [
        { name: 'sql', port: PORTS.sql },
        { name: 'http', port: PORTS.http },
      ],
      { ip: props.sqlIp, dnsLabel: props.sqlDnsLabel },
    );
    service('Console', this.consoleServiceName, POD_LABELS.console, [{ name: 'http', port: PORTS.console }], {
      ip: props.consoleIp,
      dnsLabel: props.consoleDnsLabel,
    });
  }
}

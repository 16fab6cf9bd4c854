import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { NAMESPACES } from '../../model/contract';
import type { Environment } from '../../model/environment';
import type { SealedValuesFile } from '../../model/sealed-values';
import { AccessServices } from './access-services';
import { BackendSecret } from './backend-secret';
import { accessEndpoints } from '../../model/endpoints';
import { CertificateAuthority } from './certificate-authority';
import { MaterializeInstance } from './materialize-instance';
import { ANYWHERE } from '../network-rules';
import { ClientNetworkPolicies, InstanceEgress } from './network-policies';

/** The Materialize instance: its sealed backend secret, the custom resource, access and network policies. */
export class InstanceChart extends Chart {
  readonly instance: MaterializeInstance;

  constructor(
    scope: Construct,
    id: string,
    env: Environment,
    sealed?: SealedValuesFile,
    previous?: { firstGeneration: boolean; forcePromote?: string },
  ) {
    super(scope, id, { disableResourceNameHashes: true });
    const namespace = NAMESPACES.instance;
    const secret = new BackendSecret(this, 'BackendSecret', { namespace, environment: env.name, sealed });
    const ca = env.materialize.tls
      ? new CertificateAuthority(this, 'CertificateAuthority', { name: env.materialize.instanceName })
      : undefined;
    const endpoints = accessEndpoints(env);
    this.instance = new MaterializeInstance(this, 'Materialize', {
      env,
      namespace,
      backendSecretName: secret.name,
      persistIdentityClientId: sealed?.persistIdentityClientId,
      clusterIssuerName: ca?.issuerName,
      endpoints,
      sealed,
      previous,
    });
    new AccessServices(this, 'Access', {
      instanceName: this.instance.name,
      namespace,
      public: env.access.publicLoadBalancers,
      sourceRanges: env.allowedClientRanges,
      sqlIp: endpoints.sql.ip,
      consoleIp: endpoints.console.ip,
      sqlDnsLabel: env.access.publicLoadBalancers ? env.names.sqlDnsLabel : undefined,
      consoleDnsLabel: env.access.publicLoadBalancers ? env.names.consoleDnsLabel : undefined,
    });
    new ClientNetworkPolicies(this, 'NetworkPolicies', {
      instanceName: this.instance.name,
      namespace,
      // Internal load balancers: the VNet is the client network unless ranges narrow it.
      clientRanges: env.allowedClientRanges.length > 0 ? env.allowedClientRanges : [env.network.vnetCidr],
    });
    new InstanceEgress(this, 'Egress', {
      instanceName: this.instance.name,
      namespace,
      postgresRanges: env.postgres.publicAccess ? [ANYWHERE] : [env.network.postgresSubnetCidr],
      eventHubs: env.eventHubs.enabled,
    });
  }
}

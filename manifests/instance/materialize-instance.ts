import { Construct } from 'constructs';
import { Materialize, type MaterializeCertSpec, type MaterializeSpec } from '../../imports/materialize.cloud';
import { IMAGES, MANAGED_LABELS, WORKLOAD_IDENTITY } from '../../model/contract';
import { resourceRequirements } from '../resource-requirements';
import type { Endpoint } from '../../model/endpoints';
import type { Environment } from '../../model/environment';

export interface MaterializeInstanceProps {
  readonly env: Environment;
  readonly namespace: string;
  readonly backendSecretName: string;
  /** Workload identity only: the client id from Terraform. @default - none (SAS auth) */
  readonly persistIdentityClientId?: string;
  /** TLS only: the cert-manager ClusterIssuer signing balancerd, console and internal certificates. @default - no TLS */
  readonly clusterIssuerName?: string;
  /** The names clients dial, which the external certificates must hold. */
  readonly endpoints: { sql: Endpoint; console: Endpoint };
}

/** The Materialize custom resource, with Password auth and RBAC always on. */
export class MaterializeInstance extends Construct {
  readonly name: string;
  readonly resource: Materialize;

  constructor(scope: Construct, id: string, props: MaterializeInstanceProps) {
    super(scope, id);
    const mz = props.env.materialize;
    this.name = mz.instanceName;
    const workloadIdentity = props.env.storage.persistAuth === 'workloadIdentity';
    const cert = (dnsNames: string[]): MaterializeCertSpec | undefined =>
      props.clusterIssuerName ? { dnsNames, issuerRef: { name: props.clusterIssuerName, kind: 'ClusterIssuer' } } : undefined;
    const spec: MaterializeSpec = {
      environmentdImageRef: `${IMAGES.environmentd}:${mz.environmentdVersion}`,
      backendSecretName: props.backendSecretName,
      // Kept on every update: the operator resets an absent authenticatorKind to None.
      authenticatorKind: 'Password',
      enableRbac: true,
      environmentId: mz.environmentId,
      requestRollout: mz.requestRollout,
      rolloutStrategy: mz.rolloutStrategy,
      environmentdResourceRequirements: resourceRequirements(mz.environmentdResources),
      balancerdResourceRequirements: resourceRequirements(mz.balancerdResources),
      serviceAccountAnnotations:
        workloadIdentity && props.persistIdentityClientId
          ? { [WORKLOAD_IDENTITY.clientIdAnnotation]: props.persistIdentityClientId }
          : undefined,
      podLabels: workloadIdentity ? { [WORKLOAD_IDENTITY.useLabel]: 'true' } : undefined,
      balancerdExternalCertificateSpec: cert([props.endpoints.sql.host, props.endpoints.sql.inCluster]),
      consoleExternalCertificateSpec: cert([props.endpoints.console.host, props.endpoints.console.inCluster]),
      internalCertificateSpec: cert([`*.${props.namespace}.svc.cluster.local`]),
    };
    this.resource = new Materialize(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
      spec,
    });
  }
}

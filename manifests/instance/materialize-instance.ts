import { Construct } from 'constructs';
import { Materialize, type MaterializeCertSpec, type MaterializeSpec } from '../../imports/materialize.cloud';
import { IMAGES, MANAGED_LABELS, ROLLOUT_EPOCH_ANNOTATION, WORKLOAD_IDENTITY } from '../../model/contract';
import type { Endpoint } from '../../model/endpoints';
import type { Environment } from '../../model/environment';
import { compareVersions, ROLLOUT_REQUEST_TIMEOUT_FROM } from '../../model/operator-versions';
import type { SealedValuesFile } from '../../model/sealed-values';
import { operatorValues } from '../infrastructure/materialize-operator';
import { resourceRequirements } from '../resource-requirements';
import { rolloutIds } from './rollout';

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
  /** The sealed backend secret: a new value (a rotated SAS) rolls environmentd out. @default - not sealed yet */
  readonly sealed?: SealedValuesFile;
  /**
   * What the committed GitOps folder holds, for ManuallyPromote: no instance yet (the first
   * generation has nothing to wait for, so it is promoted at once) or the forcePromote it carries.
   * @default - an instance exists and carries none
   */
  readonly previous?: { readonly firstGeneration: boolean; readonly forcePromote?: string };
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
    const manual = mz.rolloutStrategy === 'ManuallyPromote';
    const shape = {
      environmentdImageRef: `${IMAGES.environmentd}:${mz.environmentdVersion}`,
      backendSecretName: props.backendSecretName,
      // Kept on every update: the operator resets an absent authenticatorKind to None.
      authenticatorKind: 'Password' as const,
      enableRbac: true,
      environmentId: mz.environmentId,
      rolloutStrategy: mz.rolloutStrategy,
      rolloutRequestTimeout:
        manual && compareVersions(mz.operatorChartVersion, ROLLOUT_REQUEST_TIMEOUT_FROM) >= 0 ? mz.rolloutRequestTimeout : undefined,
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
    const { requestRollout, forceRollout } = rolloutIds(props.env, shape, operatorValues(props.env), props.sealed);
    // forcePromote equal to requestRollout promotes that rollout (orchestratord's should_force_promote).
    const forcePromote = manual
      ? (mz.forcePromote ?? (props.previous?.firstGeneration ? requestRollout : props.previous?.forcePromote))
      : undefined;
    const spec: MaterializeSpec = { ...shape, requestRollout, forceRollout, forcePromote };
    this.resource = new Materialize(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...MANAGED_LABELS },
        annotations: { [ROLLOUT_EPOCH_ANNOTATION]: mz.requestRollout },
      },
      spec,
    });
  }
}

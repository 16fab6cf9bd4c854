// Hand-typed from shared/reference/materialize/materialize_crd_descriptions_v1alpha1.json.
// Upstream publishes no CRD YAML (the operator registers it at startup), so `cdk8s import`
// has nothing to read. Deprecated fields (inPlaceRollout, environmentdIamRoleArn) are left out
// on purpose: the operator ignores them.
import { ApiObject, type ApiObjectMetadata, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';

export type MaterializeAuthenticatorKind = 'Frontegg' | 'Password' | 'Sasl' | 'Oidc' | 'None';
export type MaterializeRolloutStrategy = 'WaitUntilReady' | 'ManuallyPromote' | 'ImmediatelyPromoteCausingDowntime';

export interface MaterializeResourceRequirements {
  readonly limits?: Record<string, string>;
  readonly requests?: Record<string, string>;
}

export interface MaterializeCertificateIssuerRef {
  readonly name: string;
  readonly kind?: string;
  readonly group?: string;
}

export interface MaterializeCertSpec {
  readonly dnsNames?: string[];
  readonly duration?: string;
  readonly renewBefore?: string;
  readonly issuerRef?: MaterializeCertificateIssuerRef;
  readonly privateKeyAlgorithm?: 'RSA' | 'ECDSA' | 'Ed25519';
  readonly privateKeySize?: number;
  readonly secretTemplate?: { annotations?: Record<string, string>; labels?: Record<string, string> };
}

export interface MaterializeEnvVar {
  readonly name: string;
  readonly value?: string;
}

/** `spec` of materialize.cloud/v1alpha1 Materialize. */
export interface MaterializeSpec {
  /** Secret with metadata_backend_url, persist_backend_url, license_key, external_login_password_mz_system. */
  readonly backendSecretName: string;
  readonly environmentdImageRef: string;
  readonly authenticatorKind?: MaterializeAuthenticatorKind;
  readonly enableRbac?: boolean;
  /** Must never change for an existing instance. */
  readonly environmentId?: string;
  /** A new UUID requests a rollout. */
  readonly requestRollout?: string;
  readonly forceRollout?: string;
  readonly forcePromote?: string;
  readonly rolloutStrategy?: MaterializeRolloutStrategy;
  /** From the v26.37 line (orchestratord source 3de6a5f9, crd/materialize.rs): a ManuallyPromote rollout left this long is cancelled. */
  readonly rolloutRequestTimeout?: string;
  readonly balancerdReplicas?: number;
  readonly consoleReplicas?: number;
  readonly environmentdResourceRequirements?: MaterializeResourceRequirements;
  readonly balancerdResourceRequirements?: MaterializeResourceRequirements;
  readonly consoleResourceRequirements?: MaterializeResourceRequirements;
  readonly environmentdScratchVolumeStorageRequirement?: string;
  readonly environmentdExtraArgs?: string[];
  readonly environmentdExtraEnv?: MaterializeEnvVar[];
  readonly balancerdExternalCertificateSpec?: MaterializeCertSpec;
  readonly consoleExternalCertificateSpec?: MaterializeCertSpec;
  readonly internalCertificateSpec?: MaterializeCertSpec;
  readonly podAnnotations?: Record<string, string>;
  readonly podLabels?: Record<string, string>;
  readonly serviceAccountAnnotations?: Record<string, string>;
  readonly serviceAccountLabels?: Record<string, string>;
  readonly serviceAccountName?: string;
  readonly systemParameterConfigmapName?: string;
  readonly environmentdConnectionRoleArn?: string;
}

export interface MaterializeProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: MaterializeSpec;
}

/** A Materialize instance, reconciled by the operator (orchestratord). */
export class Materialize extends ApiObject {
  public static readonly GVK: GroupVersionKind = {
    apiVersion: 'materialize.cloud/v1alpha1',
    kind: 'Materialize',
  };

  /** Every spec field the CRD knows, for validating rendered objects. */
  public static readonly SPEC_FIELDS: readonly string[] = [
    'backendSecretName', 'environmentdImageRef', 'authenticatorKind', 'enableRbac', 'environmentId', 'requestRollout',
    'forceRollout', 'forcePromote', 'rolloutStrategy', 'rolloutRequestTimeout', 'balancerdReplicas', 'consoleReplicas',
    'environmentdResourceRequirements', 'balancerdResourceRequirements', 'consoleResourceRequirements',
    'environmentdScratchVolumeStorageRequirement', 'environmentdExtraArgs', 'environmentdExtraEnv',
    'balancerdExternalCertificateSpec', 'consoleExternalCertificateSpec', 'internalCertificateSpec', 'podAnnotations',
    'podLabels', 'serviceAccountAnnotations', 'serviceAccountLabels', 'serviceAccountName', 'systemParameterConfigmapName',
    'environmentdConnectionRoleArn',
  ];

  public constructor(scope: Construct, id: string, props: MaterializeProps) {
    super(scope, id, { ...Materialize.GVK, metadata: props.metadata, spec: props.spec });
  }
}

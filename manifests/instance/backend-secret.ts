import { Construct } from 'constructs';
import { SealedSecret } from '../../imports/sealed-secrets-bitnami.com';
import { BACKEND_SECRET, MANAGED_LABELS } from '../../model/contract';
import type { SealedValuesFile } from '../../model/sealed-values';

export interface BackendSecretProps {
  readonly namespace: string;
  /** Named in the placeholder marker, so the fix is a copy-paste away. */
  readonly environment: string;
  /** Sealed values from `mzops seal`. @default - a schema-valid placeholder with no data */
  readonly sealed?: SealedValuesFile;
}

/** Annotation that marks a placeholder SealedSecret, for humans and for `mzops doctor`. */
export const PLACEHOLDER_ANNOTATION = 'materialize-azure-gitops/sealed';

/**
 * The instance's backend Secret, only ever as a SealedSecret. Strict scope binds each value
 * to this exact name and namespace, so both are set explicitly (no cdk8s name hashes).
 */
export class BackendSecret extends Construct {
  readonly name = BACKEND_SECRET.name;

  constructor(scope: Construct, id: string, props: BackendSecretProps) {
    super(scope, id);
    const encryptedData: Record<string, string> = {};
    for (const [key, entry] of Object.entries(props.sealed?.values ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      if (entry?.sealed) encryptedData[key] = entry.sealed;
    }
    const complete = Object.values(BACKEND_SECRET.keys).every((k) => encryptedData[k]);
    new SealedSecret(this, 'Resource', {
      metadata: {
        name: BACKEND_SECRET.name,
        namespace: props.namespace,
        annotations: complete ? undefined : { [PLACEHOLDER_ANNOTATION]: `false: run mzops seal ${props.environment}` },
      },
      spec: {
        encryptedData,
        template: {
          metadata: { name: BACKEND_SECRET.name, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
          type: 'Opaque',
        },
      },
    });
  }
}

import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { SelfSignedCert } from '@cdktf/provider-tls/lib/self-signed-cert';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { SEALED_SECRETS } from '../model/contract';

export interface SealingKeyProps {
  /** The kubernetes provider configured for the environment's cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** @default 87600 (ten years: the key must outlive cluster rebuilds) */
  readonly validityHours?: number;
  /** Lifecycle prevent_destroy on the key: every SealedSecret in Git is encrypted for it. @default true */
  readonly preventDestroy?: boolean;
}

/**
 * The sealed-secrets key pair, generated in Terraform and written into the cluster as the
 * controller's active key before the controller starts. Secrets are sealed offline against
 * the certificate, and a rebuilt cluster can still decrypt what is in Git.
 */
export class SealingKey extends Construct {
  readonly certificatePem: string;
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: SealingKeyProps) {
    super(scope, id);
    const key = new PrivateKey(this, 'Key', {
      algorithm: 'RSA',
      rsaBits: 4096,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    const cert = new SelfSignedCert(this, 'Certificate', {
      privateKeyPem: key.privateKeyPem,
      validityPeriodHours: props.validityHours ?? 87600,
      subject: [{ commonName: 'sealed-secret', organization: 'materialize-azure-gitops' }],
      allowedUses: ['key_encipherment', 'digital_signature', 'cert_signing'],
      isCaCertificate: true,
    });
    this.certificatePem = cert.certPem;
    this.secret = new SecretV1(this, 'Secret', {
      provider: props.kubernetesProvider,
      metadata: {
        name: SEALED_SECRETS.keySecretName,
        namespace: SEALED_SECRETS.namespace,
        labels: { [SEALED_SECRETS.keyLabel.key]: SEALED_SECRETS.keyLabel.value },
      },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': cert.certPem, 'tls.key': key.privateKeyPem },
    });
  }
}

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CERTIFICATE_AUTHORITY, MANAGED_LABELS } from '../../model/contract';

export interface CertificateAuthorityProps {
  /** Prefix of the issuers, the CA certificate and its secret. */
  readonly name: string;
}

/**
 * A CA that clients can trust, as upstream's Azure example builds it: a selfSigned ClusterIssuer
 * signs one CA Certificate (in cert-manager's namespace, where a ClusterIssuer reads its secret),
 * and a `ca` ClusterIssuer signs every Materialize certificate with it. A selfSigned issuer alone
 * would sign each leaf by itself, with nothing for a client to verify against.
 */
export class CertificateAuthority extends Construct {
  /** The ClusterIssuer the Materialize CR's certificate specs name. */
  readonly issuerName: string;
  /** Secret (in cert-manager's namespace) holding the CA certificate under `ca.crt`: what `mzops ca` fetches. */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: CertificateAuthorityProps) {
    super(scope, id);
    const selfSigned = CERTIFICATE_AUTHORITY.selfSignedIssuerName(props.name);
    this.issuerName = CERTIFICATE_AUTHORITY.issuerName(props.name);
    this.secretName = CERTIFICATE_AUTHORITY.secretName(props.name);
    const labels = { ...MANAGED_LABELS };
    new ApiObject(this, 'SelfSigned', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: selfSigned, labels },
      spec: { selfSigned: {} },
    });
    new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: this.secretName, namespace: CERTIFICATE_AUTHORITY.namespace, labels },
      spec: {
        isCA: true,
        commonName: `${props.name} CA`,
        secretName: this.secretName,
        // Ten years, renewed a year ahead: clients pin it, so it should rarely change.
        duration: '87600h',
        renewBefore: '8760h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: selfSigned, kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    });
    new ApiObject(this, 'Issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: this.issuerName, labels },
      spec: { ca: { secretName: this.secretName } },
    });
  }
}

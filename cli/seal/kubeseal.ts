import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';

/**
 * The sealed-secrets controller's hybrid scheme (what `kubeseal --raw` does), offline:
 * a random AES-256-GCM session key with an all-zero nonce encrypts the value; RSA-OAEP with
 * SHA-256 encrypts the session key, labelled with the scope; the payload is the 2-byte
 * big-endian RSA ciphertext length, the RSA ciphertext, then the AES-GCM output (with tag),
 * base64-encoded.
 */

export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';

export interface SealTarget {
  readonly namespace: string;
  readonly name: string;
  readonly scope: SealingScope;
}

const SESSION_KEY_BYTES = 32;
const GCM_NONCE = Buffer.alloc(12);
const GCM_TAG_BYTES = 16;

/** The OAEP label that binds a value to where it may be unsealed. */
export function scopeLabel(target: SealTarget): Buffer {
  if (target.scope === 'strict') return Buffer.from(`${target.namespace}/${target.name}`);
  if (target.scope === 'namespace-wide') return Buffer.from(target.namespace);
  return Buffer.alloc(0);
}

export interface SealingCertificate {
  readonly publicKey: KeyObject;
  /** SHA-256 of the certificate's DER, lowercase hex: recorded with sealed values. */
  readonly sha256: string;
  readonly validTo: Date;
}

export function readCertificate(pem: string): SealingCertificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new Error('the sealing certificate is not a PEM X.509 certificate (expected the sealing_certificate_pem Terraform output)');
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error('the sealing certificate must hold an RSA key');
  const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  // The controller's own keys are 4096 bits; below 2048 the key no longer protects what is in Git.
  if (bits < 2048) throw new Error(`the sealing certificate's RSA key has ${bits} bits; at least 2048 are required`);
  const now = Date.now();
  if (new Date(cert.validFrom).getTime() > now)
    throw new Error(`the sealing certificate is not valid before ${new Date(cert.validFrom).toISOString()}`);
  return { publicKey: cert.publicKey, sha256: createHash('sha256').update(cert.raw).digest('hex'), validTo: new Date(cert.validTo) };
}

export function seal(value: string | Buffer, cert: SealingCertificate, target: SealTarget): string {
  const plaintext = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (plaintext.length === 0) throw new Error(`refusing to seal an empty value for ${target.namespace}/${target.name}`);
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsa = publicEncrypt(
    { key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: scopeLabel(target) },
    sessionKey,
  );
  // An all-zero nonce is safe only because every session key is fresh and used once.
  const cipher = createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  const aes = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  return Buffer.concat([length, rsa, aes]).toString('base64');
}

/** The controller's side, for tests and recovery: fails unless the key and the scope label match. */
export function unseal(sealed: string, privateKey: KeyObject | string, target: SealTarget): Buffer {
  const payload = Buffer.from(sealed, 'base64');
  if (payload.length < 2) throw new Error('sealed value too short');
  const rsaLength = payload.readUInt16BE(0);
  const rsa = payload.subarray(2, 2 + rsaLength);
  const aes = payload.subarray(2 + rsaLength);
  if (rsa.length !== rsaLength || aes.length < GCM_TAG_BYTES) throw new Error('sealed value truncated');
  const sessionKey = privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: scopeLabel(target) },
    rsa,
  );
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  decipher.setAuthTag(aes.subarray(aes.length - GCM_TAG_BYTES));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - GCM_TAG_BYTES)), decipher.final()]);
}

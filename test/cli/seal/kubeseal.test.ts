import { readCertificate, seal, unseal, type SealTarget } from '../../../cli/seal/kubeseal';
import { makeSealingKeyPair } from '../../support/sealing-key';

const { certPem, keyPem } = makeSealingKeyPair();
const cert = readCertificate(certPem);
const strict: SealTarget = { namespace: 'materialize-environment', name: 'materialize-backend', scope: 'strict' };

describe('kubeseal hybrid encryption', () => {
  it.each<SealTarget>([
    strict,
    { namespace: 'materialize-environment', name: 'materialize-backend', scope: 'namespace-wide' },
    { namespace: 'materialize-environment', name: 'materialize-backend', scope: 'cluster-wide' },
  ])('round-trips under $scope scope with the private key', (target) => {
    const value = "postgres://materialize:p%40ss@h/materialize?sslmode=require&x='$ConnectionString'";
    expect(unseal(seal(value, cert, target), keyPem, target).toString('utf8')).toBe(value);
  });

  it('lays out the payload as length, RSA ciphertext, AES-GCM output', () => {
    const payload = Buffer.from(seal('abc', cert, strict), 'base64');
    expect(payload.readUInt16BE(0)).toBe(256);
    // RSA-2048 block, then 3 bytes of ciphertext and a 16-byte GCM tag.
    expect(payload.length).toBe(2 + 256 + 3 + 16);
  });

  it('uses a fresh session key every time', () => {
    expect(seal('same', cert, strict)).not.toBe(seal('same', cert, strict));
  });

  it('fails to decrypt under strict scope with another name or namespace', () => {
    const sealed = seal('secret', cert, strict);
    expect(() => unseal(sealed, keyPem, { ...strict, name: 'other' })).toThrow();
    expect(() => unseal(sealed, keyPem, { ...strict, namespace: 'default' })).toThrow();
  });

  it('binds namespace-wide values to the namespace only', () => {
    const target: SealTarget = { ...strict, scope: 'namespace-wide' };
    const sealed = seal('secret', cert, target);
    expect(unseal(sealed, keyPem, { ...target, name: 'any-name' }).toString()).toBe('secret');
    expect(() => unseal(sealed, keyPem, { ...target, namespace: 'default' })).toThrow();
  });

  it('fails with another private key, and on a tampered payload', () => {
    const sealed = seal('secret', cert, strict);
    expect(() => unseal(sealed, makeSealingKeyPair().keyPem, strict)).toThrow();
    const bytes = Buffer.from(sealed, 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => unseal(bytes.toString('base64'), keyPem, strict)).toThrow();
  });

  it('refuses an empty value and a malformed certificate', () => {
    expect(() => seal('', cert, strict)).toThrow(/refusing to seal an empty value for materialize-environment\/materialize-backend/);
    expect(() => readCertificate('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n')).toThrow(/not a PEM X.509 certificate/);
  });
});

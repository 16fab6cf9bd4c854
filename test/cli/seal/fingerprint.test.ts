import { scryptSync } from 'node:crypto';
import { fingerprint, matchesFingerprint } from '../../../cli/seal/fingerprint';

/** The fingerprint beside each sealed value: scrypt (N=2^14, r=8, p=1), salted, checked without the plaintext. */
describe('fingerprints', () => {
  it('are scrypt with the stored salt, readable by any scrypt implementation', () => {
    const salt = Buffer.from('0123456789abcdef');
    const made = fingerprint('s3cret-value', salt);
    const hash = scryptSync('s3cret-value', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    expect(made).toBe(`scrypt$${salt.toString('base64')}$${hash.toString('base64')}`);
    // A fresh salt each time: two fingerprints of one value differ.
    expect(fingerprint('s3cret-value')).not.toBe(fingerprint('s3cret-value'));
  });

  it('match their value only, also once the process has seen the pair', () => {
    const salt = Buffer.from('fedcba9876543210');
    // Made outside this module: the first check computes, the second answers from what it learnt.
    const stored = `scrypt$${salt.toString('base64')}$${scryptSync('v1', salt, 32, { N: 2 ** 14, r: 8, p: 1 }).toString('base64')}`;
    for (let i = 0; i < 2; i++) {
      expect(matchesFingerprint('v1', stored)).toBe(true);
      expect(matchesFingerprint('v2', stored)).toBe(false);
    }
    // One changed byte of the hash: no longer the value's fingerprint, whatever was checked before.
    const [, s, h] = stored.split('$');
    const bytes = Buffer.from(h, 'base64');
    bytes[0] ^= 1;
    expect(matchesFingerprint('v1', `scrypt$${s}$${bytes.toString('base64')}`)).toBe(false);
    expect(matchesFingerprint('v1', undefined)).toBe(false);
    expect(matchesFingerprint('v1', 'sha256$abc')).toBe(false);
  });
});

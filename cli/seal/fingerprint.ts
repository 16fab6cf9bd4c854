import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * A slow, salted hash of a secret value, stored beside its sealed form so that `seal` can
 * tell whether the value changed without keeping the plaintext. scrypt, not SHA-256: a short
 * password must not be guessable from a committed file.
 */
const PARAMS = { N: 2 ** 14, r: 8, p: 1 };

export function fingerprint(value: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(value, salt, 32, PARAMS);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function matchesFingerprint(value: string, stored: string | undefined): boolean {
  const m = /^scrypt\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored ?? '');
  if (!m) return false;
  const expected = Buffer.from(m[2], 'base64');
  const actual = scryptSync(value, Buffer.from(m[1], 'base64'), expected.length, PARAMS);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

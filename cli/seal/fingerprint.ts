import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * A slow, salted hash of a secret value, stored beside its sealed form so that `seal` can
 * tell whether the value changed without keeping the plaintext. scrypt, not SHA-256: a short
 * password must not be guessable from a committed file.
 */
const PARAMS = { N: 2 ** 14, r: 8, p: 1 };

/**
 * What this process already knows, by the value's digest and the fingerprint text: a fingerprint
 * it made, or one it checked. One command seals, then checks the same values (deploy, and every
 * resumed run of it); scrypt is slow by design, and the answer for the same pair never changes.
 * It lives as long as the process and never leaves it.
 */
const known = new Map<string, boolean>();
const KNOWN_LIMIT = 4096;
function remember(value: string, stored: string, matches: boolean): void {
  if (known.size >= KNOWN_LIMIT) known.clear();
  known.set(knownKey(value, stored), matches);
}
const knownKey = (value: string, stored: string) => `${createHash('sha256').update(value).digest('base64')}\0${stored}`;

export function fingerprint(value: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(value, salt, 32, PARAMS);
  const stored = `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
  remember(value, stored, true);
  return stored;
}

export function matchesFingerprint(value: string, stored: string | undefined): boolean {
  const m = /^scrypt\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored ?? '');
  if (!m) return false;
  const seen = known.get(knownKey(value, stored!));
  if (seen !== undefined) return seen;
  const expected = Buffer.from(m[2], 'base64');
  const actual = scryptSync(value, Buffer.from(m[1], 'base64'), expected.length, PARAMS);
  const matches = expected.length === actual.length && timingSafeEqual(expected, actual);
  remember(value, stored!, matches);
  return matches;
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND_SECRET_KEYS, type BackendSecretKey } from './contract';
import { ENVIRONMENTS_DIR } from './load';
import { article, issuesOf, s } from './shape';

/** One sealed value and a slow salted hash of its plaintext, so `seal` can tell whether it changed. */
export interface SealedEntry {
  readonly sealed: string;
  /** `scrypt$<salt b64>$<hash b64>`; never the plaintext, never a fast hash of it. */
  readonly fingerprint: string;
}

/**
 * `environments/<name>.sealed.json`, committed: what `mzops seal` writes and synth embeds.
 * Everything in it is either encrypted for the cluster's sealing key or public.
 */
export interface SealedValuesFile {
  /** SHA-256 of the sealing certificate (DER): values sealed for another key are refused. */
  readonly certificateSha256: string;
  readonly scope: 'strict';
  readonly values: Partial<Record<BackendSecretKey, SealedEntry>>;
  /** Public: the workload identity client id that environmentd's service account is annotated with. */
  readonly persistIdentityClientId?: string;
}

export function sealedValuesPath(environment: string, dir: string = ENVIRONMENTS_DIR): string {
  return join(dir, `${environment}.sealed.json`);
}

const BASE64 = /^[A-Za-z0-9+/]{16,}={0,2}$/;
const entry = s.optional(
  s.object({
    sealed: s.string(BASE64, 'must be base64'),
    fingerprint: s.string(/^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'must be an scrypt fingerprint'),
  }),
);
const SEALED_SCHEMA = s.object({
  certificateSha256: s.string(/^[0-9a-f]{64}$/, "must be the sealing certificate's SHA-256, 64 hex digits"),
  scope: s.literal('strict'),
  persistIdentityClientId: s.optional(s.string(/^[0-9a-f-]{36}$/, 'must be a client id (a UUID)')),
  values: s.object(Object.fromEntries(BACKEND_SECRET_KEYS.map((k) => [k, entry])) as Record<BackendSecretKey, typeof entry>),
});

/**
 * `environments/<name>.sealed.json`, checked whole: exactly the four known keys, base64
 * ciphertexts, well-formed fingerprints. A truncated, hand-edited or merge-conflicted file names
 * itself and the way out, rather than reaching dist/ or a JSON error without a file name.
 */
export function readSealedValues(environment: string, dir?: string): SealedValuesFile | undefined {
  const path = sealedValuesPath(environment, dir);
  if (!existsSync(path)) return undefined;
  const fix = `re-seal every value from its sources: mzops seal ${environment} --reseal`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(
      `environment "${environment}": ${path} is not valid JSON (${(e as Error).message.split('\n')[0]}; a merge conflict or a truncated write?); ${fix}`,
      { cause: e },
    );
  }
  const [issue] = issuesOf(SEALED_SCHEMA, parsed);
  if (issue) {
    const where = issue.path.join('.') || 'the file';
    const what =
      issue.code === 'unrecognized_keys'
        ? `has unknown keys ${issue.keys.join(', ')}`
        : issue.code === 'custom'
          ? issue.message
          : issue.code === 'invalid_type'
            ? `must be ${article(issue.expected)}`
            : `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    throw new Error(`environment "${environment}": ${path} is not a sealed values file: ${where} ${what}; ${fix}`);
  }
  return parsed as SealedValuesFile;
}

/** Keys still missing from a sealed file: the Secret would lack them and environmentd would not start. */
export function missingSealedKeys(file: SealedValuesFile | undefined): BackendSecretKey[] {
  return BACKEND_SECRET_KEYS.filter((k) => !file?.values[k]?.sealed);
}

export function serializeSealedValues(file: SealedValuesFile): string {
  const values: Record<string, SealedEntry> = {};
  for (const k of [...BACKEND_SECRET_KEYS].sort()) {
    const v = file.values[k];
    if (v) values[k] = { sealed: v.sealed, fingerprint: v.fingerprint };
  }
  const ordered = {
    certificateSha256: file.certificateSha256,
    scope: file.scope,
    ...(file.persistIdentityClientId ? { persistIdentityClientId: file.persistIdentityClientId } : {}),
    values,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

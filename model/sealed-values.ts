import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND_SECRET_KEYS, type BackendSecretKey } from './contract';
import { ENVIRONMENTS_DIR } from './load';

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

export function readSealedValues(environment: string, dir?: string): SealedValuesFile | undefined {
  const path = sealedValuesPath(environment, dir);
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as SealedValuesFile;
  if (typeof parsed.certificateSha256 !== 'string' || typeof parsed.values !== 'object' || parsed.values === null) {
    throw new Error(`environment "${environment}": ${path} is not a sealed values file (certificateSha256 and values are required); re-create it with mzops seal ${environment}`);
  }
  return parsed;
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

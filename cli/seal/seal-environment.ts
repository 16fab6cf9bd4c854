import { VARIABLES } from '../../model/variables';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND_SECRET, BACKEND_SECRET_KEYS, NAMESPACES, TF_OUTPUTS, type BackendSecretKey } from '../../model/contract';
import type { Environment } from '../../model/environment';
import {
  readSealedValues,
  sealedValuesPath,
  serializeSealedValues,
  type SealedEntry,
  type SealedValuesFile,
} from '../../model/sealed-values';
import { checkBackendValue, licenseKeyMismatch } from '../backend-values';
import { CliError } from '../errors';
import type { StackOutputs } from '../terraform-outputs';
import { envFileTraps, stateDir, writePrivateFile } from '../workspace';
import { writeFileAtomically } from '../../core/swap';
import { fingerprint, matchesFingerprint } from './fingerprint';
import { readCertificate, seal } from './kubeseal';

/** The user's variables that seal reads (also listed in .env.template). */
export const SEAL_VARIABLES = { licenseKey: VARIABLES.licenseKey.name, mzSystemPassword: VARIABLES.mzSystemPassword.name } as const;

export interface SealInput {
  readonly env: Environment;
  readonly outputs: StackOutputs;
  readonly variables: Record<string, string | undefined>;
  /** @default - the sealing_certificate_pem output */
  readonly certificatePem?: string;
  /** Repository root (for .mzops/). @default process.cwd() */
  readonly root?: string;
  /** Where sealed files are written. @default environments/ */
  readonly environmentsDir?: string;
  /** Re-encrypt every value from its sources, ignoring (and replacing) the existing file, even a corrupt one. @default false */
  readonly reseal?: boolean;
}

export interface SealResult {
  readonly path: string;
  readonly sealed: BackendSecretKey[];
  readonly unchanged: BackendSecretKey[];
  /** Set when the mz_system password was generated on this run. */
  readonly generatedPasswordFile?: string;
}

export function passwordFile(environment: string, root?: string): string {
  return join(stateDir(environment, root), 'mz_system_password');
}

function mzSystemPassword(input: SealInput): { value: string; generated?: string } {
  const given = input.variables[SEAL_VARIABLES.mzSystemPassword];
  if (given) return { value: given };
  const file = passwordFile(input.env.name, input.root);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim() };
  return { value: randomBytes(24).toString('base64url'), generated: file };
}

/**
 * Seals the four backend values for the environment's SealedSecret (strict scope) and writes
 * environments/<name>.sealed.json. A key is re-sealed only when its value (or the sealing
 * certificate) changed, so pull requests show real changes only. Every value is checked first:
 * one bad value and nothing is written.
 */
export function sealEnvironment(input: SealInput): SealResult {
  const { env, outputs } = input;
  const pem = input.certificatePem ?? outputs[TF_OUTPUTS.sealingCertificate];
  if (!pem)
    throw new CliError(
      `environment "${env.name}": no sealing certificate`,
      `deploy first (mzops deploy ${env.name}) or pass --cert <file>`,
    );
  let cert: ReturnType<typeof readCertificate>;
  try {
    cert = readCertificate(pem);
  } catch (e) {
    const source = input.certificatePem ? 'the --cert file' : `the Terraform output ${TF_OUTPUTS.sealingCertificate}`;
    throw new CliError(
      `environment "${env.name}": ${(e as Error).message} (from ${source})`,
      input.certificatePem
        ? `leave out --cert: seal takes the certificate the stack generated from its outputs (mzops deploy ${env.name} writes them)`
        : `run mzops deploy ${env.name}: Terraform writes the stack's own sealing certificate into its outputs`,
    );
  }
  if (cert.validTo.getTime() < Date.now())
    throw new CliError(
      `environment "${env.name}": the sealing certificate expired on ${cert.validTo.toISOString()}`,
      // tls_self_signed_cert counts an expired certificate as gone: the next apply issues a new one
      // for the same key (terraform-provider-tls docs, "Automatic Renewal"), so sealed values still decrypt.
      `run mzops deploy ${env.name}: Terraform issues a new certificate for the same key, and deploy seals against it`,
    );

  // A quoting trap in .env would seal something other than what the file seems to say.
  for (const name of [SEAL_VARIABLES.licenseKey, SEAL_VARIABLES.mzSystemPassword]) {
    const trap = envFileTraps(input.root).get(name);
    if (trap && process.env[name] === undefined)
      throw new CliError(
        `environment "${env.name}": ${trap}`,
        'fix .env, then seal again (the environment variable wins over .env, if you prefer to set it there)',
      );
  }
  const password = mzSystemPassword(input);
  const k = BACKEND_SECRET.keys;
  const values: Record<BackendSecretKey, string | undefined> = {
    [k.metadataBackendUrl]: outputs[TF_OUTPUTS.metadataBackendUrl],
    [k.persistBackendUrl]: outputs[TF_OUTPUTS.persistBackendUrl],
    [k.licenseKey]: input.variables[SEAL_VARIABLES.licenseKey]?.trim(),
    [k.mzSystemPassword]: password.value,
  };
  const problems = [
    ...BACKEND_SECRET_KEYS.map((key) => checkBackendValue(key, values[key], env.name)),
    licenseKeyMismatch(values[k.licenseKey], env.materialize.environmentId),
  ].filter((p) => p !== undefined);
  if (problems.length > 0) {
    throw new CliError(problems.map((p) => `environment "${env.name}": ${p.message}`).join('\n'), problems[0].fix);
  }
  const clientId = outputs[TF_OUTPUTS.persistIdentityClientId];
  if (env.storage.persistAuth === 'workloadIdentity' && !clientId) {
    throw new CliError(
      `environment "${env.name}": no ${TF_OUTPUTS.persistIdentityClientId} output for workload identity`,
      `run mzops deploy ${env.name}`,
    );
  }

  const previous = input.reseal ? undefined : readSealedValues(env.name, input.environmentsDir);
  const sameCert = previous?.certificateSha256 === cert.sha256;
  const target = { namespace: NAMESPACES.instance, name: BACKEND_SECRET.name, scope: 'strict' as const };
  const entries: Partial<Record<BackendSecretKey, SealedEntry>> = {};
  const sealed: BackendSecretKey[] = [];
  const unchanged: BackendSecretKey[] = [];
  for (const key of BACKEND_SECRET_KEYS) {
    const value = values[key] as string;
    const old = previous?.values[key];
    if (sameCert && old && matchesFingerprint(value, old.fingerprint)) {
      entries[key] = old;
      unchanged.push(key);
    } else {
      entries[key] = { sealed: seal(value, cert, target), fingerprint: fingerprint(value) };
      sealed.push(key);
    }
  }
  const file: SealedValuesFile = {
    certificateSha256: cert.sha256,
    scope: 'strict',
    values: entries,
    persistIdentityClientId: env.storage.persistAuth === 'workloadIdentity' ? clientId : undefined,
  };
  const path = sealedValuesPath(env.name, input.environmentsDir);
  writeFileAtomically(path, serializeSealedValues(file));
  // Written only once everything else succeeded, so a failed run leaves no orphan password.
  if (password.generated) writePrivateFile(password.generated, `${password.value}\n`);
  return { path, sealed, unchanged, generatedPasswordFile: password.generated };
}

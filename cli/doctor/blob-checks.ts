import { randomBytes } from 'node:crypto';
import { ContainerClient, StorageRetryPolicyType } from '@azure/storage-blob';
import { parsePersistUrl, sasExpiry } from '../backend-values';
import { fail, ok, warn, withTimeout, type CheckResult } from './check';

const AREA = 'blob';
const WARN_DAYS = 30;
/** What persist does: read, write, delete, list, add, create. */
const REQUIRED_PERMISSIONS: [string, string][] = [
  ['r', 'read'],
  ['w', 'write'],
  ['d', 'delete'],
  ['l', 'list'],
  ['a', 'add'],
  ['c', 'create'],
];

export function containerClient(persistUrl: string): ContainerClient {
  // One try, bounded: a doctor must answer, not retry for minutes.
  return new ContainerClient(persistUrl, undefined, {
    retryOptions: { maxTries: 1, tryTimeoutInMs: 10_000, retryPolicyType: StorageRetryPolicyType.FIXED },
  });
}

function sasChecks(sas: URLSearchParams, now: Date, environment: string): CheckResult[] {
  const results: CheckResult[] = [];
  const expiry = sasExpiry(sas);
  if (!expiry) {
    results.push(fail(AREA, 'the SAS has no valid expiry (se)', 'take persist_backend_url from the Terraform output'));
  } else {
    const days = (expiry.getTime() - now.getTime()) / 86_400_000;
    if (days <= 0)
      results.push(
        fail(AREA, `the SAS expired on ${expiry.toISOString()}`, `run mzops rotate-sas ${environment} (Materialize never refreshes a SAS)`),
      );
    else if (days < WARN_DAYS)
      results.push(
        warn(
          AREA,
          `the SAS expires in ${Math.floor(days)} days (${expiry.toISOString()})`,
          `run mzops rotate-sas ${environment} before it does`,
        ),
      );
    else results.push(ok(AREA, `the SAS is valid until ${expiry.toISOString()} (${Math.floor(days)} days)`));
  }
  const sp = sas.get('sp') ?? '';
  const missing = REQUIRED_PERMISSIONS.filter(([letter]) => !sp.includes(letter)).map(([, name]) => name);
  if (missing.length > 0)
    results.push(
      fail(AREA, `the SAS lacks ${missing.join(', ')} permission (sp=${sp})`, 'regenerate it with permissions rwdlacup (Terraform does)'),
    );
  return results;
}

/**
 * Blob Storage names which of its checks refused a request in the error code of a 403: the
 * signature (AuthenticationFailed), the credential's permissions (AuthorizationPermissionMismatch),
 * shared keys switched off (KeyBasedAuthenticationNotPermitted), or the account's network rules
 * (AuthorizationFailure: the firewall, which admits the AKS subnet and allowedClientRanges only).
 * The fix differs for each; "regenerate the SAS" is no fix for a firewall.
 */
const REFUSALS: Record<string, (step: string, code: string, environment: string) => { detail: string; fix: string }> = {
  AuthenticationFailed: (step, _code, environment) => ({
    detail: `${step} refused (AuthenticationFailed): the SAS signature does not verify (edited, truncated, or the account key rotated)`,
    fix: `take persist_backend_url from the Terraform output again, or issue a new SAS: mzops rotate-sas ${environment}`,
  }),
  AuthorizationPermissionMismatch: (step, code, environment) => ({
    detail: `${step} refused (${code}): the credential does not allow ${step}`,
    fix: `issue a SAS with rwdlacup (mzops rotate-sas ${environment}), or grant Storage Blob Data Contributor`,
  }),
  KeyBasedAuthenticationNotPermitted: (step) => ({
    detail: `${step} refused (KeyBasedAuthenticationNotPermitted): the account accepts no SAS signed with its key`,
    fix: 'the account is set up for workload identity (storage.persistAuth); probe from a pod with the identity',
  }),
  AuthorizationFailure: (step) => ({
    detail: `${step} refused (AuthorizationFailure): the storage firewall does not admit this machine`,
    fix: 'run doctor from a network in allowedClientRanges (the account admits those and the AKS subnet), or add its range and deploy',
  }),
};

function probeFailure(step: string, e: unknown, environment: string): CheckResult {
  const err = e as { statusCode?: number; code?: string; message?: string };
  const code = err.code ?? String(err.statusCode ?? '');
  // Azure says AuthenticationFailed for a signature that does not verify; Azurite says
  // AuthorizationFailure with the same message. The message decides, so both read as what they are.
  const kind = /failed to authenticate/i.test(err.message ?? '') ? 'AuthenticationFailed' : code;
  if (err.statusCode === 403) {
    // Any other refusal reads as a permission the credential lacks.
    const { detail, fix } = (REFUSALS[kind] ?? REFUSALS.AuthorizationPermissionMismatch)(step, code, environment);
    return fail(AREA, detail, fix);
  }
  if (err.statusCode === 404) return fail(AREA, `${step}: container not found (${code})`, 'check storage.container; Terraform creates it');
  return fail(AREA, `${step} failed: ${err.message ?? String(e)}`, 'check that the storage account is reachable from here');
}

/**
 * Parses the persist URL as Materialize does, checks the SAS expiry and permissions, then proves
 * access with a put, get, list and delete under a scratch name.
 */
export async function checkBlob(
  persistUrl: string,
  options: { /** Named in the fixes. */ environment: string; now?: Date; timeoutMs?: number },
): Promise<CheckResult[]> {
  const parsed = parsePersistUrl(persistUrl);
  if (typeof parsed === 'string')
    return [fail(AREA, `persist_backend_url ${parsed}`, 'take persist_backend_url from the Terraform output')];
  const results: CheckResult[] = [
    ok(AREA, `persist URL: account ${parsed.account}, container ${parsed.container}${parsed.sas ? ', SAS auth' : ', workload identity'}`),
  ];
  if (!parsed.sas) {
    results.push(
      warn(
        AREA,
        'no SAS: access uses workload identity, which only environmentd in the cluster has',
        'run the probe from a pod with the identity, or trust the role assignment',
      ),
    );
    return results;
  }
  results.push(...sasChecks(parsed.sas, options.now ?? new Date(), options.environment));
  if (results.some((r) => r.status === 'fail')) return results;

  const container = containerClient(persistUrl);
  const name = `mzops-doctor/${randomBytes(6).toString('hex')}`;
  const blob = container.getBlockBlobClient(name);
  const body = Buffer.from('mzops doctor probe');
  const timeout = options.timeoutMs ?? 15_000;
  // Every call carries its own deadline (an endpoint that accepts TCP and never answers would
  // otherwise hold a socket open for minutes), the clean-up after a failure included.
  const signal = () => AbortSignal.timeout(timeout);
  const steps: [string, () => Promise<void>][] = [
    ['put', async () => void (await blob.upload(body, body.length, { abortSignal: signal() }))],
    [
      'get',
      async () => {
        const got = await blob.downloadToBuffer(0, undefined, { abortSignal: signal() });
        if (!got.equals(body)) throw new Error('read back different bytes');
      },
    ],
    [
      'list',
      async () => {
        const seen: string[] = [];
        for await (const item of container.listBlobsFlat({ prefix: name, abortSignal: signal() })) seen.push(item.name);
        if (!seen.includes(name)) throw new Error('the probe blob is not listed');
      },
    ],
    ['delete', async () => void (await blob.delete({ abortSignal: signal() }))],
  ];
  for (const [step, run] of steps) {
    try {
      await withTimeout(run(), timeout, `${parsed.account} ${step}`);
    } catch (e) {
      results.push(probeFailure(step, e, options.environment));
      // The probe cleans up after itself, or says what it left and how to remove it.
      const cleaned =
        step === 'put'
          ? true
          : await withTimeout(blob.deleteIfExists({ abortSignal: signal() }), timeout, `${parsed.account} clean-up`).then(
              () => true,
              () => false,
            );
      if (!cleaned)
        results.push(
          warn(
            AREA,
            `left the probe blob ${name} in container ${parsed.container} (the storage stopped answering)`,
            `delete it once the storage answers: az storage blob delete --account-name ${parsed.account} --container-name ${parsed.container} --name ${name} --auth-mode login`,
          ),
        );
      return results;
    }
  }
  results.push(ok(AREA, `put, get, list and delete under ${name} work`));
  return results;
}

/**
 * How many blobs the persist container holds, and their size, within `timeoutMs` for the whole
 * listing: the SDK's per-try timeout does not end a request to an endpoint that accepts the
 * connection and never answers (measured: still waiting after two minutes), an abort signal does.
 */
export async function containerUsage(persistUrl: string, timeoutMs = 20_000): Promise<{ count: number; bytes: number }> {
  const list = async () => {
    let count = 0;
    let bytes = 0;
    for await (const item of containerClient(persistUrl).listBlobsFlat({ abortSignal: AbortSignal.timeout(timeoutMs) })) {
      count++;
      bytes += item.properties.contentLength ?? 0;
    }
    return { count, bytes };
  };
  return withTimeout(list(), timeoutMs, 'the persist container listing');
}

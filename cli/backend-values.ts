import { BACKEND_SECRET } from '../model/contract';

/** A problem with one backend secret value: what is wrong and how to fix it. */
export interface ValueProblem {
  readonly key: string;
  readonly message: string;
  readonly fix: string;
}

const UNFILLED = /\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Z_]{3,}\b/;

/** The predecessor's envsubst left `${VAR}` in secrets; Materialize then failed with "Name or service not known". */
export function unfilledVariable(value: string): string | undefined {
  return UNFILLED.exec(value)?.[0];
}

export interface PersistLocation {
  readonly account: string;
  readonly container: string;
  readonly sas?: URLSearchParams;
  readonly emulator: boolean;
}

/**
 * Parses a persist URL the way Materialize does: https (or http), the host's first label is the
 * account and the rest must be blob.core.windows.net, or the Azurite account devstoreaccount1
 * as the first path segment; the container is the next path segment; a query string is a SAS.
 */
export function parsePersistUrl(text: string): PersistLocation | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `has scheme ${url.protocol.replace(':', '')}; Materialize reads only https (or http for Azurite)`;
  const segments = url.pathname.split('/').filter(Boolean);
  const [account, ...rest] = url.hostname.split('.');
  let emulator = false;
  let container: string | undefined;
  let acct = account;
  if (rest.join('.') === 'blob.core.windows.net') {
    container = segments[0];
  } else if (segments[0] === 'devstoreaccount1') {
    emulator = true;
    acct = 'devstoreaccount1';
    container = segments[1];
  } else {
    return `has host ${url.hostname}; Materialize accepts only <account>.blob.core.windows.net`;
  }
  if (!container) return 'names no container (the first path segment)';
  if (url.protocol === 'http:' && !emulator) return 'uses http; Azure Blob Storage needs https';
  return { account: acct, container, sas: url.search ? url.searchParams : undefined, emulator };
}

export function sasExpiry(sas: URLSearchParams | undefined): Date | undefined {
  const se = sas?.get('se');
  if (!se) return undefined;
  const d = new Date(se);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function checkMetadataUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return 'must start with postgres://';
  if (!url.hostname) return 'names no server';
  if (!url.username || !url.password) return 'must carry the user and the URL-encoded password';
  if (url.pathname.replace('/', '') === '') return 'names no database';
  if (url.searchParams.get('sslmode') !== 'require') return 'must end with ?sslmode=require (Azure refuses unencrypted connections)';
  return undefined;
}

/** Every rule a backend value must pass before it is sealed or trusted. */
export function checkBackendValue(key: string, value: string | undefined, environment: string): ValueProblem | undefined {
  const k = BACKEND_SECRET.keys;
  if (value === undefined || value.trim() === '') return { key, message: `${key} is empty`, fix: fixFor(key, environment) };
  const unfilled = unfilledVariable(value);
  if (unfilled)
    return {
      key,
      message: `${key} still contains ${unfilled}`,
      fix: 'set the variable, or take the value from the Terraform outputs (mzops seal does)',
    };
  if (/\s/.test(value.trim()) || value !== value.trim()) {
    if (key !== k.licenseKey) return { key, message: `${key} contains white space`, fix: fixFor(key, environment) };
  }
  if (key === k.metadataBackendUrl) {
    const problem = checkMetadataUrl(value);
    if (problem) return { key, message: `${key} ${problem}`, fix: fixFor(key, environment) };
  }
  if (key === k.persistBackendUrl) {
    const parsed = parsePersistUrl(value);
    if (typeof parsed === 'string') return { key, message: `${key} ${parsed}`, fix: fixFor(key, environment) };
  }
  if (key === k.licenseKey && value.trim().length < 64) {
    return {
      key,
      message: `license_key is ${value.trim().length} characters; a Materialize license key is a long signed token`,
      fix: fixFor(key, environment),
    };
  }
  if (key === k.mzSystemPassword && value.length < 12)
    return { key, message: 'the mz_system password is shorter than 12 characters', fix: fixFor(key, environment) };
  return undefined;
}

/** The fix for a bad value, naming the environment so it can be run as printed. */
function fixFor(key: string, environment: string): string {
  switch (key) {
    case BACKEND_SECRET.keys.metadataBackendUrl:
      return `run npm run deploy -- ${environment} so that Terraform writes metadata_backend_url`;
    case BACKEND_SECRET.keys.persistBackendUrl:
      return `run npm run deploy -- ${environment} so that Terraform writes persist_backend_url`;
    case BACKEND_SECRET.keys.licenseKey:
      return 'set MZ_LICENSE_KEY in .env (a community license: https://materialize.com/self-managed/community-license/)';
    default:
      return 'unset MZ_SYSTEM_PASSWORD to have one generated, or set at least 12 characters';
  }
}

/**
 * The environment a license key is bound to, when it names one: its JWT payload's `aud`. The
 * operator refuses an instance whose spec.environmentId differs (orchestratord,
 * controller/materialize.rs), so seal and doctor check it first. A key without one fits any.
 */
export function licenseKeyEnvironments(key: string): string[] | undefined {
  const parts = key.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { aud?: unknown };
    const aud = payload.aud;
    const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    return list.length > 0 ? list : undefined;
  } catch {
    return undefined;
  }
}

/** A problem when the key names environments and this environmentId is not among them. */
export function licenseKeyMismatch(key: string | undefined, environmentId: string): ValueProblem | undefined {
  const bound = key ? licenseKeyEnvironments(key) : undefined;
  if (!bound || bound.includes(environmentId)) return undefined;
  return {
    key: BACKEND_SECRET.keys.licenseKey,
    message: `the license key is for environment ${bound.join(', ')}, but materialize.environmentId is ${environmentId}; the operator would refuse the instance`,
    fix: `set materialize.environmentId to ${bound[0]} (before the first deploy), or use the license key issued for ${environmentId}`,
  };
}

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `mzops doctor`: what was checked, how it went, and the fix when it did not. */
export interface CheckResult {
  /** The named check that produced it (`cluster.nodes`, ...), where the check is one of a registry. */
  readonly id?: string;
  readonly area: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

export const ok = (area: string, detail: string): CheckResult => ({ area, status: 'ok', detail });
export const warn = (area: string, detail: string, fix: string): CheckResult => ({ area, status: 'warn', detail, fix });
export const fail = (area: string, detail: string, fix: string): CheckResult => ({ area, status: 'fail', detail, fix });

export function formatCheck(r: CheckResult): string {
  const head = `${r.status.padEnd(4)}  ${r.area}: ${r.detail}`;
  return r.fix ? `${head}\n      fix: ${r.fix}` : head;
}

/** Bounds a step so that an unreachable endpoint becomes a failed check, not a hung command. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `mzops doctor --json`: schema `mzops.doctor/v1`, documented in the README. */
export interface DoctorJson {
  readonly schema: 'mzops.doctor/v1';
  readonly environment: string;
  readonly checks: CheckResult[];
  readonly summary: { readonly ok: number; readonly warn: number; readonly fail: number };
}

export function doctorJson(environment: string, checks: readonly CheckResult[]): DoctorJson {
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  return {
    schema: 'mzops.doctor/v1',
    environment,
    checks: [...checks],
    summary: { ok: count('ok'), warn: count('warn'), fail: count('fail') },
  };
}

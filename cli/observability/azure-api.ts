import { CliError } from '../errors';

/** What an Azure HTTP API answered: its status and its JSON body ({} when it sent none). */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly ok: boolean;
  readonly json: T;
}

/**
 * One call to an Azure data-plane API that takes an Entra bearer token (the Azure Monitor
 * workspace's query API, Grafana's HTTP API), within its own deadline. Not answering, or not
 * being reachable, is a CliError naming `service` and the request; any answer is returned.
 */
export async function bearerCall<T>(options: {
  readonly service: string;
  readonly url: string;
  readonly token: () => string;
  readonly timeoutMs: number;
  /** Where to look when the service cannot be reached. */
  readonly unreachableHint: string;
  readonly method?: string;
  readonly body?: unknown;
  /** Shown after "did not answer" (`GET /api/folders/x`). @default - nothing */
  readonly request?: string;
}): Promise<ApiAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(options.url, {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${options.token()}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (e) {
    const timedOut = (e as { name?: string }).name === 'TimeoutError';
    throw new CliError(
      timedOut
        ? `${options.service} did not answer${options.request ? ` ${options.request}` : ''} within ${options.timeoutMs / 1000} s`
        : `${options.service} is unreachable: ${(e as Error).message}`,
      options.unreachableHint,
    );
  }
  return { status: res.status, ok: res.ok, json: ((await res.json().catch(() => ({}))) ?? {}) as T };
}

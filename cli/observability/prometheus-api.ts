import { CliError } from '../errors';
import { bearerCall } from './azure-api';

/** Reads one number from a Prometheus-compatible query API (the Azure Monitor workspace's). */
export type MetricsReader = (query: string) => Promise<number | undefined>;

interface QueryResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: { value?: [number, string] }[] };
}

/**
 * A reader over `<endpoint>/api/v1/query` (Prometheus's HTTP API, which the Azure Monitor
 * workspace's query endpoint serves with an Entra bearer token): the sum of an instant vector's
 * values, undefined when it is empty. Every call has its own deadline.
 */
export function prometheusReader(endpoint: string, token: () => string, timeoutMs = 10_000): MetricsReader {
  const base = endpoint.replace(/\/+$/, '');
  return async (query) => {
    const res = await bearerCall<QueryResponse>({
      service: `the metrics query API at ${base}`,
      url: `${base}/api/v1/query?query=${encodeURIComponent(query)}`,
      token,
      timeoutMs,
      unreachableHint: 'check the network path to Azure Monitor, or run again',
    });
    const body = res.json;
    if (!res.ok || body.status !== 'success')
      throw new CliError(
        `the metrics query API at ${base} answered ${res.status}${body.error ? `: ${body.error}` : ''}`,
        res.status === 401 || res.status === 403
          ? 'your Azure identity needs Monitoring Data Reader on the Azure Monitor workspace'
          : 'run again; if it persists, check the workspace in the Azure portal',
      );
    const result = body.data?.result ?? [];
    if (result.length === 0) return undefined;
    return result.reduce((sum, r) => sum + Number(r.value?.[1] ?? 0), 0);
  };
}

import { OBSERVABILITY } from '../../model/contract';
import { CliError } from '../errors';
import type { Dashboard } from './dashboards';

export interface ProvisionOptions {
  /** Grafana's URL (Terraform output grafana_endpoint). */
  readonly endpoint: string;
  readonly token: () => string;
  readonly dashboards: readonly Dashboard[];
  /** Per request. @default 15000 */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

const FOLDER_UID = 'materialize';

interface GrafanaAnswer {
  readonly status: number;
  readonly json: { message?: string; url?: string };
}

async function call(options: ProvisionOptions, method: string, path: string, body?: unknown): Promise<GrafanaAnswer> {
  const base = options.endpoint.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token()}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const timedOut = (e as { name?: string }).name === 'TimeoutError';
    throw new CliError(
      timedOut
        ? `Grafana at ${base} did not answer ${method} ${path} within ${timeoutMs / 1000} s`
        : `Grafana at ${base} is unreachable: ${(e as Error).message}`,
      'check the network path to Azure Managed Grafana, or run again',
    );
  }
  return { status: res.status, json: ((await res.json().catch(() => ({}))) ?? {}) as GrafanaAnswer['json'] };
}

function refused(what: string, r: GrafanaAnswer): CliError {
  return new CliError(
    `Grafana refused ${what}: ${r.status}${r.json?.message ? ` ${r.json.message}` : ''}`,
    r.status === 401 || r.status === 403
      ? 'your Azure identity needs Grafana Editor or Admin on it: add your object ID to observability.grafanaAdmins and deploy'
      : 'run again; if it persists, check the Grafana instance in the Azure portal',
  );
}

/**
 * Puts every dashboard into Grafana's Materialize folder through its HTTP API, overwriting what
 * is there: the repository is the source, so a rebuilt Grafana gets them back on the next run.
 * Returns each dashboard's URL.
 */
export async function provisionDashboards(options: ProvisionOptions): Promise<string[]> {
  const folder = await call(options, 'GET', `/api/folders/${FOLDER_UID}`);
  if (folder.status === 404) {
    const made = await call(options, 'POST', '/api/folders', { uid: FOLDER_UID, title: OBSERVABILITY.grafanaFolder });
    if (made.status >= 300) throw refused(`the folder ${OBSERVABILITY.grafanaFolder}`, made);
  } else if (folder.status >= 300) throw refused(`the folder ${OBSERVABILITY.grafanaFolder}`, folder);
  const urls: string[] = [];
  for (const d of options.dashboards) {
    const r = await call(options, 'POST', '/api/dashboards/db', {
      dashboard: { ...d.json, id: null },
      folderUid: FOLDER_UID,
      overwrite: true,
      message: 'provisioned by mzops from the repository',
    });
    if (r.status >= 300) throw refused(`the dashboard ${d.title}`, r);
    const url = `${options.endpoint.replace(/\/+$/, '')}${r.json?.url ?? `/d/${d.uid}`}`;
    options.log?.(`${d.title}: ${url}`);
    urls.push(url);
  }
  return urls;
}

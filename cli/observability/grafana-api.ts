import { OBSERVABILITY } from '../../model/contract';
import { CliError } from '../errors';
import { bearerCall, type ApiAnswer } from './azure-api';
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

type GrafanaAnswer = ApiAnswer<{ message?: string; url?: string }>;

function call(options: ProvisionOptions, method: string, path: string, body?: unknown): Promise<GrafanaAnswer> {
  const base = options.endpoint.replace(/\/+$/, '');
  return bearerCall({
    service: `Grafana at ${base}`,
    url: `${base}${path}`,
    token: options.token,
    timeoutMs: options.timeoutMs ?? 15_000,
    unreachableHint: 'check the network path to Azure Managed Grafana, or run again',
    method,
    body,
    request: `${method} ${path}`,
  });
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
  const folder = await call(options, 'GET', `/api/folders/${OBSERVABILITY.grafanaFolder.uid}`);
  if (folder.status === 404) {
    const made = await call(options, 'POST', '/api/folders', {
      uid: OBSERVABILITY.grafanaFolder.uid,
      title: OBSERVABILITY.grafanaFolder.title,
    });
    if (made.status >= 300) throw refused(`the folder ${OBSERVABILITY.grafanaFolder.title}`, made);
  } else if (folder.status >= 300) throw refused(`the folder ${OBSERVABILITY.grafanaFolder.title}`, folder);
  const urls: string[] = [];
  for (const d of options.dashboards) {
    const r = await call(options, 'POST', '/api/dashboards/db', {
      dashboard: { ...d.json, id: null },
      folderUid: OBSERVABILITY.grafanaFolder.uid,
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

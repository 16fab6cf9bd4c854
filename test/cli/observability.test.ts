import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMetrics, TARGETS_UP } from '../../cli/doctor/metrics-checks';
import { clusterOverview, dashboardsFor, dashboardsVersionNote } from '../../cli/observability/dashboards';
import { provisionDashboards } from '../../cli/observability/grafana-api';
import { HEALTH_FIGURES, healthLines } from '../../cli/observability/health-figures';
import { prometheusReader } from '../../cli/observability/prometheus-api';
import { STATUS_SECTIONS, statusReport, statusSections } from '../../cli/status';
import { loadEnvironment } from '../../model/load';
import { exampleWith } from '../helpers';

/**
 * The Azure APIs mzops reads metrics from and provisions dashboards into cannot run here: a local
 * server answers as Prometheus's HTTP query API (which the Azure Monitor workspace's query endpoint
 * serves) and as Grafana's dashboard and folder API do, and records what it was asked.
 */
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(
  handler: Handler,
): Promise<{ url: string; server: Server; seen: { method: string; url: string; auth?: string; body: string }[] }> {
  const seen: { method: string; url: string; auth?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

const vector = (...values: number[]) => ({
  status: 'success',
  data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1733227200, String(v)] })) },
});

const env = loadEnvironment(exampleWith(() => undefined));
const servers: Server[] = [];
afterAll(() =>
  servers.forEach((s) => {
    s.closeAllConnections();
    s.close();
  }),
);

describe('reading metrics from the workspace query API', () => {
  it('sends the query with the bearer token and sums the vector; an empty vector is no data', async () => {
    const answers = new Map([[TARGETS_UP, vector(2, 3)]]);
    const { url, server, seen } = await serve((req, _b, res) => {
      const q = new URL(req.url!, 'http://x').searchParams.get('query')!;
      json(res, 200, answers.get(q) ?? vector());
    });
    servers.push(server);
    const read = prometheusReader(`${url}/`, () => 'token-1');
    expect(await read(TARGETS_UP)).toBe(5);
    expect(await read('absent_metric')).toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'GET', auth: 'Bearer token-1' });
    expect(seen[0].url).toBe(`/api/v1/query?query=${encodeURIComponent(TARGETS_UP)}`);
  });

  it('names a refusal with the role to ask for, and ends a call that does not answer at its deadline', async () => {
    const { url, server } = await serve((req, _b, res) => {
      if (req.url!.includes('slow')) return; // never answers
      json(res, 403, { status: 'error', error: 'forbidden' });
    });
    servers.push(server);
    const read = prometheusReader(url, () => 't', 300);
    await expect(read('up')).rejects.toMatchObject({
      message: expect.stringMatching(/answered 403: forbidden/),
      hint: expect.stringMatching(/Monitoring Data Reader/),
    });
    const started = Date.now();
    await expect(read('slow')).rejects.toThrow(/did not answer within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('prints the health figures, each on its own, a failing one saying why', async () => {
    const lines = await healthLines(async (q) => {
      if (q.includes('restarts')) throw new Error('boom');
      if (q.includes('mz_source_messages_received')) return undefined;
      return 4;
    });
    expect(lines).toEqual([
      'ready Materialize pods: 4',
      'restarts in the last hour: unavailable (boom)',
      'ingestion (messages/s, 5 min): no sources',
      'worst freshness lag (s): 4.0',
      "Materialize's metrics targets up: 4",
    ]);
    expect(HEALTH_FIGURES).toHaveLength(lines.length);
  });

  it('mzops status is a registry of named sections, each shown when what it reads is there', () => {
    const ids = STATUS_SECTIONS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(statusSections(env, undefined, {}).map((x) => x.id)).toEqual(['persist']);
    expect(statusSections(env, undefined, {}, async () => 1).map((x) => x.id)).toEqual(['persist', 'metrics']);
  });

  it('mzops status shows them in a section of their own', async () => {
    const lines = await statusReport(env, undefined, { persist_backend_url: undefined }, undefined, async () => 1);
    const at = lines.indexOf('Metrics (Azure Monitor workspace)');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('  ready Materialize pods: 1');
  });

  it('mzops doctor checks that metrics arrive', async () => {
    expect(await checkMetrics(env, async () => 3)).toEqual([
      { area: 'metrics', status: 'ok', detail: "3 of Materialize's metrics targets answer the managed Prometheus scraper" },
    ]);
    const none = await checkMetrics(env, async () => undefined);
    expect(none[0]).toMatchObject({ status: 'fail', fix: expect.stringMatching(/podmonitors\.azmonitoring\.coreos\.com/) });
    expect((await checkMetrics(env, undefined))[0]).toMatchObject({ status: 'warn', fix: 'mzops deploy example' });
    const off = loadEnvironment(exampleWith((d) => (d.observability = { enabled: false })));
    expect((await checkMetrics(off, undefined))[0].status).toBe('ok');
  });
});

describe('provisioning dashboards into Grafana', () => {
  it('creates the folder once, overwrites every dashboard there, and returns their URLs', async () => {
    const folders = new Set<string>();
    const { url, server, seen } = await serve((req, body, res) => {
      if (req.method === 'GET' && req.url === '/api/folders/materialize')
        return folders.has('materialize') ? json(res, 200, { uid: 'materialize' }) : json(res, 404, { message: 'folder not found' });
      if (req.method === 'POST' && req.url === '/api/folders') {
        folders.add(JSON.parse(body).uid);
        return json(res, 200, {});
      }
      if (req.method === 'POST' && req.url === '/api/dashboards/db') {
        const d = JSON.parse(body);
        return json(res, 200, { url: `/d/${d.dashboard.uid}/x`, status: 'success' });
      }
      json(res, 404, {});
    });
    servers.push(server);
    const dashboards = dashboardsFor(env);
    const urls = await provisionDashboards({ endpoint: url, token: () => 'g', dashboards });
    expect(urls).toEqual(dashboards.map((d) => `${url}/d/${d.uid}/x`));
    // A second run (a rebuilt or an unchanged Grafana) only overwrites.
    await provisionDashboards({ endpoint: url, token: () => 'g', dashboards });
    expect(seen.filter((s) => s.url === '/api/folders' && s.method === 'POST')).toHaveLength(1);
    const posted = seen.filter((s) => s.url === '/api/dashboards/db').map((s) => JSON.parse(s.body));
    expect(posted).toHaveLength(dashboards.length * 2);
    for (const p of posted) expect(p).toMatchObject({ folderUid: 'materialize', overwrite: true, dashboard: { id: null } });
  });

  it('says which role a refusal needs', async () => {
    const { url, server } = await serve((_r, _b, res) => json(res, 403, { message: 'Access denied' }));
    servers.push(server);
    await expect(provisionDashboards({ endpoint: url, token: () => 'g', dashboards: [clusterOverview(env)] })).rejects.toMatchObject({
      message: 'Grafana refused the folder Materialize: 403 Access denied',
      hint: expect.stringMatching(/observability.grafanaAdmins/),
    });
  });

  it("warns that Materialize's dashboards stay empty below v26.24.0", () => {
    expect(dashboardsVersionNote(env)).toBeUndefined();
    const old = loadEnvironment(
      exampleWith((d) => (d.materialize = { ...d.materialize, operatorChartVersion: 'v26.12.0', environmentdVersion: undefined })),
    );
    expect(dashboardsVersionNote(old)).toMatch(/from v26\.24\.0; example runs v26\.12\.0/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterOverview, dashboardsFor } from '../../cli/observability/dashboards';
import { MATERIALIZE_SCRAPERS } from '../../model/generated/materialize-scrapers';
import { loadEnvironment } from '../../model/load';
import { CLASSIC_SCHEMA_VERSION, DASHBOARD_FILES, generateDashboards } from '../../scripts/gen-dashboards';
import { exampleWith, REPO_ROOT } from '../helpers';
import { reference } from '../support/reference';

/**
 * Materialize's dashboards as mzops provisions them into Grafana 11: converted from upstream's v2
 * schema by scripts/gen-dashboards.ts. Grafana's own schema for the classic model is not in the
 * reference data; these checks are what Grafana's dashboard loader relies on (a unique uid and
 * panel ids, a 24-column grid without overlaps, variables that exist, built-in panel types) and what
 * the metrics hold (the labels the queries select on are ones our PodMonitors attach).
 */
type Panel = {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  panels?: Panel[];
  targets?: { expr?: string }[];
  datasource?: { uid: string };
};
type Classic = {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: { query?: string } | string }[] };
};

const env = loadEnvironment(exampleWith(() => undefined));
const dashboards = dashboardsFor(env).map((d) => d.json as unknown as Classic);
/** Grafana 11's built-in panel plugins these use. */
const PANEL_TYPES = new Set(['row', 'stat', 'table', 'gauge', 'barchart', 'piechart', 'timeseries']);
/** Grafana's global and data-link variables. */
const BUILTIN_VARIABLES = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__from',
  '__to',
  '__timeFilter',
  '__name',
  '__data',
  '__field',
  '__series',
  '__value',
  '__url_time_range',
  '__dashboard',
  '__org',
  '__user',
]);

const flat = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);

describe.each(dashboards.map((d) => [d.title, d] as const))('dashboard %s', (_t, d) => {
  const panels = flat(d.panels);

  it('is a classic dashboard Grafana 11 loads: a uid, schema version, unique panel ids, built-in panel types', () => {
    expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(d.schemaVersion).toBe(CLASSIC_SCHEMA_VERSION);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    expect(panels.filter((p) => !PANEL_TYPES.has(p.type)).map((p) => p.type)).toEqual([]);
  });

  it('lays every panel on the 24-column grid without overlapping another in the same view', () => {
    const views = [
      d.panels.filter((p) => p.type !== 'row' || !p.panels?.length),
      ...d.panels.filter((p) => p.panels?.length).map((p) => p.panels!),
    ];
    for (const view of views) {
      for (const p of view) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      for (const a of view)
        for (const b of view)
          if (a !== b)
            expect([
              a.title,
              b.title,
              a.gridPos.x < b.gridPos.x + b.gridPos.w &&
                b.gridPos.x < a.gridPos.x + a.gridPos.w &&
                a.gridPos.y < b.gridPos.y + b.gridPos.h &&
                b.gridPos.y < a.gridPos.y + a.gridPos.h,
            ]).toEqual([a.title, b.title, false]);
    }
  });

  it('refers only to variables it defines (or Grafana defines), and reads every panel from the chosen metrics datasource', () => {
    const defined = new Set(d.templating.list.map((v) => v.name));
    const text = JSON.stringify(d.panels) + JSON.stringify(d.templating);
    const used = [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    expect([...new Set(used.filter((v) => !defined.has(v) && !BUILTIN_VARIABLES.has(v)))]).toEqual([]);
    const datasource = d.templating.list.find((v) => v.type === 'datasource')!.name;
    for (const p of panels.filter((x) => x.type !== 'row')) expect(p.datasource?.uid).toBe(`\${${datasource}}`);
  });
});

describe("Materialize's dashboards", () => {
  it('model/generated/grafana/ is what the generator makes from materialize-monitoring 0.18.1 today', () => {
    const fresh = generateDashboards(
      DASHBOARD_FILES.map((f) => [
        f,
        readFileSync(reference(`charts/materialize-monitoring-0.18.1/pre-rendered/dashboards/grafana/${f}`), 'utf8'),
      ]),
    );
    for (const [name, text] of fresh) expect(readFileSync(join(REPO_ROOT, 'model', 'generated', 'grafana', name), 'utf8')).toBe(text);
  });

  it('keeps every upstream panel, and opens on the first tab', () => {
    const upstream = readFileSync(reference('charts/materialize-monitoring-0.18.1/pre-rendered/dashboards/grafana/env-top.yaml'), 'utf8');
    const elements = upstream.match(/^ {6}kind: Panel$/gm)!.length;
    const d = dashboards[0];
    expect(flat(d.panels).filter((p) => p.type !== 'row')).toHaveLength(elements);
    const rows = d.panels.filter((p) => p.type === 'row') as (Panel & { collapsed: boolean })[];
    expect(rows.filter((r) => !r.collapsed).map((r) => r.title)).toEqual(['Summary / Environment Health', 'Summary / Environment Info']);
  });

  it('selects on pod labels the PodMonitors copy onto the series (sanitized as Prometheus does)', () => {
    const attached = new Set(MATERIALIZE_SCRAPERS.flatMap((s) => s.podTargetLabels).map((l) => l.replace(/[^a-zA-Z0-9_]/g, '_')));
    // Label selectors and groupings live in the queries; a table's column list may name labels that exist only sometimes.
    const d = dashboards[0];
    const text = [
      ...flat(d.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
      ...d.templating.list.map((v) => (typeof v.query === 'object' ? (v.query.query ?? '') : '')),
    ].join('\n');
    const selected = [...new Set([...text.matchAll(/\b(materialize_cloud_[a-z_]+|cluster_environmentd_[a-z_]+)\b/g)].map((m) => m[1]))];
    expect(selected.length).toBeGreaterThan(0);
    expect(selected.filter((l) => !attached.has(l))).toEqual([]);
  });

  it('adds a cluster overview of its own, named after the environment', () => {
    expect(clusterOverview(env).title).toBe('Materialize cluster: example');
  });
});

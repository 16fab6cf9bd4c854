import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * Generates model/generated/grafana/*.json: Materialize's dashboards (materialize-monitoring
 * 0.18.1, pre-rendered/dashboards/grafana) in the classic dashboard JSON model Grafana 11 accepts.
 * Upstream writes them in Grafana's v2 schema (`dashboard.grafana.app/v2`: tabs, rows, auto grids,
 * switch variables), which Grafana serves from version 12 behind feature flags; azurerm 4.55's
 * Managed Grafana offers 10 and 11. `mzops dashboards` provisions the result through Grafana's
 * HTTP API. `npm run imports` runs this; a test compares the committed files with a fresh run.
 */
export const DASHBOARD_FILES = ['env-top.yaml'] as const;

/** Grafana 11's classic dashboard schema version (public/app/features/dashboard/state/DashboardMigrator.ts). */
export const CLASSIC_SCHEMA_VERSION = 39;

// Upstream's YAML, walked loosely: every field read is checked by the tests against the output.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const DATASOURCE_REF = (name: string) => ({ type: 'prometheus', uid: name });
const HIDE: Record<string, number> = { dontHide: 0, hideLabel: 1, hideVariable: 2, inControlsMenu: 0 };
const REFRESH: Record<string, number> = { never: 1, onDashboardLoad: 1, onTimeRangeChanged: 2 };
const SORT: Record<string, number> = {
  disabled: 0,
  alphabeticalAsc: 1,
  alphabeticalDesc: 2,
  numericalAsc: 3,
  numericalDesc: 4,
  alphabeticalCaseInsensitiveAsc: 5,
  alphabeticalCaseInsensitiveDesc: 6,
  naturalAsc: 7,
  naturalDesc: 8,
};
const CURSOR_SYNC: Record<string, number> = { Off: 0, Crosshair: 1, Tooltip: 2 };
/** Auto-grid row heights in grid units of 30 px (Grafana's AutoGridLayout: short 168 px, standard 320 px, tall 512 px). */
const ROW_HEIGHT: Record<string, number> = { short: 6, standard: 11, tall: 17 };

function datasource(ref: Json | undefined): Json | undefined {
  return ref?.name ? DATASOURCE_REF(String(ref.name)) : undefined;
}

function variable(v: Json): Json {
  const s = v.spec as Json;
  const base = { name: s.name, label: s.label, description: s.description, hide: HIDE[s.hide] ?? 0, skipUrlSync: s.skipUrlSync ?? false };
  switch (v.kind) {
    case 'DatasourceVariable':
      return {
        ...base,
        type: 'datasource',
        query: s.pluginId,
        regex: s.regex ?? '',
        multi: s.multi,
        includeAll: s.includeAll,
        current: {},
        options: [],
      };
    case 'AdhocVariable':
      return {
        ...base,
        type: 'adhoc',
        datasource: datasource(v.datasource ?? s.datasource),
        filters: s.filters ?? [],
        baseFilters: s.baseFilters ?? [],
      };
    case 'QueryVariable':
      return {
        ...base,
        type: 'query',
        datasource: datasource(s.query?.datasource),
        definition: s.definition,
        query: {
          query: s.query?.spec?.expr ?? s.definition,
          qryType: s.query?.spec?.qryType,
          refId: 'PrometheusVariableQueryEditor-VariableQuery',
        },
        refresh: REFRESH[s.refresh] ?? 1,
        regex: s.regex ?? '',
        sort: SORT[s.sort] ?? 0,
        multi: s.multi,
        includeAll: s.includeAll,
        ...(s.allValue !== undefined ? { allValue: s.allValue } : {}),
        current: {},
        options: [],
      };
    case 'SwitchVariable': {
      // Grafana 11 has no switch: a custom variable with the two values, the switch's current one selected.
      const options = [
        { text: 'on', value: s.enabledValue },
        { text: 'off', value: s.disabledValue },
      ];
      const current = options.find((o) => o.value === s.current) ?? options[0];
      return {
        ...base,
        type: 'custom',
        query: options.map((o) => `${o.text} : ${o.value}`).join(','),
        options: options.map((o) => ({ ...o, selected: o === current })),
        current: { ...current, selected: true },
        multi: false,
        includeAll: false,
      };
    }
    default:
      throw new Error(`dashboard variable of kind ${v.kind} has no Grafana 11 form`);
  }
}

function panel(element: Json, gridPos: Json): Json {
  const s = element.spec as Json;
  if (element.kind !== 'Panel') throw new Error(`dashboard element of kind ${element.kind} has no Grafana 11 form`);
  const queries = (s.data?.spec?.queries ?? []) as Json[];
  const ds = datasource(queries[0]?.spec?.query?.datasource);
  const viz = s.vizConfig as Json;
  return {
    id: s.id,
    type: viz.group,
    title: s.title,
    description: s.description,
    links: s.links ?? [],
    gridPos,
    datasource: ds,
    targets: queries.map((q) => {
      const { query, ...rest } = q.spec.query.spec as Json;
      void query; // the v2 copy of expr
      return { ...rest, refId: q.spec.refId, hide: q.spec.hidden || undefined, datasource: datasource(q.spec.query.datasource) };
    }),
    transformations: ((s.data?.spec?.transformations ?? []) as Json[]).map((t) => ({ id: t.group, options: t.spec?.options ?? {} })),
    ...(s.data?.spec?.queryOptions ?? {}),
    fieldConfig: viz.spec?.fieldConfig ?? { defaults: {}, overrides: [] },
    options: viz.spec?.options ?? {},
    ...(viz.version ? { pluginVersion: viz.version } : {}),
  };
}

/** Lays out one auto grid below `y`: equal columns, the mode's row height; returns the panels and the next free row. */
function autoGrid(layout: Json, elements: Json, y: number): { panels: Json[]; y: number } {
  const s = layout.spec as Json;
  const columns = Math.max(1, Math.min(24, Number(s.maxColumnCount ?? 3)));
  const width = Math.floor(24 / columns);
  const height = ROW_HEIGHT[s.rowHeightMode] ?? Math.max(3, Math.round(Number(s.customMinHeight ?? 320) / 30));
  const panels = (s.items as Json[]).map((item, i) => {
    const name = item.spec.element.name as string;
    const element = elements[name];
    if (!element) throw new Error(`dashboard layout names a missing element ${name}`);
    return panel(element, { x: (i % columns) * width, y: y + Math.floor(i / columns) * height, w: width, h: height });
  });
  return { panels, y: y + Math.ceil(panels.length / columns) * height };
}

function grid(layout: Json, elements: Json, y: number): { panels: Json[]; y: number } {
  if (layout.kind === 'AutoGridLayout') return autoGrid(layout, elements, y);
  if (layout.kind === 'GridLayout') {
    const items = layout.spec.items as Json[];
    const panels = items.map((item) =>
      panel(elements[item.spec.element.name], { x: item.spec.x, y: y + item.spec.y, w: item.spec.width, h: item.spec.height }),
    );
    return { panels, y: Math.max(y, ...panels.map((p) => p.gridPos.y + p.gridPos.h)) };
  }
  throw new Error(`dashboard layout ${layout.kind} inside a row has no Grafana 11 form`);
}

/**
 * Tabs and rows flattened into Grafana 11 rows: each v2 row becomes a row panel titled
 * `<tab> / <row>`, collapsed (its panels inside it) unless it is the first tab's, so the first tab
 * opens as upstream shows it and the others are a click away.
 */
function rows(layout: Json, elements: Json): Json[] {
  const out: Json[] = [];
  let y = 0;
  let nextId = 100_000;
  const emit = (title: string, inner: Json, collapsed: boolean) => {
    const rowY = y;
    const { panels, y: end } = grid(inner, elements, rowY + 1);
    out.push({ id: nextId++, type: 'row', title, collapsed, gridPos: { x: 0, y: rowY, w: 24, h: 1 }, panels: collapsed ? panels : [] });
    if (!collapsed) out.push(...panels);
    y = collapsed ? rowY + 1 : end;
  };
  const tabs = layout.kind === 'TabsLayout' ? (layout.spec.tabs as Json[]) : [{ spec: { title: '', layout } }];
  tabs.forEach((tab, t) => {
    const inner = tab.spec.layout as Json;
    const prefix = tab.spec.title ? `${tab.spec.title} / ` : '';
    if (inner.kind === 'RowsLayout') {
      for (const row of inner.spec.rows as Json[]) emit(`${prefix}${row.spec.title}`, row.spec.layout, t > 0 || row.spec.collapse === true);
    } else emit(tab.spec.title || 'Overview', inner, t > 0);
  });
  return out;
}

/** One upstream v2 dashboard in Grafana 11's classic JSON model. */
export function convertDashboard(v2: Json): Json {
  const s = v2.spec as Json;
  const time = s.timeSettings ?? {};
  return {
    uid: String(v2.metadata.name).slice(0, 40),
    title: s.title,
    description: s.description,
    tags: s.tags ?? [],
    editable: s.editable ?? true,
    graphTooltip: CURSOR_SYNC[s.cursorSync] ?? 0,
    time: { from: time.from ?? 'now-6h', to: time.to ?? 'now' },
    timezone: time.timezone ?? 'browser',
    refresh: time.autoRefresh ?? '',
    timepicker: { refresh_intervals: time.autoRefreshIntervals ?? [] },
    fiscalYearStartMonth: time.fiscalYearStartMonth ?? 0,
    schemaVersion: CLASSIC_SCHEMA_VERSION,
    links: s.links ?? [],
    annotations: { list: s.annotations ?? [] },
    templating: { list: (s.variables as Json[]).map(variable) },
    panels: rows(s.layout, s.elements),
    // Where it came from, for people reading it in Grafana.
    version: 1,
  };
}

export function generateDashboards(files: [name: string, yaml: string][]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, text] of files) {
    const v2 = parse(text) as Json;
    const classic = convertDashboard(v2);
    out.set(`materialize-${name.replace(/\.yaml$/, '')}.json`, `${JSON.stringify(classic, null, 2)}\n`);
  }
  return out;
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: gen-dashboards.ts <materialize-monitoring chart folder>\n');
    process.exit(2);
  }
  const files = DASHBOARD_FILES.map((f): [string, string] => [
    f,
    readFileSync(join(dir, 'pre-rendered', 'dashboards', 'grafana', f), 'utf8'),
  ]);
  const outDir = join(resolve(__dirname, '..'), 'model', 'generated', 'grafana');
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of generateDashboards(files)) writeFileSync(join(outDir, name), text);
  process.stdout.write(`wrote ${outDir}\n`);
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NAMESPACES } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { compareVersions } from '../../model/operator-versions';

/** Materialize's dashboards read metrics environmentd serves from this version on (materialize-monitoring 0.18.1). */
export const DASHBOARDS_MIN_VERSION = 'v26.24.0';

const GENERATED = join(__dirname, '..', '..', 'model', 'generated', 'grafana');

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly json: Record<string, unknown>;
}

const ds = { type: 'prometheus', uid: '${datasource}' };
const timeseries = (id: number, title: string, expr: string, legend: string, x: number, y: number) => ({
  id,
  type: 'timeseries',
  title,
  datasource: ds,
  gridPos: { x, y, w: 12, h: 8 },
  targets: [{ refId: 'A', expr, legendFormat: legend, datasource: ds }],
  fieldConfig: { defaults: {}, overrides: [] },
  options: {},
});

/** The cluster around Materialize: pod readiness and restarts, node use per pool, what the scraper reaches. */
export function clusterOverview(env: Environment): Dashboard {
  const ns = `namespace=~"${NAMESPACES.instance}|${NAMESPACES.operator}"`;
  const uid = `mz-cluster-${env.name}`.slice(0, 40);
  return {
    uid,
    title: `Materialize cluster: ${env.name}`,
    json: {
      uid,
      title: `Materialize cluster: ${env.name}`,
      tags: ['materialize', 'materialize-azure-gitops'],
      editable: true,
      schemaVersion: 39,
      time: { from: 'now-6h', to: 'now' },
      timezone: 'browser',
      templating: {
        list: [{ name: 'datasource', label: 'Metrics', type: 'datasource', query: 'prometheus', hide: 0, current: {}, options: [] }],
      },
      annotations: { list: [] },
      panels: [
        timeseries(1, 'Ready pods', `sum by (namespace) (kube_pod_status_ready{${ns}, condition="true"})`, '{{namespace}}', 0, 0),
        timeseries(2, 'Restarts (1h)', `sum by (pod) (increase(kube_pod_container_status_restarts_total{${ns}}[1h]))`, '{{pod}}', 12, 0),
        timeseries(
          3,
          'Memory working set by pod',
          `sum by (pod) (container_memory_working_set_bytes{${ns}, container!=""})`,
          '{{pod}}',
          0,
          8,
        ),
        timeseries(
          4,
          'CPU by pod (cores)',
          `sum by (pod) (rate(container_cpu_usage_seconds_total{${ns}, container!=""}[5m]))`,
          '{{pod}}',
          12,
          8,
        ),
        timeseries(5, 'Unschedulable pods', `sum(kube_pod_status_unschedulable{${ns}})`, 'unschedulable', 0, 16),
        timeseries(6, "Materialize's metrics targets up", `sum by (job) (up{${ns}})`, '{{job}}', 12, 16),
      ],
    },
  };
}

/** Every dashboard mzops provisions for an environment: Materialize's own, and the cluster overview. */
export function dashboardsFor(env: Environment): Dashboard[] {
  const materialize = readdirSync(GENERATED)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const json = JSON.parse(readFileSync(join(GENERATED, f), 'utf8')) as Record<string, unknown> & { uid: string; title: string };
      return { uid: json.uid, title: json.title, json };
    });
  return [...materialize, clusterOverview(env)];
}

/** Why Materialize's dashboards would stay empty for this environment, if they would. */
export function dashboardsVersionNote(env: Environment): string | undefined {
  const version = env.materialize.environmentdVersion ?? env.materialize.operatorChartVersion;
  return compareVersions(version, DASHBOARDS_MIN_VERSION) < 0
    ? `Materialize's dashboards read metrics environmentd serves from ${DASHBOARDS_MIN_VERSION}; ${env.name} runs ${version}, so their Materialize panels stay empty until mzops upgrade ${env.name} --to <version>`
    : undefined;
}

import { NAMESPACES } from '../../model/contract';
import type { MetricsReader } from './prometheus-api';

/** The few figures that say healthy or not, each one PromQL query over what the workspace holds. */
export const HEALTH_FIGURES: readonly { label: string; query: string; format: (v: number | undefined) => string }[] = [
  {
    label: 'ready Materialize pods',
    query: `sum(kube_pod_status_ready{namespace="${NAMESPACES.instance}", condition="true"})`,
    format: (v) => (v === undefined ? 'no data' : String(Math.round(v))),
  },
  {
    label: 'restarts in the last hour',
    query: `sum(increase(kube_pod_container_status_restarts_total{namespace=~"${NAMESPACES.instance}|${NAMESPACES.operator}"}[1h]))`,
    format: (v) => (v === undefined ? 'no data' : String(Math.round(v))),
  },
  {
    label: 'ingestion (messages/s, 5 min)',
    query: 'sum(rate(mz_source_messages_received[5m]))',
    format: (v) => (v === undefined ? 'no sources' : v.toFixed(1)),
  },
  {
    label: 'worst freshness lag (s)',
    query: 'max(mz_dataflow_wallclock_lag_seconds)',
    format: (v) => (v === undefined ? 'no data' : v.toFixed(1)),
  },
  {
    label: "Materialize's metrics targets up",
    query: `sum(up{namespace="${NAMESPACES.instance}"})`,
    format: (v) => (v === undefined ? 'none' : String(Math.round(v))),
  },
];

/** The figures as `label: value` lines; a figure whose query fails says why, and the others still print. */
export async function healthLines(read: MetricsReader): Promise<string[]> {
  const values = await Promise.all(
    HEALTH_FIGURES.map((f) =>
      read(f.query).then(
        (v) => f.format(v),
        (e: Error) => `unavailable (${e.message})`,
      ),
    ),
  );
  return HEALTH_FIGURES.map((f, i) => `${f.label}: ${values[i]}`);
}

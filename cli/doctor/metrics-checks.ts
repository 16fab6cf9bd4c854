import { NAMESPACES, OBSERVABILITY } from '../../model/contract';
import type { Environment } from '../../model/environment';
import type { MetricsReader } from '../observability/prometheus-api';
import { fail, ok, warn, type CheckResult } from './check';

/** The query that says whether Materialize's metrics arrive: its scrape targets that answered. */
export const TARGETS_UP = `sum(up{namespace="${NAMESPACES.instance}"})`;

/**
 * Do metrics arrive? Asks the environment's Azure Monitor workspace how many of Materialize's
 * scrape targets answered their last scrape. Skipped (ok) with observability off.
 */
export async function checkMetrics(env: Environment, metrics: MetricsReader | undefined): Promise<CheckResult[]> {
  if (!env.observability.enabled) return [ok('metrics', 'observability is off (observability.enabled: false)')];
  if (!metrics)
    return [
      warn('metrics', 'no prometheus_query_endpoint output: the Azure Monitor workspace is not deployed yet', `mzops deploy ${env.name}`),
    ];
  const fix =
    `kubectl -n ${OBSERVABILITY.scraper.namespace} get pods -l rsName=ama-metrics (the collectors run?), ` +
    `kubectl -n ${OBSERVABILITY.namespace} get podmonitors.azmonitoring.coreos.com (Flux applied them?), then mzops status ${env.name}`;
  try {
    const up = await metrics(TARGETS_UP);
    return up !== undefined && up > 0
      ? [ok('metrics', `${Math.round(up)} of Materialize's metrics targets answer the managed Prometheus scraper`)]
      : [fail('metrics', "no metrics from Materialize's pods reach the Azure Monitor workspace", fix)];
  } catch (e) {
    return [fail('metrics', (e as Error).message, (e as { hint?: string }).hint ?? fix)];
  }
}

import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { MANAGED_LABELS, NAMESPACES, OBSERVABILITY } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { kube } from '../kube';
import { MetricsIngress } from './metrics-ingress';
import { MetricsScraping } from './metrics-scraping';
import { OperatorMetricsIngress } from './operator-metrics-ingress';

/**
 * The monitoring layer (observability on): what AKS's managed Prometheus scrapes, and the
 * NetworkPolicies that let its collector reach the metrics ports. A layer of its own: the
 * PodMonitor kind exists once Terraform has turned the add-on on, and a layer waiting for it holds
 * up nothing else.
 */
export class MonitoringChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, { disableResourceNameHashes: true });
    kube.namespace(this, 'Namespace', { metadata: { name: OBSERVABILITY.namespace, labels: { ...MANAGED_LABELS } } });
    new MetricsScraping(this, 'Metrics', {
      operatorVersion: env.materialize.operatorChartVersion,
      certManager: env.materialize.certManager,
    });
    new OperatorMetricsIngress(this, 'OperatorMetricsIngress', { namespace: NAMESPACES.operator });
    new MetricsIngress(this, 'MetricsIngress', { instanceName: env.materialize.instanceName, namespace: NAMESPACES.instance });
  }
}

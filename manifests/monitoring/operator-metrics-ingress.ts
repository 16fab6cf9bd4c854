import { Construct } from 'constructs';
import { CHARTS, MANAGED_LABELS } from '../../model/contract';
import { kube } from '../kube';
import { scraperIngress } from '../network-rules';

export interface OperatorMetricsIngressProps {
  readonly namespace: string;
}

/**
 * The chart's `egress-to-environmentd` policy names no policyTypes, so it isolates the operator's
 * ingress as well as its egress (NetworkPolicy semantics): this one lets AKS's managed Prometheus
 * collector reach the operator's metrics port, and nothing else.
 */
export class OperatorMetricsIngress extends Construct {
  constructor(scope: Construct, id: string, props: OperatorMetricsIngressProps) {
    super(scope, id);
    kube.networkPolicy(this, 'Policy', {
      metadata: { name: `${CHARTS.operator.releaseName}-metrics-ingress`, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
      spec: {
        podSelector: { matchLabels: { ...CHARTS.operator.podLabels } },
        policyTypes: ['Ingress'],
        ingress: [scraperIngress(CHARTS.operator.metricsPort.number)],
      },
    });
  }
}

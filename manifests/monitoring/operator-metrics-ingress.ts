import { Construct } from 'constructs';
import { CHARTS, MANAGED_LABELS, OBSERVABILITY } from '../../model/contract';
import { intOrString, kube } from '../kube';

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
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OBSERVABILITY.scraper.namespace } },
                podSelector: { matchLabels: { ...OBSERVABILITY.scraper.podLabels } },
              },
            ],
            ports: [{ protocol: 'TCP', port: intOrString(CHARTS.operator.metricsPort.number) }],
          },
        ],
      },
    });
  }
}

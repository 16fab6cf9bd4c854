import { Construct } from 'constructs';
import { MANAGED_LABELS, PORTS } from '../../model/contract';
import { kube } from '../kube';
import { scraperIngress } from '../network-rules';

export interface MetricsIngressProps {
  readonly instanceName: string;
  readonly namespace: string;
}

/**
 * The operator's allow-all-within-environment policy isolates every pod of the instance; this one
 * lets AKS's managed Prometheus (the ama-metrics pods in kube-system, which scrape PodMonitor
 * targets) reach the internal HTTP port that environmentd and clusterd serve metrics on, and
 * nothing else.
 */
export class MetricsIngress extends Construct {
  constructor(scope: Construct, id: string, props: MetricsIngressProps) {
    super(scope, id);
    kube.networkPolicy(this, 'Policy', {
      metadata: { name: `${props.instanceName}-metrics-ingress`, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [scraperIngress(PORTS.internalHttp)],
      },
    });
  }
}

import { kube } from '../kube';
import { Construct } from 'constructs';
import { CHARTS, MANAGED_LABELS, PORTS } from '../../model/contract';
import { ANYWHERE, dnsEgress, tcpEgress } from '../network-rules';

export interface OperatorEgressProps {
  readonly namespace: string;
}

/**
 * The chart's `egress-to-environmentd` policy (networkPolicies.internal) egress-isolates the
 * operator: without this one it resolves no name and reaches no API server, so it cannot
 * register its CRDs. The AKS API server is outside the cluster with no address known at synth
 * time: TCP 443 anywhere, as upstream's Azure module allows it.
 */
export class OperatorEgress extends Construct {
  constructor(scope: Construct, id: string, props: OperatorEgressProps) {
    super(scope, id);
    kube.networkPolicy(this, 'Policy', {
      metadata: { name: `${CHARTS.operator.releaseName}-egress`, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
      spec: {
        podSelector: { matchLabels: { ...CHARTS.operator.podLabels } },
        policyTypes: ['Egress'],
        egress: [dnsEgress(), tcpEgress([ANYWHERE], PORTS.https)],
      },
    });
  }
}

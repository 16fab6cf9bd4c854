import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { MANAGED_LABELS, NAMESPACES, PORTS, POD_LABELS } from '../../model/contract';
import { componentSelector } from './access-services';

export interface ClientNetworkPoliciesProps {
  readonly instanceName: string;
  readonly namespace: string;
  /** Client CIDRs admitted to SQL and the console. */
  readonly clientRanges: string[];
}

/**
 * Ingress to balancerd and the console: from the client ranges, from the instance's own pods
 * (the console calls balancerd) and from the operator. Everything else is refused.
 */
export class ClientNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: ClientNetworkPoliciesProps) {
    super(scope, id);
    const peers: k8s.NetworkPolicyPeer[] = [
      ...props.clientRanges.map((cidr) => ({ ipBlock: { cidr } })),
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACES.operator } } },
    ];
    const policy = (polId: string, component: string, ports: number[]) =>
      new k8s.KubeNetworkPolicy(this, polId, {
        metadata: { name: `${props.instanceName}-${component}-ingress`, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
        spec: {
          podSelector: { matchLabels: componentSelector(props.instanceName, component) },
          policyTypes: ['Ingress'],
          ingress: [{ from: peers, ports: ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })) }],
        },
      });
    policy('Balancerd', POD_LABELS.balancerd, [PORTS.sql, PORTS.http]);
    policy('Console', POD_LABELS.console, [PORTS.console]);
  }
}

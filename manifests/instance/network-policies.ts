import { Construct } from 'constructs';
import { intOrString, kube } from '../kube';
import type { k8s } from '../kube';
import { MANAGED_LABELS, NAMESPACES, PORTS, POD_LABELS } from '../../model/contract';
import { ANYWHERE, dnsEgress, namespaceNamed, tcpEgress } from '../network-rules';
import { componentSelector } from './access-services';

export interface InstanceEgressProps {
  readonly instanceName: string;
  readonly namespace: string;
  /** Where the metadata database is: its delegated subnet when private, else anywhere (its public address is Azure's). */
  readonly postgresRanges: readonly string[];
  /** Event Hubs' Kafka endpoint is used. @default false */
  readonly eventHubs?: boolean;
}

/**
 * The operator's allow-all-within-environment policy egress-isolates every pod of the instance
 * (environmentd, clusterd, balancerd, console) to the instance itself. This policy gives back,
 * to every pod of the namespace (it holds this one instance; the operator's own labels carry a
 * resource id known only at run time), what they need outside it: DNS; TCP 443 anywhere (Blob
 * Storage and the API server, where environmentd creates clusterd StatefulSets); PostgreSQL
 * (persist consensus and the catalog, from environmentd and clusterd); and Event Hubs' Kafka
 * port (sources in clusterd, their purification in environmentd).
 */
export class InstanceEgress extends Construct {
  constructor(scope: Construct, id: string, props: InstanceEgressProps) {
    super(scope, id);
    kube.networkPolicy(this, 'Policy', {
      metadata: { name: `${props.instanceName}-egress`, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          dnsEgress(),
          tcpEgress([ANYWHERE], PORTS.https),
          tcpEgress(props.postgresRanges, PORTS.postgres),
          ...(props.eventHubs ? [tcpEgress([ANYWHERE], PORTS.eventHubsKafka)] : []),
        ],
      },
    });
  }
}

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
      { namespaceSelector: namespaceNamed(NAMESPACES.operator) },
    ];
    const policy = (polId: string, component: string, ports: number[]) =>
      kube.networkPolicy(this, polId, {
        metadata: { name: `${props.instanceName}-${component}-ingress`, namespace: props.namespace, labels: { ...MANAGED_LABELS } },
        spec: {
          podSelector: { matchLabels: componentSelector(props.instanceName, component) },
          policyTypes: ['Ingress'],
          ingress: [{ from: peers, ports: ports.map((port) => ({ protocol: 'TCP', port: intOrString(port) })) }],
        },
      });
    policy('Balancerd', POD_LABELS.balancerd, [PORTS.sql, PORTS.http]);
    policy('Console', POD_LABELS.console, [PORTS.console]);
  }
}

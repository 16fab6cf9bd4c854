import { intOrString } from './kube';
import type { k8s } from './kube';
import { CLUSTER_DNS, OBSERVABILITY } from '../model/contract';

/** Anywhere outside the cluster: Azure's public endpoints (Blob, Event Hubs, the AKS API server) have no fixed addresses. */
export const ANYWHERE = '0.0.0.0/0';

/** Selects one namespace by the name label Kubernetes sets on every namespace. */
export function namespaceNamed(name: string): k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': name } };
}

/** Egress to the cluster's DNS (CoreDNS in kube-system), UDP and TCP: an egress-isolated pod resolves nothing without it. */
export function dnsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ namespaceSelector: namespaceNamed(CLUSTER_DNS.namespace), podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } } }],
    ports: (['UDP', 'TCP'] as const).map((protocol) => ({ protocol, port: intOrString(CLUSTER_DNS.port) })),
  };
}

/** Ingress from AKS's managed Prometheus collector (the ama-metrics pods that scrape PodMonitor targets) to one TCP port. */
export function scraperIngress(port: number): k8s.NetworkPolicyIngressRule {
  return {
    from: [
      {
        namespaceSelector: namespaceNamed(OBSERVABILITY.scraper.namespace),
        podSelector: { matchLabels: { ...OBSERVABILITY.scraper.podLabels } },
      },
    ],
    ports: [{ protocol: 'TCP', port: intOrString(port) }],
  };
}

/** Egress over TCP to one port of the given ranges. */
export function tcpEgress(cidrs: readonly string[], port: number): k8s.NetworkPolicyEgressRule {
  return { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: intOrString(port) }] };
}

import { parseCidr, parseIp } from '../../model/cidr';

/**
 * Kubernetes NetworkPolicy semantics, as the networking.k8s.io/v1 API documents them, over a
 * model of the cluster: which pods exist (with their labels and namespace), which addresses lie
 * outside it, and every policy that will exist. Used to check flows, not fields.
 *
 * - `policyTypes` omitted: Ingress, plus Egress when the policy has egress rules.
 * - A pod is isolated in a direction when any policy of its namespace selects it with that type;
 *   then only what some such policy allows passes. Policies add up; there is no deny rule.
 * - A flow passes when the source's egress allows it and the destination's ingress allows it
 *   (an endpoint outside the cluster has no policies of its own).
 * - Peers: `ipBlock` (cidr minus except) matches addresses outside the cluster (for pod addresses
 *   the API leaves it to the implementation; we treat it as no match); `podSelector` alone
 *   matches pods of the policy's namespace; `namespaceSelector` alone every pod of the matching
 *   namespaces; both together, pods that match both. An empty or absent `from`/`to` matches all.
 * - Ports: absent or empty means every port; `protocol` defaults to TCP; `endPort` makes a range.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: { from?: Peer[]; ports?: PolicyPort[] }[];
    egress?: { to?: Peer[]; ports?: PolicyPort[] }[];
  };
}

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

export interface External {
  readonly name: string;
  readonly ip: string;
}

export type Endpoint = Pod | External;

export interface ClusterModel {
  /** Namespace name -> labels (kubernetes.io/metadata.name is added). */
  readonly namespaces: Record<string, Record<string, string>>;
  readonly policies: NetworkPolicy[];
}

const isPod = (e: Endpoint): e is Pod => 'namespace' in e;

export function matchesSelector(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIp(ip);
  if (typeof c === 'string' || a === undefined) throw new Error(`bad address ${ip} or range ${cidr}`);
  return a >= c.first && a <= c.last;
}

function namespaceLabels(model: ClusterModel, ns: string): Record<string, string> {
  return { ...(model.namespaces[ns] ?? {}), 'kubernetes.io/metadata.name': ns };
}

function peerMatches(model: ClusterModel, policyNamespace: string, peer: Peer, other: Endpoint): boolean {
  if (peer.ipBlock) {
    if (isPod(other)) return false;
    return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x) => inCidr(other.ip, x));
  }
  if (!isPod(other)) return false;
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, namespaceLabels(model, other.namespace))) return false;
    return peer.podSelector ? matchesSelector(peer.podSelector, other.labels) : true;
  }
  return other.namespace === policyNamespace && matchesSelector(peer.podSelector, other.labels);
}

function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') throw new Error(`named port ${p.port}: not modelled`);
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  });
}

export function policyTypes(p: NetworkPolicy): ('Ingress' | 'Egress')[] {
  return p.spec.policyTypes ?? (p.spec.egress && p.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
}

function selecting(model: ClusterModel, pod: Pod, type: 'Ingress' | 'Egress'): NetworkPolicy[] {
  return model.policies.filter(
    (p) =>
      (p.metadata.namespace ?? 'default') === pod.namespace &&
      policyTypes(p).includes(type) &&
      matchesSelector(p.spec.podSelector, pod.labels),
  );
}

/** Whether the policies allow `from` to open a connection to `to` on `port`/`protocol`, and why not when they do not. */
export function evaluate(
  model: ClusterModel,
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
): { allowed: boolean; reason: string } {
  if (isPod(from)) {
    const policies = selecting(model, from, 'Egress');
    if (policies.length > 0) {
      const ok = policies.some((p) =>
        (p.spec.egress ?? []).some(
          (r) =>
            portMatches(r.ports, port, protocol) &&
            (!r.to || r.to.length === 0 || r.to.some((peer) => peerMatches(model, from.namespace, peer, to))),
        ),
      );
      if (!ok)
        return {
          allowed: false,
          reason: `egress of ${from.name} is isolated by ${policies.map((p) => p.metadata.name).join(', ')} and none allows it`,
        };
    }
  }
  if (isPod(to)) {
    const policies = selecting(model, to, 'Ingress');
    if (policies.length > 0) {
      const ok = policies.some((p) =>
        (p.spec.ingress ?? []).some(
          (r) =>
            portMatches(r.ports, port, protocol) &&
            (!r.from || r.from.length === 0 || r.from.some((peer) => peerMatches(model, to.namespace, peer, from))),
        ),
      );
      if (!ok)
        return {
          allowed: false,
          reason: `ingress of ${to.name} is isolated by ${policies.map((p) => p.metadata.name).join(', ')} and none allows it`,
        };
    }
  }
  return { allowed: true, reason: 'allowed' };
}

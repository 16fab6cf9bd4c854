import type { Environment } from './environment';
import { OPERATOR_CHART_DEFAULTS, REPLICA_SIZES } from './generated/operator-chart-defaults';
import { VM_SIZES } from './vm-sizes';

/**
 * Will the pods fit? Each pool's nodes offer what AKS leaves allocatable; the pods that land on a
 * pool (by node selector and toleration) are placed first-fit-decreasing, node by node, as the
 * scheduler must place each pod whole on one node. Sources of every number:
 * - allocatable: AKS "Node resource reservations" (1.29 and later): kube-reserved CPU by core
 *   count; memory reserve min(20 MB x max pods + 50 MB, 25% of memory) plus the 100 Mi eviction
 *   threshold. Max pods is 30, Azure CNI's default, set explicitly on both pools.
 * - the operator's pods at v26.12 (deployment-facts.md, section 2): 2 balancerd and 2 console
 *   replicas; one clusterd replica per replica of the quickstart and mz_catalog_server clusters
 *   (replication factor 1, Materialize's default) and of any built-in cluster the chart gives a
 *   factor; a rollout runs a second environmentd until promotion.
 * - requests: the environment's sizings, the chart's defaults (generated from its values.yaml)
 *   and each replica size's limits (clusterd requests what its size allows).
 * - AKS's own DaemonSets and system pods: allowances below, estimated from their usual requests
 *   (no live cluster runs here to read them from).
 */

export const MAX_PODS_PER_NODE = 30;

/** kube-proxy, azure-cns, the policy engine, cloud-node-manager, the CSI drivers, ip-masq-agent: per node. */
export const AKS_DAEMONSET_ALLOWANCE = { cpuMillis: 600, memoryMi: 800 } as const;
/** CoreDNS, metrics-server, konnectivity, the Flux extension's controllers, cert-manager, sealed-secrets: on the system pool. */
export const SYSTEM_PODS_ALLOWANCE = { cpuMillis: 700, memoryMi: 900 } as const;
/** Share of a pool's allocatable CPU and memory that must stay free once everything is placed. */
export const HEADROOM = 0.1;

const KUBE_RESERVED_CPU: [cores: number, millis: number][] = [
  [1, 60],
  [2, 100],
  [4, 140],
  [8, 180],
  [16, 260],
  [32, 420],
  [64, 740],
];

export interface Resources {
  readonly cpuMillis: number;
  readonly memoryMi: number;
}

export interface PodRequest extends Resources {
  readonly name: string;
}

export function parseCpu(q: string | number): number {
  if (typeof q === 'number') return Math.round(q * 1000);
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** Memory in MiB from a Kubernetes quantity (Ki/Mi/Gi, K/M/G) or the chart's `MiB`/`GiB`. */
export function parseMemory(q: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|Ti|KiB|MiB|GiB|K|M|G|k)?$/.exec(q.trim());
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').replace(/B$/, '');
  const factor: Record<string, number> = {
    '': 1 / 1048576,
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    Ti: 1048576,
    k: 1000 / 1048576,
    K: 1000 / 1048576,
    M: 1e6 / 1048576,
    G: 1e9 / 1048576,
  };
  return n * factor[unit];
}

/** What a node of this size offers to pods. */
export function allocatable(vmSize: string): Resources | undefined {
  const vm = VM_SIZES[vmSize];
  if (!vm) return undefined;
  const reservedCpu = KUBE_RESERVED_CPU.find(([cores]) => vm.vcpus <= cores)?.[1] ?? KUBE_RESERVED_CPU[KUBE_RESERVED_CPU.length - 1][1];
  const memoryMi = vm.memoryGiB * 1024;
  const kubeReservedMemory = Math.min(20 * MAX_PODS_PER_NODE + 50, 0.25 * memoryMi);
  return { cpuMillis: vm.vcpus * 1000 - reservedCpu, memoryMi: memoryMi - kubeReservedMemory - 100 };
}

function requests(name: string, cpu: string | number, memory: string): PodRequest {
  return { name, cpuMillis: parseCpu(cpu), memoryMi: parseMemory(memory) };
}

function replica(name: string, size: string): PodRequest {
  const s = REPLICA_SIZES[size];
  return requests(name, s.cpuLimit * s.scale, s.memoryLimit);
}

/** The pods on the Materialize pool, by what the operator and the CR will start. */
export function materializePoolPods(env: Environment): PodRequest[] {
  const mz = env.materialize;
  const envd = requests('environmentd', mz.environmentdResources.cpuRequest, mz.environmentdResources.memoryRequest);
  const bal = requests('balancerd', mz.balancerdResources.cpuRequest, mz.balancerdResources.memoryRequest);
  const con = requests('console', OPERATOR_CHART_DEFAULTS.requests.console.cpu, OPERATOR_CHART_DEFAULTS.requests.console.memory);
  const pods: PodRequest[] = [envd, bal, { ...bal, name: 'balancerd-2' }, con, { ...con, name: 'console-2' }];
  if (mz.rolloutStrategy !== 'ImmediatelyPromoteCausingDowntime')
    pods.push({ ...envd, name: 'environmentd (next generation, during a rollout)' });
  const sizes = OPERATOR_CHART_DEFAULTS.builtinClusterSizes as Record<string, string>;
  const factors = OPERATOR_CHART_DEFAULTS.builtinReplicationFactors as Record<string, number>;
  const builtins: [cluster: string, key: string][] = [
    ['quickstart', 'default'],
    ['mz_catalog_server', 'catalogServer'],
    ['mz_system', 'system'],
    ['mz_probe', 'probe'],
    ['mz_support', 'support'],
    ['mz_analytics', 'analytics'],
  ];
  for (const [cluster, key] of builtins) {
    for (let i = 0; i < (factors[key] ?? 1); i++) pods.push(replica(`clusterd ${cluster} r${i + 1} (${sizes[key]})`, sizes[key]));
  }
  if (env.eventHubs.enabled) {
    for (const c of env.eventHubs.clusters) {
      if (!(c.size in REPLICA_SIZES)) continue;
      for (let i = 0; i < c.replicationFactor; i++) pods.push(replica(`clusterd ${c.name} r${i + 1} (${c.size})`, c.size));
    }
  }
  return pods;
}

/** Per node of the Materialize pool: AKS's DaemonSets, and the swap disk-setup when swap is on. */
export function materializePoolDaemonSets(env: Environment): PodRequest[] {
  return [{ name: 'AKS DaemonSets', ...AKS_DAEMONSET_ALLOWANCE }, ...(env.materialize.swap ? [DISK_SETUP_REQUESTS] : [])];
}

/** The swap disk-setup DaemonSet's pod requests (its init container; the pause container asks for nothing). */
export const DISK_SETUP_REQUESTS: PodRequest = { name: 'disk-setup', cpuMillis: 50, memoryMi: 128 };

export function systemPoolPods(): PodRequest[] {
  const op = OPERATOR_CHART_DEFAULTS.requests.operator;
  return [requests('materialize-operator', op.cpu, op.memory), { name: 'AKS and Flux system pods', ...SYSTEM_PODS_ALLOWANCE }];
}

export interface Placement {
  readonly unplaced: PodRequest[];
  /** Share of the pool's allocatable CPU and memory left free. */
  readonly freeCpu: number;
  readonly freeMemory: number;
  readonly perNode: Resources;
}

/** First-fit-decreasing onto `nodes` nodes of `node` capacity, after each node's DaemonSets. */
export function place(node: Resources, nodes: number, daemonSets: PodRequest[], pods: PodRequest[]): Placement {
  const perNode = {
    cpuMillis: node.cpuMillis - daemonSets.reduce((a, p) => a + p.cpuMillis, 0),
    memoryMi: node.memoryMi - daemonSets.reduce((a, p) => a + p.memoryMi, 0),
  };
  const free = Array.from({ length: nodes }, () => ({ ...perNode }));
  const unplaced: PodRequest[] = [];
  const weight = (p: PodRequest) => Math.max(p.cpuMillis / Math.max(perNode.cpuMillis, 1), p.memoryMi / Math.max(perNode.memoryMi, 1));
  for (const pod of [...pods].sort((a, b) => weight(b) - weight(a) || a.name.localeCompare(b.name))) {
    const slot = free.find((f) => f.cpuMillis >= pod.cpuMillis && f.memoryMi >= pod.memoryMi);
    if (!slot) unplaced.push(pod);
    else {
      slot.cpuMillis -= pod.cpuMillis;
      slot.memoryMi -= pod.memoryMi;
    }
  }
  const total = { cpuMillis: node.cpuMillis * nodes, memoryMi: node.memoryMi * nodes };
  return {
    unplaced,
    perNode,
    freeCpu: free.reduce((a, f) => a + f.cpuMillis, 0) / total.cpuMillis,
    freeMemory: free.reduce((a, f) => a + f.memoryMi, 0) / total.memoryMi,
  };
}

/** One line per pool that does not fit with headroom; empty when both do. */
export function capacityProblems(env: Environment): { field: string; rule: string; example: string }[] {
  const problems: { field: string; rule: string; example: string }[] = [];
  const pools: [field: string, vmSize: string, nodes: number, daemonSets: PodRequest[], pods: PodRequest[], example: string][] = [
    [
      'aks.materializePool',
      env.aks.materializePool.vmSize,
      env.aks.materializePool.nodeCount,
      materializePoolDaemonSets(env),
      materializePoolPods(env),
      '{ vmSize: "Standard_E4pds_v6", nodeCount: 2 }',
    ],
    [
      'aks.systemPool',
      env.aks.systemPool.vmSize,
      env.aks.systemPool.nodeCount,
      [{ name: 'AKS DaemonSets', ...AKS_DAEMONSET_ALLOWANCE }],
      systemPoolPods(),
      '{ vmSize: "Standard_B2s", nodeCount: 1 }',
    ],
  ];
  for (const [field, vmSize, nodes, daemonSets, pods, example] of pools) {
    const node = allocatable(vmSize);
    if (!node || !Number.isInteger(nodes) || nodes < 1) continue;
    // A request that is not a quantity is reported on its own field; placing NaN would only add a confusing second line.
    if ([...daemonSets, ...pods].some((x) => !Number.isFinite(x.cpuMillis) || !Number.isFinite(x.memoryMi))) continue;
    const p = place(node, nodes, daemonSets, pods);
    const need = pods.reduce((a, x) => ({ cpuMillis: a.cpuMillis + x.cpuMillis, memoryMi: a.memoryMi + x.memoryMi }), {
      cpuMillis: 0,
      memoryMi: 0,
    });
    const have = `${nodes} x ${vmSize} (${Math.round(p.perNode.cpuMillis)}m CPU and ${Math.round(p.perNode.memoryMi)}Mi free per node after AKS's reservations and DaemonSets)`;
    if (p.unplaced.length > 0) {
      problems.push({
        field,
        rule: `must hold its pods: ${have} cannot place ${p.unplaced.map((u) => u.name).join(', ')} (all pods request ${need.cpuMillis}m CPU, ${Math.round(need.memoryMi)}Mi)`,
        example,
      });
    } else if (p.freeCpu < HEADROOM || p.freeMemory < HEADROOM) {
      problems.push({
        field,
        rule: `must keep ${HEADROOM * 100}% headroom: ${have} would have ${Math.round(p.freeCpu * 100)}% CPU and ${Math.round(p.freeMemory * 100)}% memory left`,
        example,
      });
    }
  }
  return problems;
}

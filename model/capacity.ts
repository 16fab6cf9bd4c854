import type { Environment } from './environment';
import { REPLICA_SIZES } from './generated/operator-chart-defaults';
import { operatorChartDefaults } from './operator-versions';
import { VM_SIZES } from './vm-sizes';

/**
 * Will the pods fit? Each pool's nodes offer what AKS leaves allocatable; the pods that land on a
 * pool (by node selector and toleration) are placed first-fit-decreasing, node by node, as the
 * scheduler must place each pod whole on one node. Sources of every number:
 * - allocatable: AKS "Node resource reservations" (1.29 and later): kube-reserved CPU by core
 *   count; memory reserve min(20 MB x max pods + 50 MB, 25% of memory) plus the 100 Mi eviction
 *   threshold. Max pods is 30, Azure CNI's default, set explicitly on both pools.
 * - the operator's pods (deployment-facts.md, sections 2 and 5): 2 balancerd and 2 console
 *   replicas; one clusterd replica per replica of the quickstart and mz_catalog_server clusters
 *   (replication factor 1, Materialize's default) and of any built-in cluster the chart gives a
 *   factor. A rollout (WaitUntilReady, ManuallyPromote) runs the next generation beside the
 *   current one until promotion: a second environmentd and a second clusterd per replica. The
 *   operator itself runs the chart's replica count (1 at v26.12, 2 from v26.37), plus the one
 *   extra pod a rolling update surges (a Deployment's default maxSurge, 25%, rounds up to one).
 * - a pool must hold the steady state on its nodeCount and a rollout on its maxCount: the
 *   autoscaler adds nodes for a rollout's pods, and a pool without autoscaling has nodeCount only.
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
/**
 * AKS's managed Prometheus add-on, as its chart renders for a Standard (not Automatic) cluster
 * (Azure/prometheus-collector addon chart at db003563; a test renders it with helm and compares):
 * the ama-metrics-node DaemonSet on every node of every pool (it tolerates every taint), and on
 * the system pool the ama-metrics collectors (two: the HPA's minimum, which scales at 5Gi of
 * memory use per collector), kube-state-metrics and the target allocator.
 */
export const METRICS_ADDON = {
  nodeAgent: { name: 'ama-metrics-node', cpuMillis: 70, memoryMi: 200 },
  collector: { name: 'ama-metrics', cpuMillis: 170, memoryMi: 550 },
  collectorReplicas: 2,
  kubeStateMetrics: { name: 'ama-metrics-ksm', cpuMillis: 5, memoryMi: 50 },
  targetAllocator: { name: 'ama-metrics-operator-targets', cpuMillis: 11, memoryMi: 60 },
} as const;

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

/** Before and after a rollout, or during one (both generations). */
export type Phase = 'steady' | 'rollout';

/** The pods on the Materialize pool, by what the operator and the CR will start. */
export function materializePoolPods(env: Environment, phase: Phase = 'steady'): PodRequest[] {
  const mz = env.materialize;
  const chart = operatorChartDefaults(mz.operatorChartVersion);
  const envd = requests('environmentd', mz.environmentdResources.cpuRequest, mz.environmentdResources.memoryRequest);
  const bal = requests('balancerd', mz.balancerdResources.cpuRequest, mz.balancerdResources.memoryRequest);
  const con = requests('console', chart.requests.console.cpu, chart.requests.console.memory);
  const generation: PodRequest[] = [envd];
  const sizes = chart.builtinClusterSizes as Record<string, string>;
  const factors = chart.builtinReplicationFactors as Record<string, number>;
  const builtins: [cluster: string, key: string][] = [
    ['quickstart', 'default'],
    ['mz_catalog_server', 'catalogServer'],
    ['mz_system', 'system'],
    ['mz_probe', 'probe'],
    ['mz_support', 'support'],
    ['mz_analytics', 'analytics'],
  ];
  for (const [cluster, key] of builtins) {
    for (let i = 0; i < (factors[key] ?? 1); i++) generation.push(replica(`clusterd ${cluster} r${i + 1} (${sizes[key]})`, sizes[key]));
  }
  if (env.eventHubs.enabled) {
    for (const c of env.eventHubs.clusters) {
      if (!(c.size in REPLICA_SIZES)) continue;
      for (let i = 0; i < c.replicationFactor; i++) generation.push(replica(`clusterd ${c.name} r${i + 1} (${c.size})`, c.size));
    }
  }
  const pods: PodRequest[] = [...generation, bal, { ...bal, name: 'balancerd-2' }, con, { ...con, name: 'console-2' }];
  // ImmediatelyPromoteCausingDowntime tears the old generation down first: never two at once.
  if (phase === 'rollout' && mz.rolloutStrategy !== 'ImmediatelyPromoteCausingDowntime')
    pods.push(...generation.map((p) => ({ ...p, name: `${p.name} (next generation)` })));
  return pods;
}

/** Per node of the Materialize pool: AKS's DaemonSets, and the swap disk-setup when swap is on. */
export function materializePoolDaemonSets(env: Environment): PodRequest[] {
  return [
    { name: 'AKS DaemonSets', ...AKS_DAEMONSET_ALLOWANCE },
    ...(env.materialize.swap ? [DISK_SETUP_REQUESTS] : []),
    ...(env.observability.enabled ? [METRICS_ADDON.nodeAgent] : []),
  ];
}

/** Per node of the system pool: AKS's DaemonSets, and the metrics add-on's node agent with observability on. */
export function systemPoolDaemonSets(env: Environment): PodRequest[] {
  return [{ name: 'AKS DaemonSets', ...AKS_DAEMONSET_ALLOWANCE }, ...(env.observability.enabled ? [METRICS_ADDON.nodeAgent] : [])];
}

/** The swap disk-setup DaemonSet's pod requests (its init container; the pause container asks for nothing). */
export const DISK_SETUP_REQUESTS: PodRequest = { name: 'disk-setup', cpuMillis: 50, memoryMi: 128 };

/** The system pool: the operator's replicas (and a rolling update's surge pod), AKS's and Flux's own pods. */
export function systemPoolPods(env: Environment, phase: Phase = 'steady'): PodRequest[] {
  const chart = operatorChartDefaults(env.materialize.operatorChartVersion);
  const op = chart.requests.operator;
  const replicas = chart.operatorReplicas + (phase === 'rollout' ? 1 : 0);
  const pods = Array.from({ length: replicas }, (_, i) => requests(`materialize-operator-${i + 1}`, op.cpu, op.memory));
  const metrics: PodRequest[] = env.observability.enabled
    ? [
        ...Array.from({ length: METRICS_ADDON.collectorReplicas }, (_, i) => ({
          ...METRICS_ADDON.collector,
          name: `ama-metrics-${i + 1}`,
        })),
        METRICS_ADDON.kubeStateMetrics,
        METRICS_ADDON.targetAllocator,
      ]
    : [];
  return [...pods, ...metrics, { name: 'AKS and Flux system pods', ...SYSTEM_PODS_ALLOWANCE }];
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

interface PoolCheck {
  readonly field: 'aks.materializePool' | 'aks.systemPool';
  readonly vmSize: string;
  readonly nodes: number;
  readonly daemonSets: PodRequest[];
  readonly pods: PodRequest[];
  readonly example: string;
  /** What the node count is: the steady state's nodeCount, or a rollout's autoscaling maximum. */
  readonly when: string;
  /** Whether 10% must stay free: in the steady state, which runs for weeks; a rollout only has to be placed. */
  readonly headroom: boolean;
}

/** One line per pool and phase that does not fit with headroom; empty when everything does. */
export function capacityProblems(env: Environment): { field: string; rule: string; example: string }[] {
  const problems: { field: string; rule: string; example: string }[] = [];
  const { materializePool: mp, systemPool: sp } = env.aks;
  const mzDaemonSets = materializePoolDaemonSets(env);
  const sysDaemonSets = systemPoolDaemonSets(env);
  const mzExample = '{ vmSize: "Standard_E4pds_v6", nodeCount: 2, maxCount: 4 }';
  const sysExample = '{ vmSize: "Standard_D4ds_v5", nodeCount: 2, maxCount: 3 }';
  const checks: PoolCheck[] = [
    {
      field: 'aks.materializePool',
      vmSize: mp.vmSize,
      nodes: mp.nodeCount,
      daemonSets: mzDaemonSets,
      pods: materializePoolPods(env, 'steady'),
      example: mzExample,
      when: `${mp.nodeCount} x ${mp.vmSize}`,
      headroom: true,
    },
    {
      field: 'aks.materializePool',
      vmSize: mp.vmSize,
      nodes: mp.maxCount,
      daemonSets: mzDaemonSets,
      pods: materializePoolPods(env, 'rollout'),
      example: mzExample,
      when: `during a rollout (both generations until promotion), ${mp.maxCount} x ${mp.vmSize}${mp.maxCount > mp.nodeCount ? " at the autoscaler's maximum" : ' (no autoscaling: maxCount is nodeCount)'}`,
      headroom: false,
    },
    {
      field: 'aks.systemPool',
      vmSize: sp.vmSize,
      nodes: sp.nodeCount,
      daemonSets: sysDaemonSets,
      pods: systemPoolPods(env, 'steady'),
      example: sysExample,
      when: `${sp.nodeCount} x ${sp.vmSize}`,
      headroom: true,
    },
    {
      field: 'aks.systemPool',
      vmSize: sp.vmSize,
      nodes: sp.maxCount,
      daemonSets: sysDaemonSets,
      pods: systemPoolPods(env, 'rollout'),
      example: sysExample,
      when: `during an operator upgrade (one surge pod), ${sp.maxCount} x ${sp.vmSize}`,
      headroom: false,
    },
  ];
  const reported = new Set<string>();
  for (const c of checks) {
    const node = allocatable(c.vmSize);
    if (!node || !Number.isInteger(c.nodes) || c.nodes < 1 || reported.has(c.field)) continue;
    // A request that is not a quantity is reported on its own field; placing NaN would only add a confusing second line.
    if ([...c.daemonSets, ...c.pods].some((x) => !Number.isFinite(x.cpuMillis) || !Number.isFinite(x.memoryMi))) continue;
    const p = place(node, c.nodes, c.daemonSets, c.pods);
    const need = c.pods.reduce((a, x) => ({ cpuMillis: a.cpuMillis + x.cpuMillis, memoryMi: a.memoryMi + x.memoryMi }), {
      cpuMillis: 0,
      memoryMi: 0,
    });
    const have = `${c.when} (${Math.round(p.perNode.cpuMillis)}m CPU and ${Math.round(p.perNode.memoryMi)}Mi free per node after AKS's reservations and DaemonSets)`;
    // One line per pool: the steady state first, since a pool that fails it fails the rollout too.
    if (p.unplaced.length > 0) {
      reported.add(c.field);
      problems.push({
        field: c.field,
        rule: `must hold its pods: ${have} cannot place ${p.unplaced.map((u) => u.name).join(', ')} (all pods request ${need.cpuMillis}m CPU, ${Math.round(need.memoryMi)}Mi)`,
        example: c.example,
      });
    } else if (c.headroom && (p.freeCpu < HEADROOM || p.freeMemory < HEADROOM)) {
      reported.add(c.field);
      problems.push({
        field: c.field,
        rule: `must keep ${HEADROOM * 100}% headroom: ${have} would have ${Math.round(p.freeCpu * 100)}% CPU and ${Math.round(p.freeMemory * 100)}% memory left`,
        example: c.example,
      });
    }
  }
  return problems;
}

import { join } from 'node:path';
import { planSql } from '../../cli/sql/plan';
import { renderGitops } from '../../manifests/gitops';
import { RENDERED_OBJECTS, type KubeObject } from '../../manifests/render';
import {
  allocatable,
  HEADROOM,
  materializePoolDaemonSets,
  materializePoolPods,
  parseCpu,
  parseMemory,
  place,
  systemPoolPods,
  AKS_DAEMONSET_ALLOWANCE,
  METRICS_ADDON,
  type PodRequest,
} from '../../model/capacity';
import { CHARTS } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { environmentsAtEveryVerifiedVersion, REPO_ROOT } from '../helpers';
import { helmTemplate } from '../support/helm';
import { addonWorkload, renderMetricsAddon } from '../support/metrics-addon';
import { operatorFlags } from '../support/operator-runtime';

/** A pod's requests: the sum of its containers (none of the add-on's has an init container larger than that). */
function podOf(name: string, workload: { spec?: any }): PodRequest {
  const containers = workload.spec.template.spec.containers as { resources?: Requests }[];
  return containers
    .map((c) => pod(name, c.resources))
    .reduce((a, p) => ({ name, cpuMillis: a.cpuMillis + p.cpuMillis, memoryMi: a.memoryMi + p.memoryMi }), {
      name,
      cpuMillis: 0,
      memoryMi: 0,
    });
}

/**
 * Capacity from what will run, not from the model: every pod's requests read from the rendered
 * operator chart (its flags to the operator), the Materialize CR, our DaemonSet and the SQL plan,
 * then placed on the pools' allocatable resources. The model's own pod list (which synth
 * validation uses) must be the same pods.
 */
const ENVIRONMENTS = environmentsAtEveryVerifiedVersion();

type Requests = { requests?: { cpu?: string; memory?: string } };
const pod = (name: string, r: Requests | undefined): PodRequest => ({
  name,
  cpuMillis: parseCpu(r?.requests?.cpu ?? '0'),
  memoryMi: parseMemory(r?.requests?.memory ?? '0'),
});

function renderedPods(e: Environment) {
  const tree = renderGitops(e, {
    environmentsDir: join(REPO_ROOT, 'environments'),
    previousDir: '/nonexistent',
    environmentIdChangeAccepted: true,
  }).files as Map<string, string>;
  const objects = [...RENDERED_OBJECTS.get(tree)!.values()] as (KubeObject & { spec: any })[];
  const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === CHARTS.operator.releaseName)!.spec;
  const deployment = helmTemplate(`${CHARTS.operator.name}-${hr.chart.spec.version}`, hr.releaseName, hr.targetNamespace, hr.values).find(
    (o) => o.kind === 'Deployment',
  )!;
  const { values } = operatorFlags(deployment);
  const flag = (name: string) => values.get(name)?.[0];
  const sizes = JSON.parse(flag('--environmentd-cluster-replica-sizes')!) as Record<
    string,
    { cpu_limit: number; memory_limit: string; scale: number }
  >;
  const replica = (name: string, size: string): PodRequest => ({
    name,
    cpuMillis: parseCpu(sizes[size].cpu_limit * sizes[size].scale),
    memoryMi: parseMemory(sizes[size].memory_limit),
  });
  const cr = objects.find((o) => o.kind === 'Materialize')!.spec;

  // One generation: environmentd and a clusterd per replica of every cluster; a rollout runs two.
  const mz: PodRequest[] = [pod('environmentd', cr.environmentdResourceRequirements)];
  const shared: PodRequest[] = [];
  for (const i of [1, 2])
    shared.push(
      pod(`balancerd ${i}`, cr.balancerdResourceRequirements),
      pod(`console ${i}`, JSON.parse(flag('--console-default-resources')!)),
    );
  const builtins: [string, string, string | undefined][] = [
    ['quickstart', '--bootstrap-default-cluster-replica-size', undefined],
    [
      'mz_catalog_server',
      '--bootstrap-builtin-catalog-server-cluster-replica-size',
      '--bootstrap-builtin-catalog-server-cluster-replication-factor',
    ],
    ['mz_system', '--bootstrap-builtin-system-cluster-replica-size', '--bootstrap-builtin-system-cluster-replication-factor'],
    ['mz_probe', '--bootstrap-builtin-probe-cluster-replica-size', '--bootstrap-builtin-probe-cluster-replication-factor'],
    ['mz_support', '--bootstrap-builtin-support-cluster-replica-size', '--bootstrap-builtin-support-cluster-replication-factor'],
    ['mz_analytics', '--bootstrap-builtin-analytics-cluster-replica-size', '--bootstrap-builtin-analytics-cluster-replication-factor'],
  ];
  // A factor the operator is not given is Materialize's default: 1.
  for (const [cluster, sizeFlag, factorFlag] of builtins)
    for (let i = 0; i < Number((factorFlag && flag(factorFlag)) ?? 1); i++) mz.push(replica(`${cluster} r${i + 1}`, flag(sizeFlag)!));
  if (e.eventHubs.enabled) {
    const plan = planSql({
      env: e,
      readerConnectionString: 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey=k',
      rolePasswords: Object.fromEntries(e.eventHubs.roles.map((r) => [r.name, 'pw'])),
    });
    for (const s of plan.statements.filter((x) => x.kind === 'cluster')) {
      const [, name, size, factor] = /^CREATE CLUSTER (\w+) \(SIZE = '([^']+)', REPLICATION FACTOR = (\d+)\)$/.exec(s.sql.text)!;
      for (let i = 0; i < Number(factor); i++) mz.push(replica(`${name} r${i + 1}`, size));
    }
  }
  const ds = objects.find((o) => o.kind === 'DaemonSet');
  const diskSetup = ds
    ? (() => {
        const spec = ds.spec.template.spec;
        const inits = (spec.initContainers ?? []).map((c: { resources?: Requests }) => pod('init', c.resources));
        const mains = spec.containers.map((c: { resources?: Requests }) => pod('main', c.resources));
        const sum = mains.reduce(
          (a: PodRequest, p: PodRequest) => ({ ...a, cpuMillis: a.cpuMillis + p.cpuMillis, memoryMi: a.memoryMi + p.memoryMi }),
          { name: 'disk-setup', cpuMillis: 0, memoryMi: 0 },
        );
        // A pod requests the larger of its largest init container and the sum of its containers.
        return {
          name: 'disk-setup',
          cpuMillis: Math.max(sum.cpuMillis, ...inits.map((p: PodRequest) => p.cpuMillis)),
          memoryMi: Math.max(sum.memoryMi, ...inits.map((p: PodRequest) => p.memoryMi)),
        };
      })()
    : undefined;
  const steady = [...mz, ...shared];
  const rollout = cr.rolloutStrategy === 'ImmediatelyPromoteCausingDowntime' ? steady : [...steady, ...mz];
  const operator = pod('operator', deployment.spec.template.spec.containers[0].resources);
  // The chart's replica count; a rolling update surges one more (maxSurge 25%, rounded up).
  const operators = Array.from({ length: deployment.spec.replicas as number }, () => operator);
  return { steady, rollout, diskSetup, operators, operatorsUpgrading: [...operators, operator] };
}

const shape = (pods: PodRequest[]) => pods.map((p) => `${p.cpuMillis}m/${Math.round(p.memoryMi)}Mi`).sort();

describe.each(ENVIRONMENTS)('capacity of %s, from what will run', (_name, e) => {
  const real = renderedPods(e);

  it('the model counts the same pods with the same requests as the rendered chart, CR, DaemonSet and SQL, before and during a rollout', () => {
    expect(shape(materializePoolPods(e, 'steady'))).toEqual(shape(real.steady));
    expect(shape(materializePoolPods(e, 'rollout'))).toEqual(shape(real.rollout));
    expect(shape(materializePoolDaemonSets(e).filter((d) => d.name === 'disk-setup'))).toEqual(
      real.diskSetup ? shape([real.diskSetup]) : [],
    );
    const operators = (phase: 'steady' | 'rollout') => systemPoolPods(e, phase).filter((p) => p.name.startsWith('materialize-operator'));
    expect(shape(operators('steady'))).toEqual(shape(real.operators));
    expect(shape(operators('rollout'))).toEqual(shape(real.operatorsUpgrading));
  });

  // With observability on, AKS's metrics add-on puts its node agent on every node of every pool.
  const nodeAgent = e.observability.enabled ? [podOf('ama-metrics-node', addonWorkload('DaemonSet', 'ama-metrics-node'))] : [];
  const mzDaemonSets = [{ name: 'AKS DaemonSets', ...AKS_DAEMONSET_ALLOWANCE }, ...(real.diskSetup ? [real.diskSetup] : []), ...nodeAgent];

  it('the Materialize pool holds every pod on its nodeCount, with headroom', () => {
    const pool = e.aks.materializePool;
    const p = place(allocatable(pool.vmSize)!, pool.nodeCount, mzDaemonSets, real.steady);
    expect(p.unplaced).toEqual([]);
    expect(Math.min(p.freeCpu, p.freeMemory)).toBeGreaterThanOrEqual(HEADROOM);
  });

  it("the Materialize pool holds both generations of a rollout on its autoscaler's maximum", () => {
    const pool = e.aks.materializePool;
    expect(place(allocatable(pool.vmSize)!, pool.maxCount, mzDaemonSets, real.rollout).unplaced).toEqual([]);
  });

  it("the system pool holds the operator (and an upgrade's surge pod) and the cluster's own pods", () => {
    const pool = e.aks.systemPool;
    const others = systemPoolPods(e).filter((x) => !x.name.startsWith('materialize-operator'));
    const ds = [{ name: 'AKS DaemonSets', ...AKS_DAEMONSET_ALLOWANCE }, ...nodeAgent];
    expect(place(allocatable(pool.vmSize)!, pool.nodeCount, ds, [...real.operators, ...others]).unplaced).toEqual([]);
    expect(place(allocatable(pool.vmSize)!, pool.maxCount, ds, [...real.operatorsUpgrading, ...others]).unplaced).toEqual([]);
  });
});

describe("allocatable resources, per AKS's reservation rules", () => {
  it.each([
    // 2 vCPU: 100m reserved; 16 GiB: 20 MB x 30 pods + 50 MB, and the 100 Mi eviction threshold.
    ['Standard_E2pds_v6', 1900, 16384 - 650 - 100],
    ['Standard_E4pds_v6', 3860, 32768 - 650 - 100],
    // 4 GiB: 25% (1024) is more than 650, so 650.
    ['Standard_B2s', 1900, 4096 - 650 - 100],
  ])('%s', (size, cpu, memory) => {
    expect(allocatable(size)).toEqual({ cpuMillis: cpu, memoryMi: memory });
  });
});

describe("AKS's metrics add-on, as its chart renders (the capacity model's METRICS_ADDON)", () => {
  it('requests what the model counts: the node agent on every node, two collectors, kube-state-metrics and the target allocator', () => {
    const shapeOf = (p: PodRequest) => ({ cpuMillis: p.cpuMillis, memoryMi: p.memoryMi });
    const { name: _n, ...agent } = METRICS_ADDON.nodeAgent;
    expect(shapeOf(podOf('node', addonWorkload('DaemonSet', 'ama-metrics-node')))).toEqual(agent);
    const { name: _c, ...collector } = METRICS_ADDON.collector;
    expect(shapeOf(podOf('collector', addonWorkload('Deployment', 'ama-metrics')))).toEqual(collector);
    const { name: _k, ...ksm } = METRICS_ADDON.kubeStateMetrics;
    expect(shapeOf(podOf('ksm', addonWorkload('Deployment', 'ama-metrics-ksm')))).toEqual(ksm);
    const { name: _t, ...targets } = METRICS_ADDON.targetAllocator;
    expect(shapeOf(podOf('targets', addonWorkload('Deployment', 'ama-metrics-operator-targets')))).toEqual(targets);
    const hpa = renderMetricsAddon().find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.spec.minReplicas).toBe(METRICS_ADDON.collectorReplicas);
  });

  it("puts the node agent on every node (it tolerates every NoSchedule taint, the Materialize pool's included) and the collectors off the tainted pool", () => {
    const tolerates = (w: { spec?: any }, effect: string) =>
      (w.spec.template.spec.tolerations as { operator?: string; effect?: string; key?: string }[]).some(
        (t) => t.operator === 'Exists' && !t.key && t.effect === effect,
      );
    expect(tolerates(addonWorkload('DaemonSet', 'ama-metrics-node'), 'NoSchedule')).toBe(true);
    expect(tolerates(addonWorkload('Deployment', 'ama-metrics'), 'NoSchedule')).toBe(false);
  });
});

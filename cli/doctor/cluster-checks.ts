import { BACKEND_SECRET, CHARTS, CONDITIONS, FLUX, MATERIALIZE_POOL, NAMESPACES, SYSTEM_POOL } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { condition, getObject, KUBE_RESOURCES, listObjects, NotFoundError, type KubeClient } from '../kube';
import { fail, ok, warn, type CheckResult } from './check';

const AREA = 'cluster';
const FLUX_KINDS = { kustomization: KUBE_RESOURCES.kustomizations, helmRelease: KUBE_RESOURCES.helmReleases };

interface Taint {
  key: string;
  value?: string;
  effect: string;
}
async function safely(what: string, fn: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof NotFoundError) return [fail(AREA, `${what} not found`, 'wait for Flux to apply dist/, or check mzops status')];
    return [fail(AREA, `${what}: ${(e as Error).message}`, 'check the kubeconfig and that the cluster is reachable')];
  }
}

/** One named check of the cluster: its id (in `doctor --json`), what it checks, and the check. */
export interface ClusterCheck {
  readonly id: string;
  /** What it checks, for the README and `--help`. */
  readonly what: string;
  /** What its failures name when the cluster cannot answer. */
  readonly subject: (env: Environment) => string;
  run(env: Environment, kube: KubeClient): Promise<CheckResult[]>;
}

const taint = MATERIALIZE_POOL.taint;

/** The predecessor's "Node Scheduling Issues" and readiness questions, one entry each, in report order. */
export const CLUSTER_CHECKS: readonly ClusterCheck[] = [
  {
    id: 'cluster.nodes',
    what: "the Materialize pool's nodes carry its taint and label (and the swap label with swap on)",
    subject: () => 'nodes',
    run: async (env, kube) => {
      const pool = env.aks.materializePool.name;
      const nodes = await listObjects(kube, { resource: 'nodes' });
      const tainted = nodes.filter((n) =>
        ((n.spec?.taints ?? []) as Taint[]).some((t) => t.key === taint.key && t.value === taint.value && t.effect === taint.effect),
      );
      const label = MATERIALIZE_POOL.label;
      const labelled = tainted.filter((n) => n.metadata.labels?.[label.key] === label.value);
      if (tainted.length === 0)
        return [
          fail(
            AREA,
            `no node carries the taint ${taint.key}=${taint.value}:${taint.effect}`,
            `deploy the ${pool} pool: npm run deploy -- ${env.name}`,
          ),
        ];
      if (labelled.length === 0)
        return [
          fail(
            AREA,
            `tainted nodes lack the label ${label.key}=${label.value}`,
            `the ${pool} pool predates the label: re-deploy (npm run deploy -- ${env.name})`,
          ),
        ];
      const out = [ok(AREA, `${labelled.length} node(s) in ${pool} with the Materialize taint`)];
      if (
        env.materialize.swap &&
        !labelled.some((n) => n.metadata.labels?.[MATERIALIZE_POOL.swapLabel.key] === MATERIALIZE_POOL.swapLabel.value)
      ) {
        out.push(
          fail(
            AREA,
            `no ${pool} node has ${MATERIALIZE_POOL.swapLabel.key}=true: clusterd pods will stay Pending`,
            'deploy (Terraform labels the pool) or set materialize.swap: false',
          ),
        );
      }
      return out;
    },
  },
  {
    id: 'cluster.operator',
    what: 'the operator runs, on the system pool',
    subject: () => 'the operator deployment',
    run: async (_env, kube) => {
      const list = await listObjects(kube, {
        resource: 'deployments',
        namespace: NAMESPACES.operator,
        selector: `app.kubernetes.io/name=${CHARTS.operator.name}`,
      });
      if (list.length === 0)
        return [
          fail(
            AREA,
            `no ${CHARTS.operator.name} deployment in ${NAMESPACES.operator}`,
            'check the materialize-operator HelmRelease (mzops status)',
          ),
        ];
      const system = SYSTEM_POOL.label;
      const template = list[0].spec?.template as { spec?: { nodeSelector?: Record<string, string> } } | undefined;
      return template?.spec?.nodeSelector?.[system.key] === system.value
        ? [ok(AREA, 'the operator runs on the system pool')]
        : [
            fail(
              AREA,
              `the operator does not select the system pool (${system.key}=${system.value})`,
              'the HelmRelease values drifted from dist/: let Flux reconcile (flux reconcile kustomization infrastructure)',
            ),
          ];
    },
  },
  ...Object.entries(FLUX_KINDS).map(([kind, resource]): ClusterCheck => ({
    id: `cluster.flux-${kind.toLowerCase()}s`,
    what: `every Flux ${kind} is Ready`,
    subject: () => `Flux ${kind}s`,
    run: async (_env, kube) => {
      const items = await listObjects(kube, { resource, namespace: NAMESPACES.flux });
      if (items.length === 0)
        return [
          fail(
            AREA,
            `no Flux ${kind} in ${NAMESPACES.flux}`,
            `check the flux configuration ${FLUX.configurationName} (az k8s-configuration flux show)`,
          ),
        ];
      return items.map((i) => {
        const ready = condition(i as never, CONDITIONS.ready);
        return ready?.status === 'True'
          ? ok(AREA, `${kind} ${i.metadata.name} Ready`)
          : fail(
              AREA,
              `${kind} ${i.metadata.name} not Ready: ${ready?.reason ?? 'no status'} ${ready?.message ?? ''}`.trim(),
              `flux get ${kind}s -n ${NAMESPACES.flux}; kubectl describe ${resource} ${i.metadata.name} -n ${NAMESPACES.flux}`,
            );
      });
    },
  })),
  {
    id: 'cluster.backend-secret',
    what: "the backend SealedSecret is Synced (sealed for this cluster's key)",
    subject: () => 'the backend SealedSecret',
    run: async (env, kube) => {
      const s = await getObject(kube, {
        resource: KUBE_RESOURCES.sealedSecrets,
        namespace: NAMESPACES.instance,
        name: BACKEND_SECRET.name,
      });
      const synced = condition(s, CONDITIONS.synced);
      if (synced?.status === 'True') return [ok(AREA, `SealedSecret ${BACKEND_SECRET.name} Synced`)];
      return [
        fail(
          AREA,
          `SealedSecret ${BACKEND_SECRET.name} not Synced: ${synced?.message ?? 'no status'}`,
          `re-seal against this cluster's key: mzops seal ${env.name}, then synth and commit`,
        ),
      ];
    },
  },
  {
    id: 'cluster.materialize',
    what: 'the Materialize resource is UpToDate',
    subject: (env) => `Materialize ${env.materialize.instanceName}`,
    run: async (env, kube) => {
      const mz = await getObject(kube, {
        resource: KUBE_RESOURCES.materializes,
        namespace: NAMESPACES.instance,
        name: env.materialize.instanceName,
      });
      const upToDate = condition(mz, CONDITIONS.upToDate);
      if (upToDate?.status === 'True') return [ok(AREA, `Materialize ${env.materialize.instanceName} UpToDate`)];
      const status = upToDate ? `${upToDate.reason ?? ''} ${upToDate.message ?? ''}`.trim() : 'no status yet';
      return [
        (upToDate ? warn : fail)(
          AREA,
          `Materialize ${env.materialize.instanceName} not UpToDate: ${status}`,
          `kubectl logs -n ${NAMESPACES.operator} deploy/${CHARTS.operator.releaseName}`,
        ),
      ];
    },
  },
];

/**
 * Every cluster check at once, each within its own deadline: an unresponsive API server costs one
 * deadline, not one per check. Results keep the registry's order, each tagged with its check's id.
 */
export async function checkCluster(
  env: Environment,
  kube: KubeClient,
  checks: readonly ClusterCheck[] = CLUSTER_CHECKS,
): Promise<CheckResult[]> {
  const results = checks.map((c) => safely(c.subject(env), () => c.run(env, kube)).then((rs) => rs.map((r) => ({ ...r, id: c.id }))));
  return (await Promise.all(results)).flat();
}

import { CONDITIONS, NAMESPACES, TF_OUTPUTS } from '../model/contract';
import type { Environment } from '../model/environment';
import { containerUsage } from './doctor/blob-checks';
import { condition, getObject, KUBE_RESOURCES, listObjects, type KubeClient, type KubeObject } from './kube';
import type { StackOutputs } from './terraform-outputs';
import { healthLines } from './observability/health-figures';
import type { MetricsReader } from './observability/prometheus-api';

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** What a rollout is waiting for, by the UpToDate reason orchestratord writes (controller/materialize.rs). */
const ROLLOUT_STATES: Record<string, string> = {
  Applying: 'in progress: the new generation is starting and catching up',
  ReadyToPromote: 'ready to promote: the new generation has caught up; the old one serves until mzops promote',
  Promoting: 'promoting: the new generation is taking over',
  Applied: 'complete',
  WaitingForApproval: 'waiting for approval: a change outside Git (synth derives every rollout); run mzops rollout',
  FailedDeploy: 'failed: read the condition message; the old generation keeps serving',
  RolloutTimeout: 'cancelled: left unpromoted past rolloutRequestTimeout; run mzops rollout to try again',
};

/** The Materialize resource's lines: image, condition, rollout state (ReadyToPromote included), generation. */
export function materializeLines(mz: KubeObject, env: Environment): string[] {
  const upToDate = condition(mz, CONDITIONS.upToDate);
  const spec = (mz.spec ?? {}) as { environmentdImageRef?: string; requestRollout?: string; forcePromote?: string };
  const status = (mz.status ?? {}) as {
    lastCompletedRolloutRequest?: string;
    activeGeneration?: number;
    resourceId?: string;
    lastCompletedRolloutEnvironmentdImageRef?: string;
  };
  const rolledOut = status.lastCompletedRolloutRequest === spec.requestRollout;
  const state = rolledOut && upToDate?.status === 'True' ? 'complete' : (ROLLOUT_STATES[upToDate?.reason ?? ''] ?? 'in progress');
  const lines = [
    `image        ${spec.environmentdImageRef}${status.lastCompletedRolloutEnvironmentdImageRef && status.lastCompletedRolloutEnvironmentdImageRef !== spec.environmentdImageRef ? ` (running ${status.lastCompletedRolloutEnvironmentdImageRef})` : ''}`,
    `UpToDate     ${upToDate?.status ?? 'Unknown'}${upToDate?.reason ? ` (${upToDate.reason})` : ''}`,
    `rollout      ${state}: requested ${spec.requestRollout}, last completed ${status.lastCompletedRolloutRequest ?? 'none'}`,
    `generation   ${status.activeGeneration ?? 'none'}, resource id ${status.resourceId ?? 'none'}`,
  ];
  if (upToDate?.reason === 'ReadyToPromote') lines.push(`next         mzops promote ${env.name} --push`);
  return lines;
}

/** One section's content: a table (its first row the header) or plain lines. */
export type SectionBody = { readonly rows: string[][] } | { readonly lines: string[] };

export interface StatusSection {
  /** The named section it comes from (`mzops status --json` carries it). */
  readonly id: string;
  readonly title: string;
  readonly body: Promise<SectionBody>;
}

/** What a section reads from. */
export interface StatusInput {
  readonly env: Environment;
  readonly kube?: KubeClient;
  readonly outputs?: StackOutputs;
  readonly metrics?: MetricsReader;
}

/** One named section of `mzops status`: shown when what it reads is there. */
export interface StatusSectionDef {
  readonly id: string;
  readonly title: (env: Environment) => string;
  /** `cluster`: a kubeconfig with the environment's context; `metrics`: observability deployed; `always`. */
  readonly needs: 'cluster' | 'metrics' | 'always';
  read(input: StatusInput): Promise<SectionBody>;
}

const podsIn = (id: string, ns: string): StatusSectionDef => ({
  id,
  title: () => `Pods in ${ns}`,
  needs: 'cluster',
  read: async ({ kube }) => {
    const rows = [['NAME', 'PHASE', 'READY', 'RESTARTS', 'NODE']];
    for (const p of await listObjects(kube!, { resource: 'pods', namespace: ns })) {
      const statuses = (p.status?.containerStatuses ?? []) as { ready: boolean; restartCount: number }[];
      rows.push([
        p.metadata.name,
        String(p.status?.phase ?? '?'),
        `${statuses.filter((st) => st.ready).length}/${statuses.length}`,
        String(statuses.reduce((n, st) => n + st.restartCount, 0)),
        String(p.spec?.nodeName ?? '-'),
      ]);
    }
    return { rows };
  },
});

/** The sections, in report order. A new one is one entry here. */
export const STATUS_SECTIONS: readonly StatusSectionDef[] = [
  {
    id: 'flux',
    title: () => 'Flux',
    needs: 'cluster',
    read: async ({ kube }) => {
      const rows = [['KIND', 'NAME', 'READY', 'MESSAGE']];
      for (const [kind, resource] of [
        ['Kustomization', KUBE_RESOURCES.kustomizations],
        ['HelmRelease', KUBE_RESOURCES.helmReleases],
      ]) {
        for (const i of await listObjects(kube!, { resource, namespace: NAMESPACES.flux })) {
          const ready = condition(i, CONDITIONS.ready);
          rows.push([kind, i.metadata.name, ready?.status ?? 'Unknown', (ready?.message ?? '').slice(0, 60)]);
        }
      }
      return { rows };
    },
  },
  {
    id: 'materialize',
    title: (env) => `Materialize ${env.materialize.instanceName}`,
    needs: 'cluster',
    read: async ({ env, kube }) => {
      const mz = await getObject(kube!, {
        resource: KUBE_RESOURCES.materializes,
        namespace: NAMESPACES.instance,
        name: env.materialize.instanceName,
      });
      return { lines: materializeLines(mz, env) };
    },
  },
  podsIn('pods-instance', NAMESPACES.instance),
  podsIn('pods-operator', NAMESPACES.operator),
  {
    id: 'services',
    title: () => 'Services',
    needs: 'cluster',
    read: async ({ kube }) => {
      const rows = [['NAME', 'TYPE', 'ADDRESS', 'PORTS']];
      for (const svc of await listObjects(kube!, { resource: 'services', namespace: NAMESPACES.instance })) {
        const ingress = ((svc.status?.loadBalancer as { ingress?: unknown } | undefined)?.ingress ?? []) as {
          ip?: string;
          hostname?: string;
        }[];
        const spec = (svc.spec ?? {}) as { type?: string; clusterIP?: string; ports?: { port: number }[] };
        const address =
          ingress.map((i) => i.ip ?? i.hostname).join(',') || (spec.type === 'LoadBalancer' ? '<pending>' : (spec.clusterIP ?? '-'));
        rows.push([svc.metadata.name, spec.type ?? '?', address, (spec.ports ?? []).map((p) => p.port).join(',')]);
      }
      return { rows };
    },
  },
  {
    id: 'persist',
    title: () => 'Persist container',
    needs: 'always',
    read: async ({ outputs }) => {
      const persist = outputs?.[TF_OUTPUTS.persistBackendUrl];
      if (!persist) throw new Error('no persist_backend_url output');
      const usage = await containerUsage(persist);
      return { lines: [`${usage.count} blobs, ${formatBytes(usage.bytes)}`] };
    },
  },
  {
    id: 'metrics',
    title: () => 'Metrics (Azure Monitor workspace)',
    needs: 'metrics',
    read: async ({ metrics }) => ({ lines: await healthLines(metrics!) }),
  },
];

/**
 * What `mzops status` reports: every section whose input is there, each read at once within its
 * own deadline. Flux, the Materialize resource, the pods and the Services need the cluster; the
 * health figures need observability; persist usage needs the outputs (and says so without them).
 */
export function statusSections(
  env: Environment,
  kube: KubeClient | undefined,
  outputs: StackOutputs | undefined,
  metrics?: MetricsReader,
  registry: readonly StatusSectionDef[] = STATUS_SECTIONS,
): StatusSection[] {
  const input: StatusInput = { env, kube, outputs, metrics };
  const shown = registry.filter((d) => d.needs === 'always' || (d.needs === 'cluster' ? kube !== undefined : metrics !== undefined));
  return shown.map((d) => {
    const body = d.read(input);
    // Read later, in order; a section that fails before its turn is not an unhandled rejection.
    body.catch(() => undefined);
    return { id: d.id, title: d.title(env), body };
  });
}

/**
 * The predecessor's monitoring section in one command, for people: sections are printed in their
 * fixed order, each as soon as it and those before it are done, so a slow API server delays the
 * report by one deadline, not by six.
 */
export async function statusReport(
  env: Environment,
  kube: KubeClient | undefined,
  outputs: StackOutputs | undefined,
  emit: (line: string) => void = () => undefined,
  /** The environment's metrics (observability on and deployed). @default - no metrics section */
  metrics?: MetricsReader,
): Promise<string[]> {
  const lines: string[] = [];
  const push = (...more: string[]) => {
    lines.push(...more);
    more.forEach(emit);
  };
  push(`environment ${env.name} (${env.location}, cluster ${env.names.aksCluster})`);
  const sections = statusSections(env, kube, outputs, metrics);
  if (!kube) push('', 'cluster: skipped (no kubeconfig)');
  for (const { title, body } of sections) {
    const text = await body.then(
      (b) => ('rows' in b ? (b.rows.length > 1 ? table(b.rows) : ['none']) : b.lines).map((l) => `  ${l}`),
      (e: Error) => [`  unavailable: ${e.message}`],
    );
    push('', title, ...text);
  }
  return lines;
}

/** `mzops status --json`: schema `mzops.status/v1`, documented in the README. */
export interface StatusJson {
  readonly schema: 'mzops.status/v1';
  readonly environment: string;
  readonly location: string;
  readonly cluster: string;
  /** Whether the cluster was read (a kubeconfig with the environment's context). */
  readonly clusterRead: boolean;
  readonly sections: {
    /** The named section (STATUS_SECTIONS): `flux`, `materialize`, `pods-instance`, `pods-operator`, `services`, `persist`, `metrics`. */
    readonly id: string;
    readonly title: string;
    /** A table's rows as objects keyed by its lower-cased header. */
    readonly rows?: Record<string, string>[];
    readonly lines?: string[];
    /** Why the section could not be read; then neither rows nor lines. */
    readonly unavailable?: string;
  }[];
}

export async function statusJson(
  env: Environment,
  kube: KubeClient | undefined,
  outputs: StackOutputs | undefined,
  metrics?: MetricsReader,
): Promise<StatusJson> {
  const sections = await Promise.all(
    statusSections(env, kube, outputs, metrics).map(({ id, title, body }) =>
      body.then(
        (b) =>
          'rows' in b
            ? { id, title, rows: b.rows.slice(1).map((r) => Object.fromEntries(b.rows[0].map((h, i) => [h.toLowerCase(), r[i] ?? '']))) }
            : { id, title, lines: b.lines },
        (e: Error) => ({ id, title, unavailable: e.message }),
      ),
    ),
  );
  return {
    schema: 'mzops.status/v1',
    environment: env.name,
    location: env.location,
    cluster: env.names.aksCluster,
    clusterRead: kube !== undefined,
    sections,
  };
}

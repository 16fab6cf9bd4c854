import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors';
import { run, runSync } from './runner';

/** kubectl resource names of the kinds the CLI reads. */
export const KUBE_RESOURCES = {
  kustomizations: 'kustomizations.kustomize.toolkit.fluxcd.io',
  helmReleases: 'helmreleases.helm.toolkit.fluxcd.io',
  sealedSecrets: 'sealedsecrets.bitnami.com',
  materializes: 'materializes.materialize.cloud',
} as const;

export interface KubeQuery {
  /** kubectl resource name, e.g. `nodes`, `kustomizations.kustomize.toolkit.fluxcd.io`. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly selector?: string;
}

/** What the CLI needs from a cluster: `kubectl get -o json`. */
export interface KubeClient {
  /** kubectl's JSON as printed; read it through getObject or listObjects, which check its shape. */
  get(query: KubeQuery): Promise<unknown>;
}

/** The part of every Kubernetes object the CLI reads; spec and status are read field by field. */
export interface KubeObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: Readonly<Record<string, unknown>>;
  /** Secrets and ConfigMaps. */
  readonly data?: Readonly<Record<string, string>>;
  readonly status?: Readonly<Record<string, unknown>> & { readonly conditions?: readonly Condition[] };
}

function describeQuery(q: KubeQuery): string {
  return `kubectl get ${q.resource}${q.name ? ` ${q.name}` : ''}${q.namespace ? ` -n ${q.namespace}` : ''}`;
}

function checkObject(value: unknown, q: KubeQuery, where: string): KubeObject {
  const o = value as KubeObject | undefined;
  const problem =
    !o || typeof o !== 'object' || Array.isArray(o)
      ? 'not an object'
      : typeof o.metadata?.name !== 'string'
        ? 'no metadata.name'
        : o.spec !== undefined && (typeof o.spec !== 'object' || o.spec === null)
          ? 'spec is not an object'
          : o.status !== undefined &&
              (typeof o.status !== 'object' ||
                o.status === null ||
                (o.status.conditions !== undefined && !Array.isArray(o.status.conditions)))
            ? 'status.conditions is not a list'
            : undefined;
  if (problem)
    throw new CliError(
      `${describeQuery(q)} answered with an unexpected shape (${where}: ${problem})`,
      "check that the kube context is the environment's cluster and its kubectl can read it",
    );
  return o!;
}

/** A LoadBalancer Service's first address, if it has one yet. */
export function loadBalancerIp(service: KubeObject | undefined): string | undefined {
  const ingress = (service?.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress;
  return Array.isArray(ingress) ? ingress[0]?.ip : undefined;
}

/** One named object, its shape checked: an answer from the wrong API or a proxy is one clear error. */
export async function getObject(kube: KubeClient, q: KubeQuery & { readonly name: string }): Promise<KubeObject> {
  return checkObject(await kube.get(q), q, 'the object');
}

/** A list's items, each checked like getObject's answer. */
export async function listObjects(kube: KubeClient, q: Omit<KubeQuery, 'name'>): Promise<KubeObject[]> {
  const answer = (await kube.get(q)) as { items?: unknown } | undefined;
  if (!answer || !Array.isArray(answer.items))
    throw new CliError(
      `${describeQuery(q)} answered with an unexpected shape (no items list)`,
      "check that the kube context is the environment's cluster and its kubectl can read it",
    );
  return answer.items.map((item, i) => checkObject(item, q, `items[${i}]`));
}

export function queryKey(q: KubeQuery): string {
  return [q.resource, q.namespace ?? '-', q.name ?? '-', q.selector ?? '-'].join(' ');
}

export class NotFoundError extends Error {}

/**
 * Talks to the cluster through kubectl, which already knows every auth plugin AKS uses. Pinned
 * to one context: `az aks get-credentials` names it after the cluster, so the environment's own
 * cluster is asked, never whichever context happens to be current.
 */
export class KubectlClient implements KubeClient {
  constructor(
    private readonly kubeconfig?: string,
    readonly context?: string,
  ) {}

  /** kubectl's arguments that select this client's kubeconfig and context. */
  connectionArgs(): string[] {
    return [...(this.kubeconfig ? ['--kubeconfig', this.kubeconfig] : []), ...(this.context ? ['--context', this.context] : [])];
  }

  async get(q: KubeQuery): Promise<unknown> {
    const args = [
      'get',
      q.resource,
      ...(q.name ? [q.name] : []),
      ...(q.namespace ? ['-n', q.namespace] : []),
      ...(q.selector ? ['-l', q.selector] : []),
      '-o',
      'json',
    ];
    args.unshift(...this.connectionArgs());
    try {
      const r = await run('kubectl', args, { timeoutMs: 20_000 });
      if (r.status !== 0) throw Object.assign(new Error(r.stderr || `kubectl exited with ${r.status}`), { stderr: r.stderr });
      return JSON.parse(r.stdout);
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr ?? '';
      if (/NotFound|not found|the server doesn't have a resource type/.test(stderr)) throw new NotFoundError(kubectlMessage(stderr));
      throw new Error(`kubectl ${args.join(' ')}: ${kubectlMessage(stderr) || (e as Error).message}`, { cause: e });
    }
  }
}

/** klog's own lines (`E1201 10:00:00.123456   4242 memcache.go:265] ...`): retries kubectl logs before it gives up. */
const KLOG_LINE = /^[EIWF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] /;

/**
 * kubectl's stderr as one line: the final message, without the klog retry lines that precede it
 * (an unreachable API server prints a dozen `memcache.go` lines before its one-line verdict).
 */
export function kubectlMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const verdict = lines.filter((l) => !KLOG_LINE.test(l));
  const noise = lines.length - verdict.length;
  const last = verdict.at(-1) ?? lines.at(-1)?.replace(KLOG_LINE, '') ?? '';
  return noise > 0 && verdict.length > 0 ? `${last} (and ${noise} retry line(s) from kubectl)` : last;
}

/** Answers from responses recorded as kubectl prints them: no API server runs in the tests. */
export class RecordedKube implements KubeClient {
  constructor(private readonly responses: Record<string, unknown>) {}

  async get(q: KubeQuery): Promise<unknown> {
    const key = queryKey(q);
    if (!(key in this.responses)) throw new NotFoundError(`no recorded response for "${key}"`);
    return structuredClone(this.responses[key]);
  }
}

/**
 * A client for the environment's cluster: the kubeconfig must hold a context named after it (what
 * `az aks get-credentials` writes), else the fix is named. `contexts` lists the kubeconfig's
 * contexts (kubectl config get-contexts -o name), replaceable in tests.
 */
export function environmentKube(
  clusterName: string,
  resourceGroup: string,
  kubeconfig: string | undefined,
  contexts: (kubeconfig?: string) => string[] = kubeContexts,
): KubectlClient {
  const names = contexts(kubeconfig);
  if (!names.includes(clusterName)) {
    throw new CliError(
      `no context ${clusterName} in ${kubeconfig ?? 'the kubeconfig'} (it has: ${names.join(', ') || 'none'}); mzops talks only to the environment's own cluster`,
      `az aks get-credentials -g ${resourceGroup} -n ${clusterName}`,
    );
  }
  return new KubectlClient(kubeconfig, clusterName);
}

function kubeContexts(kubeconfig?: string): string[] {
  try {
    const r = runSync('kubectl', [...(kubeconfig ? ['--kubeconfig', kubeconfig] : []), 'config', 'get-contexts', '-o', 'name'], {
      timeoutMs: 10_000,
    });
    return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  } catch {
    return [];
  }
}

/** The kubeconfig to use, if any: the flag, KUBECONFIG, or ~/.kube/config. */
export function findKubeconfig(flag?: string): string | undefined {
  if (flag) return flag;
  if (process.env.KUBECONFIG) return process.env.KUBECONFIG;
  const home = join(homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function condition(obj: { readonly status?: { readonly conditions?: readonly Condition[] } }, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

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
  get(query: KubeQuery): Promise<any>;
}

export function queryKey(q: KubeQuery): string {
  return [q.resource, q.namespace ?? '-', q.name ?? '-', q.selector ?? '-'].join(' ');
}

export class NotFoundError extends Error {}

/** Talks to the cluster through kubectl, which already knows every auth plugin AKS uses. */
export class KubectlClient implements KubeClient {
  constructor(private readonly kubeconfig?: string) {}

  async get(q: KubeQuery): Promise<any> {
    const args = ['get', q.resource, ...(q.name ? [q.name] : []), ...(q.namespace ? ['-n', q.namespace] : []), ...(q.selector ? ['-l', q.selector] : []), '-o', 'json'];
    if (this.kubeconfig) args.unshift('--kubeconfig', this.kubeconfig);
    try {
      const { stdout } = await run('kubectl', args, { timeout: 20_000, maxBuffer: 32 * 1024 * 1024 });
      return JSON.parse(stdout);
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr ?? '';
      if (/NotFound|not found|the server doesn't have a resource type/.test(stderr)) throw new NotFoundError(stderr.trim());
      throw new Error(`kubectl ${args.join(' ')}: ${stderr.trim() || (e as Error).message}`);
    }
  }
}

/** Answers from responses recorded as kubectl prints them: no API server runs in the tests. */
export class RecordedKube implements KubeClient {
  constructor(private readonly responses: Record<string, unknown>) {}

  async get(q: KubeQuery): Promise<any> {
    const key = queryKey(q);
    if (!(key in this.responses)) throw new NotFoundError(`no recorded response for "${key}"`);
    return structuredClone(this.responses[key]);
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

export function condition(obj: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

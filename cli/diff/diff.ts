import { CliError } from '../errors';
import { nearestKey } from '../../model/nearest';
import { compareObjects, objectsOf } from './kubernetes';
import { DANGEROUS, worst, type Change, type DiffReport, type EnvironmentDiff, type Finding } from './model';
import { renderCache } from './render-cache';
import { removeTree, renderRevision, resolveCommit, type Rendering } from './revision';
import { KUBERNETES_RULES, TERRAFORM_RULES } from './rules';
import { compareStacks } from './terraform';

export interface DiffOptions {
  readonly repoRoot: string;
  readonly base: string;
  /** A ref, or undefined for the working tree. */
  readonly head?: string;
  /** Only these environments; empty: all that either side has. */
  readonly environments?: readonly string[];
  /** Change ids accepted on the command line, on top of the acknowledgement file. */
  readonly acknowledge?: readonly string[];
  readonly tmpParent?: string;
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly track?: (dir: string) => void;
  /** Renderings of commits already made in this process, by commit id (a commit renders the same every time). */
  readonly cache?: Map<string, Rendering>;
  /** Keep renderings between runs in .cache/mzops-diff (render-cache.ts). @default true */
  readonly keepRenderings?: boolean;
}

/** Acknowledged change ids: one per line, `#` starts a comment. */
export function parseAcknowledgements(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

const SAFE_REASON: Record<string, string> = {
  create: 'created',
  update: 'updated in place',
  replace: 'replaced',
  destroy: 'destroyed',
  prune: 'pruned by Flux',
};

function change(
  environment: string,
  layer: Change['layer'],
  action: Change['action'],
  address: string,
  type: string,
  attributes: Change['attributes'],
  findings: Finding[],
  acknowledged: ReadonlySet<string>,
  replacement?: Change['replacement'],
): Change {
  const id = `${environment}:${layer}:${address.replace(/ /g, ':')}:${action}`;
  const all = findings.length ? findings : [{ severity: 'safe' as const, reason: SAFE_REASON[action] }];
  return {
    id,
    environment,
    layer,
    action,
    address,
    type,
    attributes,
    replacement,
    findings: all,
    severity: worst(all),
    acknowledged: acknowledged.has(id),
  };
}

/** Compares two renderings environment by environment. */
export function compareRenderings(
  base: Rendering,
  head: Rendering,
  only: readonly string[],
  acknowledged: ReadonlySet<string>,
): EnvironmentDiff[] {
  const names = [...new Set([...base.environments, ...head.environments])].filter((e) => only.length === 0 || only.includes(e)).sort();
  return names.map((environment) => {
    const presence = !base.environments.includes(environment) ? 'added' : !head.environments.includes(environment) ? 'removed' : 'both';
    const changes: Change[] = [];
    for (const c of compareStacks(base.stacks.get(environment), head.stacks.get(environment))) {
      const findings = TERRAFORM_RULES.flatMap((rule) => rule(c));
      changes.push(change(environment, 'terraform', c.action, c.address, c.type, c.attributes, findings, acknowledged, c.replacement));
    }
    const objects = (r: Rendering) => objectsOf(r.gitops.get(environment) ?? new Map());
    for (const c of compareObjects(objects(base), objects(head))) {
      const findings = KUBERNETES_RULES.flatMap((rule) => rule(c));
      changes.push(change(environment, 'kubernetes', c.action, c.address, c.type, c.attributes, findings, acknowledged));
    }
    return { environment, presence, changes };
  });
}

/**
 * `mzops diff`: renders the base and the head (a ref, or the working tree) in temporary trees,
 * side by side, and says what merging would do to each environment's Azure resources and cluster.
 * The temporary trees are removed whatever happens.
 */
export async function runDiff(options: DiffOptions): Promise<DiffReport> {
  const trees: string[] = [];
  const track = (dir: string) => {
    trees.push(dir);
    options.track?.(dir);
  };
  try {
    const common = {
      repoRoot: options.repoRoot,
      tmpParent: options.tmpParent,
      timeoutMs: options.timeoutMs,
      log: options.log,
      track,
      cache: options.keepRenderings === false ? undefined : renderCache(options.repoRoot),
    };
    // Both finish (or fail) before the trees go: a side still running would write into a removed folder.
    // Both refs are resolved before anything renders: an unknown --base fails at once, not after
    // the working tree took its seconds.
    const commits = new Map(
      [options.base, options.head].filter((r): r is string => r !== undefined).map((r) => [r, resolveCommit(options.repoRoot, r)]),
    );
    const render = async (ref: string | undefined): Promise<Rendering> => {
      const commit = ref === undefined ? undefined : commits.get(ref);
      const cached = commit ? options.cache?.get(commit) : undefined;
      if (cached) return { ...cached, label: ref ?? cached.label };
      const { rendering } = await renderRevision({ ...common, ref });
      if (commit) options.cache?.set(commit, rendering);
      return rendering;
    };
    const settled = await Promise.allSettled([render(options.base), render(options.head)]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [base, head] = settled.map((s) => (s as PromiseFulfilledResult<Rendering>).value);
    // A misspelt name must not read as "no change": a pipeline passing it would let a danger through.
    const known = [...new Set([...base.environments, ...head.environments])].sort();
    const unknown = (options.environments ?? []).filter((e) => !known.includes(e));
    if (unknown.length > 0) {
      const near = nearestKey(unknown[0], known);
      throw new CliError(
        `no environment ${unknown.map((e) => `"${e}"`).join(', ')} in ${base.label} or ${head.label} (known: ${known.join(', ') || 'none'})`,
        near ? `did you mean "${near}"? mzops diff ${near}` : `name one of the known environments, or none for all: mzops diff`,
      );
    }
    const fromFile = parseAcknowledgements(head.acknowledgements);
    const acknowledged = new Set([...fromFile, ...(options.acknowledge ?? [])]);
    const environments = compareRenderings(base, head, options.environments ?? [], acknowledged);
    const ids = new Set(environments.flatMap((e) => e.changes.map((c) => c.id)));
    return {
      base: { label: base.label, commit: base.commit },
      head: { label: head.label, commit: head.commit },
      environments,
      unusedAcknowledgements: [...acknowledged].filter((id) => !ids.has(id)).sort(),
      dangerous: environments.some((e) => e.changes.some((c) => DANGEROUS.has(c.severity) && !c.acknowledged)),
    };
  } finally {
    for (const tree of trees) removeTree(tree);
  }
}

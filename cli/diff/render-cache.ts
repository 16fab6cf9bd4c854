import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../core/swap';
import type { TerraformStack } from './terraform';

/**
 * Renderings kept between runs of `mzops diff`, in the repository's git-ignored `.cache/mzops-diff/`.
 * A rendering is what a revision's own `scripts/synth.ts` writes, and that depends on the
 * revision's files, the installed packages and Node: the key is a digest of the three (the files
 * as git's tree id for a commit, as a digest of every exported file for the working tree). A
 * second diff against the same base renders only what changed; a failed render is never kept.
 * Delete the folder at any time, or pass --no-cache.
 */
const FORMAT = 'mzops-diff-rendering/v1';
/** Newest entries kept; older ones are removed when a new one is written. */
const KEEP = 40;

/** What a revision renders, whoever asked for it (revision.ts adds the label and commit). */
export interface RenderedFiles {
  readonly environments: readonly string[];
  readonly stacks: ReadonlyMap<string, TerraformStack>;
  /** environment -> (path inside dist/<environment> -> YAML text) */
  readonly gitops: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The acknowledgement file as that revision has it. */
  readonly acknowledgements?: string;
}

export interface RenderCache {
  readonly dir: string;
  /** Digest of the installed packages (npm's node_modules/.package-lock.json) and Node's version. */
  readonly runtime: string;
}

/** The cache of a repository, or undefined when its installed packages cannot be identified. */
export function renderCache(repoRoot: string): RenderCache | undefined {
  const lock = join(repoRoot, 'node_modules', '.package-lock.json');
  if (!existsSync(lock)) return undefined;
  const runtime = createHash('sha256').update(`${process.version}\0`).update(readFileSync(lock)).digest('hex');
  return { dir: join(repoRoot, '.cache', 'mzops-diff'), runtime };
}

export function cacheKey(cache: RenderCache, files: string): string {
  return createHash('sha256').update(`${FORMAT}\0${cache.runtime}\0${files}`).digest('hex').slice(0, 40);
}

type Stored = Omit<RenderedFiles, 'stacks' | 'gitops'> & {
  readonly format: string;
  readonly stacks: [string, TerraformStack][];
  readonly gitops: [string, [string, string][]][];
};

export function readRendering(cache: RenderCache, key: string): RenderedFiles | undefined {
  const file = join(cache.dir, `${key}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
    if (stored.format !== FORMAT) return undefined;
    return {
      environments: stored.environments,
      stacks: new Map(stored.stacks),
      gitops: new Map(stored.gitops.map(([env, files]) => [env, new Map(files)])),
      acknowledgements: stored.acknowledgements,
    };
  } catch {
    // A truncated or foreign file is a miss; the render that follows replaces it.
    return undefined;
  }
}

export function writeRendering(cache: RenderCache, key: string, rendering: RenderedFiles): void {
  const stored: Stored = {
    format: FORMAT,
    environments: rendering.environments,
    stacks: [...rendering.stacks],
    gitops: [...rendering.gitops].map(([env, files]) => [env, [...files]]),
    acknowledgements: rendering.acknowledgements,
  };
  try {
    mkdirSync(cache.dir, { recursive: true });
    // A diff running beside this one never reads half a file.
    writeFileAtomically(join(cache.dir, `${key}.json`), JSON.stringify(stored));
    const entries = readdirSync(cache.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ f, t: statSync(join(cache.dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of entries.slice(KEEP)) rmSync(join(cache.dir, f), { force: true });
  } catch {
    // A read-only checkout only costs the cache.
  }
}

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { DIST, WORKSPACE } from '../../model/contract';
import { stackFile, workspace } from '../../core/workspace';
import { CliError } from '../errors';
import { run, runSync, track } from '../runner';
import { cacheKey, readRendering, writeRendering, type RenderCache, type RenderedFiles } from './render-cache';
import type { TerraformStack } from './terraform';

/** One side of the comparison: every environment's Terraform stack and GitOps folder, as that revision renders them. */
export interface Rendering extends RenderedFiles {
  readonly label: string;
  readonly commit?: string;
}

export interface RenderOptions {
  readonly repoRoot: string;
  /** A git ref, or undefined for the working tree (tracked and untracked files git does not ignore). */
  readonly ref?: string;
  /** Where the temporary trees go; tests point it at a folder they inspect. @default os.tmpdir() */
  readonly tmpParent?: string;
  /** Deadline of the revision's synth. @default 240000 */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Called with the temporary tree as soon as it exists, so a signal handler can remove it. */
  readonly track?: (dir: string) => void;
  /** Renderings kept between runs (render-cache.ts); none: every revision renders. */
  readonly cache?: RenderCache;
}

/** Temporary trees are named so, under the temporary parent. */
export const TREE_PREFIX = 'mzops-diff-';

function git(repoRoot: string, args: string[]): string {
  const r = runSync('git', ['-C', repoRoot, ...args], { timeoutMs: 30_000 });
  if (r.status === 0) return r.stdout.trim();
  throw new CliError(
    `git ${args.join(' ')}: ${r.stderr.trim().split('\n')[0] || `exited with ${r.status}`}`,
    'run mzops diff inside the repository, with the base revision fetched (git fetch origin)',
  );
}

/** The commit a ref names, or one clear error. */
export function resolveCommit(repoRoot: string, ref: string): string {
  return git(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
}

async function exportCommit(repoRoot: string, commit: string, dir: string, timeoutMs: number): Promise<void> {
  // git archive, not git worktree: nothing is registered in .git, so a killed run leaves no stale worktree behind.
  await new Promise<void>((resolve, reject) => {
    const archive = track(spawn('git', ['-C', repoRoot, 'archive', '--format=tar', commit], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const tar = track(spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] }));
    const timer = setTimeout(() => {
      archive.kill('SIGKILL');
      tar.kill('SIGKILL');
      reject(
        new CliError(
          `exporting ${commit.slice(0, 12)} took longer than ${timeoutMs / 1000} s`,
          `check that git archive ${commit.slice(0, 12)} works here and the disk has room (df -h)`,
        ),
      );
    }, timeoutMs);
    let stderr = '';
    archive.stderr.on('data', (d) => (stderr += d));
    tar.stderr.on('data', (d) => (stderr += d));
    archive.stdout.pipe(tar.stdin);
    tar.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new CliError(
            `exporting ${commit.slice(0, 12)} failed: ${stderr.trim().split('\n')[0]}`,
            'check the revision is in this clone (git fetch origin) and the disk has room',
          ),
        );
    });
  });
}

/** Copies the working tree's files into `dir`; returns a digest of every path and content copied. */
function exportWorkingTree(repoRoot: string, dir: string): string {
  const files = git(repoRoot, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean).sort();
  const digest = createHash('sha256');
  for (const file of files) {
    const from = join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet committed
    // A link to a folder (a symlinked node_modules that .gitignore's `node_modules/` does not match,
    // a linked workspace) is no file of the revision: node_modules is linked in separately.
    if (lstatSync(from).isSymbolicLink() && statSync(from).isDirectory()) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
    digest
      .update(`${file}\0`)
      .update(readFileSync(join(dir, file)))
      .update('\0');
  }
  return digest.digest('hex');
}

/** Every YAML file under a folder, by path relative to it. */
export function readTree(dir: string, root = dir): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of readTree(path, root)) out.set(k, v);
    else if (entry.name.endsWith('.yaml')) out.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return out;
}

function environmentsOf(tree: string): string[] {
  const dir = join(tree, WORKSPACE.environments);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Renders one revision with its own pipeline: the revision's files in a temporary tree, the
 * repository's node_modules linked in, and the revision's `scripts/synth.ts` run there, so a change
 * to the constructs shows up as much as a change to an environment. The caller removes the tree
 * (`removeTree`) whatever happens.
 */
export async function renderRevision(options: RenderOptions): Promise<{ rendering: Rendering; tree?: string }> {
  const timeoutMs = options.timeoutMs ?? 240_000;
  const commit = options.ref === undefined ? undefined : resolveCommit(options.repoRoot, options.ref);
  const label = options.ref ?? 'the working tree';
  const shown = commit ? `${label} (${commit.slice(0, 12)})` : label;
  const cached = (files: string) => {
    const key = options.cache && cacheKey(options.cache, files);
    const hit = key ? readRendering(options.cache!, key) : undefined;
    if (hit) options.log?.(`${shown}: rendered before (.cache/mzops-diff)`);
    return { key, hit: hit && { ...hit, label, commit } };
  };
  // A commit's files are its tree: known before anything is exported.
  let entry = commit ? cached(`tree:${git(options.repoRoot, ['rev-parse', `${commit}^{tree}`])}`) : undefined;
  if (entry?.hit) return { rendering: entry.hit };
  const tree = mkdtempSync(join(options.tmpParent ?? tmpdir(), TREE_PREFIX));
  options.track?.(tree);
  if (!commit) {
    // The working tree's files are known once exported.
    entry = cached(`files:${exportWorkingTree(options.repoRoot, tree)}`);
    if (entry.hit) return { rendering: entry.hit, tree };
  }
  options.log?.(`rendering ${shown}`);
  if (commit) await exportCommit(options.repoRoot, commit, tree, timeoutMs);

  const synth = join(tree, 'scripts', 'synth.ts');
  if (!existsSync(synth))
    throw new CliError(`${label} has no scripts/synth.ts: it predates the pipeline mzops diff renders with`, 'choose a later --base');
  // The repository's dependencies, not whatever a revision might have committed under that name.
  rmSync(join(tree, 'node_modules'), { recursive: true, force: true });
  symlinkSync(join(options.repoRoot, 'node_modules'), join(tree, 'node_modules'), 'dir');
  // And the repository's transpile and compile caches (core/register.js, content-addressed): a
  // revision's tree would otherwise start empty and transpile every file again.
  mkdirSync(join(options.repoRoot, '.cache'), { recursive: true });
  rmSync(join(tree, '.cache'), { recursive: true, force: true });
  symlinkSync(join(options.repoRoot, '.cache'), join(tree, '.cache'), 'dir');
  const started = Date.now();
  // The revision's own loader when it has one; revisions from before it ran under tsx.
  const loader = existsSync(join(tree, 'core', 'register.js')) ? join(tree, 'core', 'register.js') : 'tsx/cjs';
  const r = await run(process.execPath, ['--require', loader, synth], { cwd: tree, timeoutMs });
  if (r.timedOut)
    throw new CliError(
      `rendering ${label} took longer than ${timeoutMs / 1000} s`,
      'run npm run synth in a checkout of that revision to see where it stops',
    );
  if (r.status !== 0) {
    const why = `${r.stderr}${r.stdout}`
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('warning:'))
      .slice(-5)
      .join('\n  ');
    throw new CliError(
      `${label} does not synthesize:\n  ${why}`,
      commit
        ? 'mzops diff compares what both revisions render: fix the revision, or choose another --base'
        : 'fix the environment (npm run synth shows the same message)',
    );
  }
  options.log?.(`rendered ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const environments = environmentsOf(tree);
  const stacks = new Map<string, TerraformStack>();
  const gitops = new Map<string, Map<string, string>>();
  for (const env of environments) {
    const stack = stackFile(workspace(tree), env);
    if (existsSync(stack)) stacks.set(env, JSON.parse(readFileSync(stack, 'utf8')) as TerraformStack);
    gitops.set(env, readTree(join(tree, DIST.root, env)));
  }
  const ackFile = join(tree, WORKSPACE.acknowledgements);
  const acknowledgements = existsSync(ackFile) ? readFileSync(ackFile, 'utf8') : undefined;
  const rendering: Rendering = { label, commit, environments, stacks, gitops, acknowledgements };
  if (entry?.key) writeRendering(options.cache!, entry.key, rendering);
  return { rendering, tree };
}

export function removeTree(tree: string): void {
  // Retries: a subprocess killed a moment ago may still be closing files in it.
  rmSync(tree, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}

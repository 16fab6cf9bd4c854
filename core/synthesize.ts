import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { WORKSPACE } from '../model/contract';
import type { Environment } from '../model/environment';
import { environmentWarnings } from '../model/validate';
import { selectEnvironments } from './environments';
import { commitReplacements, recoverInterrupted, type FaultHook, type Replacement } from './swap';
import { localStatePath, stackDir, stateFile, type Workspace } from './workspace';

/** A refusal of the pipeline itself (not of one environment's content). */
export class SynthesizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesizeError';
  }
}

/** One environment's GitOps folder, rendered and checked in memory. */
export interface GitopsRendering {
  /** Relative path -> content. */
  readonly files: ReadonlyMap<string, string>;
  /** Backend secret keys not sealed yet. */
  readonly unsealed: readonly string[];
}

/**
 * The two renderings of an environment. Core knows neither cdk8s nor cdktf: the CLI layer wires
 * them in (`cli/pipeline.ts`), which keeps infra and manifests independent of each other.
 */
export interface Renderers {
  /** Renders and checks `dist/<env>`; throws to refuse (e.g. a changed environmentId). */
  gitops(
    env: Environment,
    context: { readonly environmentsDir: string; readonly previousDir: string; readonly environmentIdChangeAccepted: boolean },
  ): GitopsRendering;
  /**
   * Synthesizes the stacks of `envs` into `outdir` in cdktf's layout (`manifest.json`,
   * `stacks/<env>/`), running every Aspect; throws on a policy error. May return lines for the
   * user (the policy violations an environment's suppressions set aside, with their reasons).
   */
  terraform(
    envs: readonly Environment[],
    outdir: string,
    context: { readonly localStatePath: (env: Environment) => string },
  ): void | { readonly notices: readonly string[] };
  /**
   * The Terraform renderer's index of its stacks in `outdir` (cdktf's manifest.json): its file
   * name, and the merge that keeps listing the stack folders a narrowed run did not render
   * (undefined when the fresh index is unreadable). Core swaps the file; only the renderer knows its format.
   */
  readonly terraformIndex: {
    readonly file: string;
    merge(previous: string | undefined, fresh: string, keep: readonly string[]): string | undefined;
  };
}

export interface SynthesizeOptions {
  readonly workspace: Workspace;
  readonly renderers: Renderers;
  /** Environments to render; all when empty. Every file is validated either way. */
  readonly environments?: readonly string[];
  /** A deliberate new environmentId per environment (mzops recreate): rendered and accepted as a change. */
  readonly environmentIdChanges?: Readonly<Record<string, string>>;
  /** A new requestRollout per environment (mzops rollout and recreate), rendered before any file is edited. */
  readonly requestRollouts?: Readonly<Record<string, string>>;
  /** Tests: called before every write and rename. */
  readonly fault?: FaultHook;
}

export interface SynthesizeResult {
  readonly environments: readonly string[];
  readonly unsealed: readonly { environment: string; missing: readonly string[] }[];
  /** `dist/` folders and stack folders that no environment file claims: reported, never deleted. */
  readonly orphans: readonly string[];
  /** What the run repaired or moved before it started, one line each. */
  readonly notices: readonly string[];
}

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listDirectories(path: string): string[] {
  return isDirectory(path)
    ? readdirSync(path, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name)
    : [];
}

/** Legacy state inside a stack folder moves to state/ within the same swap that rewrites its backend. */
function legacyStateCarry(ws: Workspace, env: Environment, oldStack: string): { entry: string; to: string }[] {
  if (env.state.azurerm) return [];
  const legacy = WORKSPACE.legacyStateFile(env.name);
  const target = stateFile(ws, env.name);
  const moves: { entry: string; to: string }[] = [];
  for (const suffix of ['', '.backup']) {
    if (!existsSync(join(oldStack, legacy + suffix))) continue;
    if (existsSync(target + suffix)) {
      throw new SynthesizeError(
        `environment "${env.name}": Terraform state exists both at ${relative(ws.root, join(oldStack, legacy + suffix))} (the old place) and ${relative(ws.root, target + suffix)}; ` +
          'keep the one that matches Azure (terraform show), move the other away, then synthesize again',
      );
    }
    moves.push({ entry: legacy + suffix, to: target + suffix });
  }
  return moves;
}

/** State holds secrets (the sealing private key among them): owner-only, whatever Terraform's umask did. */
function protectState(ws: Workspace): void {
  if (!existsSync(ws.stateDir)) return;
  chmodSync(ws.stateDir, 0o700);
  for (const f of readdirSync(ws.stateDir)) chmodSync(join(ws.stateDir, f), 0o600);
}

/**
 * The one synthesis pipeline. Renders every selected environment's GitOps tree and Terraform
 * stack, runs every check, and only then swaps, per environment, `dist/<env>` and
 * `cdktf.out/stacks/<env>` (carrying Terraform's working files into the new stack folder). Other
 * environments' folders are not touched. A failure leaves every folder as it was; a kill leaves
 * a journal from which the next run completes the swap (see core/swap.ts).
 */
export function synthesize(options: SynthesizeOptions): SynthesizeResult {
  const ws = options.workspace;
  const fault = options.fault ?? (() => undefined);
  const stacksDir = join(ws.cdktfOut, WORKSPACE.stacks);
  const notices = recoverInterrupted([ws.distDir, ws.cdktfOut, stacksDir]);

  const {
    all,
    selected: chosen,
    notices: loaded,
  } = selectEnvironments(ws.environmentsDir, options.environments ?? [], { distDir: ws.distDir });
  notices.push(...loaded);
  for (const e of chosen) notices.push(...environmentWarnings(e));
  const changes = options.environmentIdChanges ?? {};
  const rollouts = options.requestRollouts ?? {};
  for (const name of [...Object.keys(changes), ...Object.keys(rollouts)]) {
    if (!chosen.some((e) => e.name === name))
      throw new SynthesizeError(`environment "${name}": a change was given for an environment this run does not render`);
  }
  const selected = chosen.map((e) => ({
    ...e,
    materialize: {
      ...e.materialize,
      environmentId: changes[e.name] ?? e.materialize.environmentId,
      requestRollout: rollouts[e.name] ?? e.materialize.requestRollout,
    },
  }));

  // Render and check everything in memory before any byte is written.
  const gitops = selected.map((env) => ({
    env,
    rendering: options.renderers.gitops(env, {
      environmentsDir: ws.environmentsDir,
      previousDir: join(ws.distDir, env.name),
      environmentIdChangeAccepted: env.materialize.forceEnvironmentIdChange || changes[env.name] !== undefined,
    }),
  }));
  const carries = new Map(selected.map((env) => [env.name, legacyStateCarry(ws, env, stackDir(ws, env.name))]));

  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmpName = `${WORKSPACE.tmpPrefix}${id}`;
  const created = [ws.cdktfOut, ws.distDir].filter((d) => !existsSync(d));
  for (const d of created) mkdirSync(d, { recursive: true });
  const tfStaging = join(ws.cdktfOut, tmpName);
  const distStaging = join(ws.distDir, tmpName);
  // Old content is parked beside its target (same filesystem, so every move is a rename).
  const parks = {
    cdktfOut: join(ws.cdktfOut, `${tmpName}-old`),
    stacks: join(stacksDir, `${tmpName}-old`),
    dist: join(ws.distDir, `${tmpName}-old`),
  };
  const scratch = [tfStaging, distStaging, ...Object.values(parks)];
  const abandon = (e: unknown): never => {
    recoverInterrupted([ws.distDir, ws.cdktfOut, stacksDir]);
    for (const d of created) if (isDirectory(d) && readdirSync(d).length === 0) rmSync(d, { recursive: true, force: true });
    throw e;
  };
  try {
    fault('synthesize terraform');
    const rendered = options.renderers.terraform(selected, tfStaging, { localStatePath: (env) => localStatePath(ws, env.name) });
    if (rendered) notices.push(...rendered.notices);
    const index = options.renderers.terraformIndex;
    const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    const fresh = read(join(tfStaging, index.file));
    const others = listDirectories(stacksDir).filter((n) => !selected.some((e) => e.name === n));
    const merged = fresh === undefined ? undefined : index.merge(read(join(ws.cdktfOut, index.file)), fresh, others);
    if (merged === undefined) throw new SynthesizeError(`the Terraform synth wrote no readable ${index.file}`);
    fault('write manifest.json');
    writeFileSync(join(tfStaging, index.file), merged);

    // Each folder is made once: a recursive mkdir per file was a system call per file for nothing.
    const made = new Set<string>();
    for (const { env, rendering } of gitops) {
      for (const [rel, text] of rendering.files) {
        const path = join(distStaging, env.name, rel);
        fault(`write ${env.name}/${rel}`);
        if (!made.has(dirname(path))) {
          mkdirSync(dirname(path), { recursive: true });
          made.add(dirname(path));
        }
        writeFileSync(path, text);
      }
    }
  } catch (e) {
    abandon(e);
  }

  const replacements: Replacement[] = [];
  for (const env of selected) {
    const target = stackDir(ws, env.name);
    const staged = join(tfStaging, WORKSPACE.stacks, env.name);
    const park = join(parks.stacks, env.name);
    const legacy = carries.get(env.name) ?? [];
    const fresh = new Set(isDirectory(staged) ? readdirSync(staged) : []);
    // Everything Terraform keeps next to cdk.tf.json (.terraform/, the lock file, plans) moves along.
    const kept = isDirectory(target) ? readdirSync(target).filter((n) => !fresh.has(n) && !legacy.some((l) => l.entry === n)) : [];
    replacements.push({ target, staged, park, carry: [...kept.map((entry) => ({ entry, to: join(target, entry) })), ...legacy] });
    if (legacy.length > 0) {
      // The backend's path changed; Terraform's cached backend settings would make init ask to migrate.
      if (kept.includes('.terraform'))
        replacements.push({
          target: join(parks.cdktfOut, `${env.name}-backend-cache`),
          staged: join(target, '.terraform', 'terraform.tfstate'),
          park: join(parks.cdktfOut, `${env.name}-unused`),
        });
      notices.push(
        `environment "${env.name}": moved its Terraform state from ${relative(ws.root, join(target, legacy[0].entry))} to ${relative(ws.root, legacy[0].to)} (back it up: it holds secrets)`,
      );
    }
  }
  replacements.push({
    target: join(ws.cdktfOut, options.renderers.terraformIndex.file),
    staged: join(tfStaging, options.renderers.terraformIndex.file),
    park: join(parks.cdktfOut, options.renderers.terraformIndex.file),
  });
  for (const { env } of gitops)
    replacements.push({ target: join(ws.distDir, env.name), staged: join(distStaging, env.name), park: join(parks.dist, env.name) });
  if ([...carries.values()].some((c) => c.length > 0)) mkdirSync(ws.stateDir, { recursive: true, mode: 0o700 });

  try {
    if (selected.length > 0) mkdirSync(stacksDir, { recursive: true });
    commitReplacements({ journalDir: ws.cdktfOut, id, replacements, scratch, fault });
  } catch (e) {
    abandon(e);
  }
  protectState(ws);

  const known = new Set(all.map((e) => e.name));
  const orphanDist = listDirectories(ws.distDir)
    .filter((n) => !known.has(n))
    .map((n) => `${relative(ws.root, ws.distDir) || '.'}/${n}`);
  const orphanStacks = listDirectories(stacksDir)
    .filter((n) => !known.has(n))
    .map((n) => `${relative(ws.root, stacksDir)}/${n}`);
  return {
    environments: selected.map((e) => e.name),
    unsealed: gitops
      .filter((g) => g.rendering.unsealed.length > 0)
      .map((g) => ({ environment: g.env.name, missing: g.rendering.unsealed })),
    orphans: [...orphanDist, ...orphanStacks],
    notices,
  };
}

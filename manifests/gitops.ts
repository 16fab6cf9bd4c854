import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { GitopsRendering } from '../core/synthesize';
import { DIST } from '../model/contract';
import type { Environment } from '../model/environment';
import { missingSealedKeys, readSealedValues } from '../model/sealed-values';
import { foldersOf, fileNameFor, RENDERED_OBJECTS, renderEnvironment, type KubeObject, type RenderedTree } from './render';

export class SynthRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthRefusedError';
  }
}

type MaterializeSpec = Record<string, unknown> & { environmentId?: string; requestRollout?: string; forcePromote?: string };

/** The Materialize CR's spec in an existing dist folder, if any. */
export function committedMaterializeSpec(envDir: string): MaterializeSpec | undefined {
  const folder = join(envDir, 'instance');
  if (!existsSync(folder)) return undefined;
  for (const f of readdirSync(folder).filter((n) => n.startsWith('materialize-'))) {
    const doc = parse(readFileSync(join(folder, f), 'utf8')) as KubeObject & { spec?: MaterializeSpec };
    if (doc?.kind === 'Materialize') return doc.spec;
  }
  return undefined;
}

/** Checks a rendered tree before anything is written. */
export function checkTree(
  env: Environment,
  tree: RenderedTree,
  options: { previousDir?: string; environmentIdChangeAccepted?: boolean } = {},
): void {
  const fail = (msg: string) => {
    throw new SynthRefusedError(`environment "${env.name}": ${msg}`);
  };
  for (const folder of foldersOf(env)) {
    const files = [...tree.keys()].filter((k) => k.startsWith(`${folder}/`) && !k.endsWith(`/${DIST.kustomizationFile}`));
    // An empty folder would make Flux prune everything it applied before, the running instance included.
    if (files.length === 0) fail(`refusing to write dist/${env.name}/${folder} with no resources (Flux would prune the running instance)`);
  }
  const rendered = RENDERED_OBJECTS.get(tree);
  for (const [path, text] of tree) {
    let obj = rendered?.get(path);
    if (!obj) {
      const docs = parseAllDocuments(text);
      if (docs.length !== 1 || docs[0].errors.length > 0) fail(`${path} does not parse as one YAML document`);
      obj = docs[0].toJS() as KubeObject;
    }
    if (!path.endsWith(DIST.kustomizationFile) && fileNameFor(obj) !== path.split('/').pop())
      fail(`${path} does not hold the object its name says`);
    // A plain Secret in Git is a leaked secret: only SealedSecrets may carry secret data.
    if (obj.kind === 'Secret') fail(`${path} is a plain Secret; secrets reach the cluster only sealed`);
  }
  const committed = options.previousDir ? committedMaterializeSpec(options.previousDir) : undefined;
  const previous = committed?.environmentId;
  const accepted = env.materialize.forceEnvironmentIdChange || options.environmentIdChangeAccepted;
  if (previous && previous !== env.materialize.environmentId && !accepted) {
    fail(
      `materialize.environmentId changed from ${previous} to ${env.materialize.environmentId}; that starts an empty instance and orphans all data. ` +
        `Restore it, or set materialize.forceEnvironmentIdChange: true (mzops recreate does) to start fresh on purpose`,
    );
  }
}

/**
 * One environment's GitOps folder, rendered and checked in memory: what the synthesis pipeline
 * (core/synthesize.ts) swaps into dist/<name>. Stale files vanish with the old folder; nothing
 * is written here.
 */
export function renderGitops(
  env: Environment,
  context: { environmentsDir: string; previousDir: string; environmentIdChangeAccepted: boolean },
): GitopsRendering {
  const sealed = readSealedValues(env.name, context.environmentsDir);
  const committed = committedMaterializeSpec(context.previousDir);
  // A new instance (none committed, or another environmentId) has no serving generation to wait for.
  const firstGeneration = !committed || committed.environmentId !== env.materialize.environmentId;
  const files = renderEnvironment(env, { sealed: sealed ?? null, previous: { firstGeneration, forcePromote: committed?.forcePromote } });
  checkTree(env, files, { previousDir: context.previousDir, environmentIdChangeAccepted: context.environmentIdChangeAccepted });
  return { files, unsealed: missingSealedKeys(sealed) };
}

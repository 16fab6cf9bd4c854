import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { Environment } from '../model/environment';
import { missingSealedKeys, readSealedValues } from '../model/sealed-values';
import { writeDirectoryAtomically } from '../scripts/atomic-dir';
import { FOLDERS, fileNameFor, renderEnvironment, type KubeObject, type RenderedTree } from './render';

export class SynthRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthRefusedError';
  }
}

/** The environmentId in an existing dist folder, if any. */
export function committedEnvironmentId(envDir: string): string | undefined {
  const folder = join(envDir, 'instance');
  if (!existsSync(folder)) return undefined;
  for (const f of readdirSync(folder).filter((n) => n.startsWith('materialize-'))) {
    const doc = parse(readFileSync(join(folder, f), 'utf8')) as KubeObject & { spec?: { environmentId?: string } };
    if (doc?.kind === 'Materialize') return doc.spec?.environmentId;
  }
  return undefined;
}

/** Checks a rendered tree before anything is written. */
export function checkTree(env: Environment, tree: RenderedTree, previousDir?: string): void {
  const fail = (msg: string) => {
    throw new SynthRefusedError(`environment "${env.name}": ${msg}`);
  };
  for (const folder of FOLDERS) {
    const files = [...tree.keys()].filter((k) => k.startsWith(`${folder}/`) && !k.endsWith('/kustomization.yaml'));
    // An empty folder would make Flux prune everything it applied before, the running instance included.
    if (files.length === 0) fail(`refusing to write dist/${env.name}/${folder} with no resources (Flux would prune the running instance)`);
  }
  for (const [path, text] of tree) {
    const docs = parseAllDocuments(text);
    if (docs.length !== 1 || docs[0].errors.length > 0) fail(`${path} does not parse as one YAML document`);
    const obj = docs[0].toJS() as KubeObject;
    if (!path.endsWith('kustomization.yaml') && fileNameFor(obj) !== path.split('/').pop()) fail(`${path} does not hold the object its name says`);
    // A plain Secret in Git is a leaked secret: only SealedSecrets may carry secret data.
    if (obj.kind === 'Secret') fail(`${path} is a plain Secret; secrets reach the cluster only sealed`);
  }
  const previous = previousDir ? committedEnvironmentId(previousDir) : undefined;
  // mzops recreate sets MZ_FORCE_ENVIRONMENT_ID_CHANGE for the one environment it recreates.
  const forced = env.materialize.forceEnvironmentIdChange || process.env.MZ_FORCE_ENVIRONMENT_ID_CHANGE === env.name;
  if (previous && previous !== env.materialize.environmentId && !forced) {
    fail(
      `materialize.environmentId changed from ${previous} to ${env.materialize.environmentId}; that starts an empty instance and orphans all data. ` +
        `Restore it, or set materialize.forceEnvironmentIdChange: true (mzops recreate does) to start fresh on purpose`,
    );
  }
}

export interface SynthReport {
  written: string[];
  unsealed: { environment: string; missing: string[] }[];
  orphans: string[];
}

/**
 * Renders and checks every environment, then swaps each dist/<name> folder in. Nothing is
 * written unless every environment renders and passes its checks; stale files vanish with
 * the old folder. Folders of environments that no longer exist are reported, never deleted.
 */
export function writeDist(envs: Environment[], distDir: string, environmentsDir?: string, knownNames: string[] = envs.map((e) => e.name)): SynthReport {
  const rendered = envs.map((env) => {
    const sealed = readSealedValues(env.name, environmentsDir);
    const tree = renderEnvironment(env, { sealed: sealed ?? null });
    checkTree(env, tree, join(distDir, env.name));
    return { env, tree, missing: missingSealedKeys(sealed) as string[] };
  });
  mkdirSync(distDir, { recursive: true });
  for (const { env, tree } of rendered) {
    writeDirectoryAtomically(join(distDir, env.name), (tmp) => {
      for (const [rel, text] of tree) {
        mkdirSync(dirname(join(tmp, rel)), { recursive: true });
        writeFileSync(join(tmp, rel), text);
      }
    });
  }
  const known = new Set(knownNames);
  return {
    written: envs.map((e) => e.name),
    unsealed: rendered.filter((r) => r.missing.length > 0).map((r) => ({ environment: r.env.name, missing: r.missing })),
    orphans: readdirSync(distDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !known.has(d.name))
      .map((d) => d.name),
  };
}

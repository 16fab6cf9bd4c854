import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT } from '../helpers';

/** Where an environment's definition lives: the test fixtures, else the repository's environments/. */
const source = (name: string) =>
  ['staging', 'prod'].includes(name) ? join(FIXTURE_ENVIRONMENTS_DIR, name) : join(REPO_ROOT, 'environments', name);

/**
 * A repository layout in a temporary folder: environments/<name>.ts re-export the real
 * definitions (with `materialize` fields overridden where asked), so the pipeline runs on it as
 * on the repository.
 */
export function tempRepo(names: string[] = ['example', 'staging'], materialize: Record<string, Record<string, unknown>> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'mz-repo-'));
  mkdirSync(join(root, 'environments'));
  for (const n of names) writeEnvironment(root, n, materialize[n]);
  return root;
}

export function writeEnvironment(root: string, name: string, materialize?: Record<string, unknown>): void {
  const src = JSON.stringify(source(name));
  const body = materialize
    ? `import base from ${src};\nexport default { ...base, materialize: { ...base.materialize, ...${JSON.stringify(materialize)} } };\n`
    : `export { default } from ${src};\n`;
  writeFileSync(join(root, 'environments', `${name}.ts`), body);
}

export function copyRepo(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'mz-repo-copy-'));
  cpSync(root, copy, { recursive: true });
  return copy;
}

/** Every file (content) and folder (trailing slash) below `dir`, dotfiles included, but for folders `skip` names (relative paths). */
export function snapshotTree(dir: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (skip.includes(relative(dir, p))) continue;
      if (lstatSync(p).isDirectory()) {
        out[`${relative(dir, p)}/`] = '';
        walk(p);
      } else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Paths of temporary entries a synth may leave (none must remain). */
export function temporaryEntries(dir: string): string[] {
  return Object.keys(snapshotTree(dir)).filter((p) => p.split('/').some((part) => part.startsWith('.mz-tmp-')));
}

/** What Terraform keeps beside a stack: providers, the lock file, and state where it now lives. */
export function plantTerraformFiles(root: string, name: string): void {
  const stack = join(root, 'cdktf.out', 'stacks', name);
  mkdirSync(join(stack, '.terraform', 'providers'), { recursive: true });
  writeFileSync(join(stack, '.terraform', 'providers', 'azurerm'), `provider binary of ${name}`);
  writeFileSync(join(stack, '.terraform.lock.hcl'), `# lock of ${name}\n`);
  mkdirSync(join(root, 'state'), { recursive: true });
  writeFileSync(join(root, 'state', `${name}.tfstate`), JSON.stringify({ version: 4, serial: 7, resources: [{ name }] }));
}

/** The repository's environment file itself, with its model import made absolute: for commands that edit the file. */
export function copyEnvironmentSource(root: string, name: string): string {
  const text = readFileSync(join(REPO_ROOT, 'environments', `${name}.ts`), 'utf8').replace(
    /from '\.\.\/model'/,
    `from ${JSON.stringify(join(REPO_ROOT, 'model'))}`,
  );
  const file = join(root, 'environments', `${name}.ts`);
  writeFileSync(file, text);
  // Its mzops state travels with it, as in the repository.
  const state = join(REPO_ROOT, 'environments', `${name}.mzops.json`);
  if (existsSync(state)) copyFileSync(state, join(root, 'environments', `${name}.mzops.json`));
  return file;
}

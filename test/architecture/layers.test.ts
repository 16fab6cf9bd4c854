import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from '../helpers';

/**
 * The layering rule: model <- core <- {infra, manifests} <- cli <- scripts, no cycles. Each
 * folder may import only the folders listed for it. Imports are read with TypeScript's own
 * pre-processor, so type-only imports and re-exports count too.
 */
const ALLOWED: Record<string, string[]> = {
  model: ['model'],
  core: ['model', 'core'],
  imports: ['imports'],
  infra: ['model', 'core', 'infra'],
  manifests: ['model', 'core', 'imports', 'manifests'],
  cli: ['model', 'core', 'infra', 'manifests', 'imports', 'cli'],
  // Entry points stay thin: they reach the machinery through the CLI layer or core.
  scripts: ['model', 'core', 'cli', 'scripts'],
  environments: ['model'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  throw new Error(`${relative(REPO_ROOT, from)}: cannot resolve ${spec}`);
}

const layerOf = (file: string) => relative(REPO_ROOT, file).split('/')[0];
const files = Object.keys(ALLOWED).flatMap((layer) => sourceFiles(join(REPO_ROOT, layer)));
const graph = new Map(
  files.map((f) => [
    f,
    ts
      .preProcessFile(readFileSync(f, 'utf8'), true, true)
      .importedFiles.map((i) => resolveImport(f, i.fileName))
      .filter((x): x is string => x !== undefined),
  ]),
);

describe('layers', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(50);
    expect([...new Set(files.map(layerOf))].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('every import goes to an allowed layer', () => {
    const violations = [...graph].flatMap(([from, targets]) =>
      targets
        .filter((t) => !ALLOWED[layerOf(from)].includes(layerOf(t)))
        .map(
          (t) =>
            `${relative(REPO_ROOT, from)} imports ${relative(REPO_ROOT, t)} (${layerOf(from)} may import only ${ALLOWED[layerOf(from)].join(', ')})`,
        ),
    );
    expect(violations).toEqual([]);
  });

  it('starts processes only through cli/runner.ts (one deadline and kill list for every child)', () => {
    // cli/diff/revision.ts pipes git archive into tar, and registers both with the runner's kill list.
    // scripts/test.ts and test-tools.ts are npm test's own tooling (the gates, npm pack), not the CLI.
    const allowed = new Set(['cli/runner.ts', 'cli/diff/revision.ts', 'scripts/bench.ts', 'scripts/test.ts', 'scripts/test-tools.ts']);
    const spawning = files
      .filter((f) => /from 'node:child_process'|require\('node:child_process'\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(REPO_ROOT, f))
      .filter((f) => !allowed.has(f));
    expect(spawning).toEqual([]);
  });

  it('no file imports itself through a cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(REPO_ROOT, p)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('detects a violation (the rule can fail)', () => {
    const fake = join(REPO_ROOT, 'model', 'fake.ts');
    const target = resolveImport(fake, '../cli/errors')!;
    expect(ALLOWED[layerOf(fake)].includes(layerOf(target))).toBe(false);
  });
});

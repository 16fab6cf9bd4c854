import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE } from '../model/contract';
import type { Environment, EnvironmentDefinition } from '../model/environment';
import { loadEnvironments } from '../model/load';
import { readMzopsState } from './mzops-state';
import { EnvironmentValidationError } from '../model/validate';

/** The state file's values win over the environment file's; a differing value in both is worth a notice. */
function withMzopsState(
  file: string,
  definition: EnvironmentDefinition,
  dir: string,
  selected: readonly string[],
  stateOptional: boolean,
): { definition: EnvironmentDefinition; notices: string[] } {
  const name = file.replace(/\.ts$/, '');
  let state: ReturnType<typeof readMzopsState>;
  try {
    state = readMzopsState(name, dir);
  } catch (e) {
    // The state file holds values of its own environment only (rollout ids, versions, an
    // environmentId), so a run narrowed to other environments need not stop on it: it checks
    // this environment's file without it, and says so. A run that includes it still fails.
    if (!(e instanceof EnvironmentValidationError)) throw e;
    if (!stateOptional && (selected.length === 0 || selected.includes(name))) throw e;
    const [problem] = e.problems;
    const consequence = stateOptional
      ? `read ${WORKSPACE.environments}/${file} without it`
      : `${name} is not selected, so this run checked ${WORKSPACE.environments}/${file} without it (a run of ${name} fails until it is fixed)`;
    return { definition, notices: [`warning: ${problem.file}: ${problem.field} ${problem.rule}; ${consequence}`] };
  }
  if (!state || typeof definition.materialize !== 'object' || definition.materialize === null) return { definition, notices: [] };
  const notices: string[] = [];
  for (const [field, value] of Object.entries(state.materialize)) {
    const written = (definition.materialize as unknown as Record<string, unknown>)[field];
    if (written !== undefined && written !== value) {
      notices.push(
        `notice: ${WORKSPACE.environments}/${file} sets materialize.${field}, but ${WORKSPACE.environments}/${WORKSPACE.mzopsStateFile(name)} (written by mzops) overrides it with ${value}: delete the line from the .ts file`,
      );
    }
  }
  return { definition: { ...definition, materialize: { ...definition.materialize, ...state.materialize } }, notices };
}

/**
 * The environment files of a folder: every `*.ts` default-exporting a definition, by file name,
 * with its mzops state applied. With `selected`, an unreadable state file of an environment not
 * selected is a warning, not an error.
 */
export function readEnvironmentDefinitions(
  dir: string,
  selected: readonly string[] = [],
  /** Every unreadable state file is a warning (a read-only diagnosis such as doctor). @default false */
  stateOptional = false,
): { file: string; definition: EnvironmentDefinition; notices: string[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      // A command that edits a file (rollout) reads it again in the same process.
      delete require.cache[require.resolve(path)];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path) as { default?: EnvironmentDefinition };
      if (!mod.default || typeof mod.default !== 'object') {
        throw new EnvironmentValidationError([
          {
            environment: f.replace(/\.ts$/, ''),
            field: 'default export',
            value: undefined,
            rule: `of ${WORKSPACE.environments}/${f} must be defineEnvironment({...})`,
            example: 'export default defineEnvironment({ name: "staging", ... })',
          },
        ]);
      }
      return { file: f, ...withMzopsState(f, mod.default, dir, selected, stateOptional) };
    });
}

/**
 * Every environment of the folder, validated together (global names are unique across files).
 * A file must be named after its environment: `dist/<name>`, the stack and every command find it by that name.
 */
export function loadAllEnvironments(dir: string): Environment[] {
  return loadWithNotices(dir).environments;
}

function loadWithNotices(
  dir: string,
  selected: readonly string[] = [],
  stateOptional = false,
): { environments: Environment[]; notices: string[] } {
  const read = readEnvironmentDefinitions(dir, selected, stateOptional);
  const notices = read.flatMap((r) => r.notices);
  const misnamed = read.filter(
    ({ file, definition }) => typeof definition.name === 'string' && WORKSPACE.environmentFile(definition.name) !== file,
  );
  if (misnamed.length > 0) {
    throw new EnvironmentValidationError(
      misnamed.map(({ file, definition }) => ({
        environment: definition.name,
        field: 'name',
        value: definition.name,
        rule: `must match its file name ${WORKSPACE.environments}/${file}`,
        example: `"${file.replace(/\.ts$/, '')}" (or rename the file to ${WORKSPACE.environmentFile(definition.name)})`,
      })),
    );
  }
  try {
    return { environments: loadEnvironments(read.map((r) => r.definition)), notices };
  } catch (e) {
    if (!(e instanceof EnvironmentValidationError)) throw e;
    // Name the file of each problem: the user edits files, not environments.
    const fileOf = new Map(
      read.map((r) => [typeof r.definition.name === 'string' ? r.definition.name : '', `${WORKSPACE.environments}/${r.file}`]),
    );
    throw new EnvironmentValidationError(e.problems.map((p) => ({ ...p, file: p.file ?? fileOf.get(p.environment) })));
  }
}

export interface Selection {
  readonly all: Environment[];
  readonly selected: Environment[];
  /** What loading noticed (an environment file value an mzops state file overrides). */
  readonly notices: string[];
}

/**
 * The selected environments (all when `names` is empty). Every file is validated either way:
 * a broken file elsewhere must not hide behind a narrowed run.
 */
export function selectEnvironments(
  dir: string,
  names: readonly string[] = [],
  options: {
    /** An unreadable state file is a warning, even a selected one's (for read-only diagnosis). @default false */ stateOptional?: boolean;
  } = {},
): Selection {
  const { environments: all, notices } = loadWithNotices(dir, names, options.stateOptional);
  if (names.length === 0) return { all, selected: all, notices };
  const unknown = names.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length > 0) {
    throw new EnvironmentValidationError(
      unknown.map((n) => ({
        environment: n,
        field: 'name',
        value: n,
        rule: `must name a file in ${WORKSPACE.environments}/ (known: ${all.map((e) => e.name).join(', ')})`,
        example: `"${all[0]?.name ?? 'example'}"`,
      })),
    );
  }
  return { all, selected: all.filter((e) => names.includes(e.name)), notices };
}

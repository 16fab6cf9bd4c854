import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DIST, NETWORK_POLICY_ENGINE, WORKSPACE } from '../model/contract';
import { DEFAULT_NETWORK_POLICY, type Environment, type EnvironmentDefinition, type NetworkPolicyEngine } from '../model/environment';
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

const ENGINES: readonly NetworkPolicyEngine[] = ['azure', 'cilium'];
const ENGINE_RECORD = new RegExp(
  `^\\s+${NETWORK_POLICY_ENGINE.annotation.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ['"]?([a-z]+)['"]?\\s*$`,
  'm',
);

/**
 * The network policy engine `dist/<environment>/` was made with: its record, or, for output
 * from before the record existed, the default of that time; undefined for an environment with no
 * committed output (a new one).
 */
export function recordedNetworkPolicy(distDir: string, environment: string): NetworkPolicyEngine | undefined {
  if (!existsSync(join(distDir, environment))) return undefined;
  let text = '';
  try {
    text = readFileSync(join(distDir, environment, NETWORK_POLICY_ENGINE.recordFile), 'utf8');
  } catch {
    // No record file: output of an older synth, or a partial folder; either way not made with the new default.
  }
  const value = ENGINE_RECORD.exec(text)?.[1] as NetworkPolicyEngine | undefined;
  return value && ENGINES.includes(value) ? value : NETWORK_POLICY_ENGINE.unrecorded;
}

/**
 * Changing the engine replaces the AKS cluster: an environment that leaves `aks.networkPolicy`
 * unset keeps the engine its committed output was made with, with a notice when that is not
 * today's default.
 */
function withRecordedEngine(
  file: string,
  definition: EnvironmentDefinition,
  distDir: string,
): { definition: EnvironmentDefinition; notices: string[] } {
  const aks = (definition as { aks?: unknown }).aks;
  // A malformed aks section is the shape check's to report.
  if (aks !== undefined && (typeof aks !== 'object' || aks === null || Array.isArray(aks))) return { definition, notices: [] };
  if ((aks as { networkPolicy?: unknown } | undefined)?.networkPolicy !== undefined) return { definition, notices: [] };
  const name = file.replace(/\.ts$/, '');
  const recorded = recordedNetworkPolicy(distDir, name);
  if (recorded === undefined || recorded === DEFAULT_NETWORK_POLICY) return { definition, notices: [] };
  const notice =
    `notice: ${WORKSPACE.environments}/${file} leaves aks.networkPolicy unset and ${DIST.root}/${name}/ was made with '${recorded}'; ` +
    `changing the engine replaces the AKS cluster, so ${name} keeps '${recorded}' (new environments get '${DEFAULT_NETWORK_POLICY}'). ` +
    `Write aks: { networkPolicy: '${recorded}' } in ${WORKSPACE.environments}/${file} to keep it and end this notice, or '${DEFAULT_NETWORK_POLICY}' to move (README: "Moving to Cilium")`;
  return {
    definition: { ...definition, aks: { ...(aks as object), networkPolicy: recorded } } as EnvironmentDefinition,
    notices: [notice],
  };
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
  /** The committed GitOps folders, read for the network policy engine each was made with. @default `dist/` beside `dir` */
  distDir = join(dirname(dir), DIST.root),
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
      const stated = withMzopsState(f, mod.default, dir, selected, stateOptional);
      const engine = withRecordedEngine(f, stated.definition, distDir);
      return { file: f, definition: engine.definition, notices: [...stated.notices, ...engine.notices] };
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
  distDir?: string,
): { environments: Environment[]; notices: string[] } {
  const read = readEnvironmentDefinitions(dir, selected, stateOptional, distDir);
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
    /** The committed GitOps folders (the engine each was made with). @default `dist/` beside `dir` */ distDir?: string;
  } = {},
): Selection {
  const { environments: all, notices } = loadWithNotices(dir, names, options.stateOptional, options.distDir);
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

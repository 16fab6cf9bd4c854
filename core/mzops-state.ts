import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE } from '../model/contract';
import { article, issuesOf, s } from '../model/shape';
import { EXACT_V_SEMVER, UUID } from '../model/environment';
import { EnvironmentValidationError } from '../model/validate';
import { writeFileAtomically } from './swap';

/**
 * `environments/<name>.mzops.json`, committed beside the environment file: the values mzops
 * owns. `mzops rollout` writes a new requestRollout here, `mzops recreate` a new environmentId,
 * so no command ever edits the TypeScript a person wrote. Synth reads it over the environment
 * file: what it holds wins.
 */
export interface MzopsState {
  readonly materialize: {
    readonly requestRollout?: string;
    readonly environmentId?: string;
    /** `mzops promote`: the rollout (a requestRollout) to promote under ManuallyPromote. */
    readonly forcePromote?: string;
    /** `mzops upgrade`: the versions upgraded to. */
    readonly operatorChartVersion?: string;
    readonly environmentdVersion?: string;
  };
}

const STATE_SCHEMA = s.object({
  $comment: s.optional(s.string()),
  materialize: s.object({
    requestRollout: s.optional(s.string(UUID, 'must be a lowercase UUID')),
    environmentId: s.optional(s.string(UUID, 'must be a lowercase UUID')),
    forcePromote: s.optional(s.string(UUID, 'must be a lowercase UUID')),
    operatorChartVersion: s.optional(s.string(EXACT_V_SEMVER, 'must be an exact version vX.Y.Z')),
    environmentdVersion: s.optional(s.string(EXACT_V_SEMVER, 'must be an exact version vX.Y.Z')),
  }),
});

const COMMENT =
  'Written by mzops (rollout, recreate, promote, upgrade); read by synth over the environment file. Commit it; edit it only through mzops.';

export function mzopsStatePath(environment: string, dir: string): string {
  return join(dir, WORKSPACE.mzopsStateFile(environment));
}

function invalid(environment: string, field: string, value: unknown, rule: string): EnvironmentValidationError {
  return new EnvironmentValidationError([
    {
      environment,
      file: `${WORKSPACE.environments}/${WORKSPACE.mzopsStateFile(environment)}`,
      field,
      value,
      rule,
      example: `{ "materialize": { "requestRollout": "8b7d8dce-0d58-41cf-aa49-5c522093aa7c" } } (mzops rollout ${environment} writes it)`,
    },
  ]);
}

/** The state file of an environment, checked whole; undefined when there is none. */
export function readMzopsState(environment: string, dir: string): MzopsState | undefined {
  const path = mzopsStatePath(environment, dir);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw invalid(environment, 'the file', undefined, `must be JSON (${(e as Error).message.split('\n')[0]}; a merge conflict?)`);
  }
  const [issue] = issuesOf(STATE_SCHEMA, parsed);
  if (issue) {
    const field = issue.path.join('.') || 'the file';
    const rule =
      issue.code === 'unrecognized_keys'
        ? `has unknown keys ${issue.keys.join(', ')} (known: ${issue.known.join(', ')})`
        : issue.code === 'custom'
          ? issue.message
          : issue.code === 'invalid_type'
            ? `must be ${article(issue.expected)}`
            : `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    const value = issue.path.reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k], parsed);
    throw invalid(environment, field, value, rule);
  }
  return parsed as MzopsState;
}

/**
 * Sets values in the state file (creating it), keeping the others; written whole to a temporary
 * name and renamed, so a kill leaves the old file or the new one. Returns what the file held
 * before (undefined: no file), for a caller that must put it back.
 */
export function writeMzopsState(environment: string, dir: string, values: MzopsState['materialize']): string | undefined {
  const path = mzopsStatePath(environment, dir);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const current = readMzopsState(environment, dir);
  const materialize = { ...current?.materialize, ...values };
  const sorted = Object.fromEntries(Object.entries(materialize).sort(([a], [b]) => a.localeCompare(b)));
  writeFileAtomically(path, `${JSON.stringify({ $comment: COMMENT, materialize: sorted }, null, 2)}\n`);
  return before;
}

/** Puts the state file back as `writeMzopsState` found it. */
export function restoreMzopsState(environment: string, dir: string, before: string | undefined): void {
  const path = mzopsStatePath(environment, dir);
  if (before === undefined) rmSync(path, { force: true });
  else writeFileSync(path, before);
}

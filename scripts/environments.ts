import { loadRepositoryEnvironments } from '../model/load';
import type { Environment } from '../model/environment';
import { EnvironmentValidationError } from '../model/validate';

/**
 * The repository's environments (or those in MZ_ENVIRONMENTS_DIR), optionally narrowed by MZ_ENVIRONMENTS=a,b. All of them are
 * validated either way: a broken file elsewhere must not hide behind a narrowed run.
 */
export function selectEnvironments(names?: string[]): Environment[] {
  return loadSelection(names).selected;
}

/** The selected environments and the names of all of them (synth reports folders no file claims). */
export function loadSelection(names: string[] | undefined = process.env.MZ_ENVIRONMENTS?.split(',').filter(Boolean)): { selected: Environment[]; allNames: string[] } {
  const envs = loadRepositoryEnvironments(process.env.MZ_ENVIRONMENTS_DIR);
  const allNames = envs.map((e) => e.name);
  if (!names || names.length === 0) return { selected: envs, allNames };
  const unknown = names.filter((n) => !envs.some((e) => e.name === n));
  if (unknown.length > 0) {
    throw new EnvironmentValidationError(
      unknown.map((n) => ({
        environment: n,
        field: 'name',
        value: n,
        rule: `must name a file in environments/ (known: ${envs.map((e) => e.name).join(', ')})`,
        example: `"${envs[0]?.name ?? 'example'}"`,
      })),
    );
  }
  return { selected: envs.filter((e) => names.includes(e.name)), allNames };
}

/** Runs a command body; a validation error becomes its message on stderr and exit code 1, nothing else. */
export function runOrExplain(body: () => void): void {
  try {
    body();
  } catch (e) {
    if (e instanceof EnvironmentValidationError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  }
}

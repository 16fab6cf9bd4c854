import { ReferenceDataError } from '../core/reference-data';

/** A failure the user can act on: one line of diagnosis, one line of fix. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Runs an entry point's body: a user mistake (invalid environment, a refused synth, a CliError)
 * becomes its message on stderr and exit code 1, never a stack trace.
 */
export function runOrExplain(body: () => void | Promise<void>): void {
  const fail = (e: unknown) => {
    process.stderr.write(`${explain(e)}\n`);
    process.exit(1);
  };
  try {
    const done = body();
    if (done) done.catch(fail);
  } catch (e) {
    fail(e);
  }
}

/** The lines a failure prints: validation messages as they are, everything else as error: (and hint:). */
export function explain(e: unknown): string {
  if (e instanceof CliError || e instanceof ReferenceDataError)
    return e.hint ? `error: ${e.message}\nhint: ${e.hint}` : `error: ${e.message}`;
  if (e instanceof Error && e.name === 'EnvironmentValidationError') return e.message;
  return `error: ${e instanceof Error ? e.message : String(e)}`;
}

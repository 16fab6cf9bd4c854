import { dirname, isAbsolute, relative } from 'node:path';
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

/**
 * A file-system failure as what it means where it happened: a path that is a folder where a file
 * belongs (`.env` as a folder), a file where a folder belongs (`state` as a file), a missing
 * file (a `--cert` path), a place that cannot be written (a read-only `dist/`). Node's own message
 * ("EISDIR: illegal operation on a directory, read") names neither the path's role nor a fix.
 */
export function fileSystemError(e: unknown, cwd: string = process.cwd()): CliError | undefined {
  const err = e as NodeJS.ErrnoException;
  // Not `instanceof Error`: errors from Node's own modules may come from another realm (a vm context, jest).
  if (typeof e !== 'object' || e === null || typeof err.code !== 'string' || typeof err.path !== 'string') return undefined;
  const rel = relative(cwd, err.path);
  const path = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : err.path;
  const verb = err.syscall === 'open' || err.syscall === 'read' ? 'open' : (err.syscall ?? 'use');
  switch (err.code) {
    case 'ENOENT':
      return new CliError(`${path} does not exist (${verb} failed)`, `check the path; it is read from ${cwd}`);
    case 'EISDIR':
      return new CliError(`${path} is a folder, where a file belongs`, `move the folder aside: mv ${path} ${path}.folder`);
    case 'ENOTDIR':
      return new CliError(
        `a part of ${path} is a file, where a folder belongs`,
        `find the file on the way to ${path} (ls -ld ${dirname(path)}) and move it aside`,
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new CliError(
        `no permission to ${verb} ${path} (${err.code})`,
        err.code === 'EROFS' ? 'run from a writable checkout' : `make it writable for you: chmod u+w ${dirname(path)} ${path}`,
      );
    default:
      return undefined;
  }
}

/** The lines a failure prints: validation messages as they are, everything else as error: (and hint:). */
export function explain(e: unknown): string {
  const fs = e instanceof CliError ? undefined : fileSystemError(e);
  if (fs) return explain(fs);
  if (e instanceof CliError || e instanceof ReferenceDataError)
    return e.hint ? `error: ${e.message}\nhint: ${e.hint}` : `error: ${e.message}`;
  if (e instanceof Error && e.name === 'EnvironmentValidationError') return e.message;
  return `error: ${e instanceof Error ? e.message : String(e)}`;
}

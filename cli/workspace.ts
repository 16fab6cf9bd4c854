import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from './errors';
import { parseEnv } from 'node:util';

/**
 * `.mzops/<environment>/`: per-machine files that hold secrets (Terraform outputs, the generated
 * mz_system password). Git ignores the folder; files are created readable by the owner only.
 */
export function stateDir(environment: string, root: string = process.cwd()): string {
  return join(root, '.mzops', environment);
}

export function writePrivateFile(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * A file the user named or placed (`--cert`, `.env`), read with a failure that says which file,
 * what it is for and what to do: Node's "EISDIR: illegal operation on a directory, read" names
 * no path at all.
 */
export function readUserFile(path: string, role: string, root: string = process.cwd()): string {
  const shown = relative(root, path).startsWith('..') ? path : relative(root, path);
  let kind: string;
  try {
    kind = statSync(path).isFile() ? 'file' : 'folder';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(`${shown} (${role}) does not exist`, `check the path; it is read relative to ${root}`);
    throw new CliError(`${shown} (${role}) cannot be read: ${(e as Error).message}`, `check the permissions of ${shown}`);
  }
  if (kind !== 'file') throw new CliError(`${shown} (${role}) is a folder, where a file belongs`, `name a file, or move the folder aside`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`${shown} (${role}) cannot be read: ${(e as Error).message}`, `make it readable for you: chmod u+r ${shown}`);
  }
}

/** The user's variables: the process environment over `.env` (if present). */
export function userVariables(root: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = join(root, '.env');
  const fromFile = existsSync(file) ? (parseEnv(readUserFile(file, 'the variables file', root)) as Record<string, string>) : {};
  return { ...fromFile, ...env };
}

/**
 * Lines of `.env` that `util.parseEnv` would read differently from what they look like: an
 * unterminated quote (its value runs into the next lines) and an unquoted `#` (the rest of the
 * value becomes a comment). Keyed by variable name.
 */
export function envFileTraps(root: string = process.cwd()): Map<string, string> {
  const file = join(root, '.env');
  const traps = new Map<string, string>();
  if (!existsSync(file)) return traps;
  for (const [i, raw] of readFileSync(file, 'utf8').split('\n').entries()) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) continue;
    const [, name, value] = m;
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) === -1) {
      traps.set(
        name,
        `.env line ${i + 1}: the value of ${name} opens a ${quote} quote it never closes, so it runs into the lines after it; close the quote`,
      );
    } else if (quote !== '"' && quote !== "'" && quote !== '`' && /\S#|\s#/.test(value) && !/^#/.test(value)) {
      traps.set(
        name,
        `.env line ${i + 1}: the value of ${name} holds an unquoted #, where the rest of it becomes a comment; quote the value ("...")`,
      );
    }
  }
  return traps;
}

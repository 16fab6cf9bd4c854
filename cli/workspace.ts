import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The user's variables: the process environment over `.env` (if present). */
export function userVariables(root: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = join(root, '.env');
  const fromFile = existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  return { ...fromFile, ...env };
}

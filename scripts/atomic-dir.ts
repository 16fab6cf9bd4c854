import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Builds a directory next to its final place and swaps it in only when `build` succeeds,
 * so a failed run leaves the previous output untouched and readers never see half a tree.
 */
export function writeDirectoryAtomically(target: string, build: (tmp: string) => void): void {
  const parent = dirname(target);
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    build(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = existsSync(target) ? `${tmp}.old` : undefined;
  if (old) renameSync(target, old);
  try {
    renameSync(tmp, target);
  } catch (e) {
    if (old) renameSync(old, target);
    throw e;
  }
  if (old) rmSync(old, { recursive: true, force: true });
}

import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WORKSPACE } from '../model/contract';

/**
 * Swapping finished output into place, one folder (or file) at a time, so that a failure or a
 * kill never leaves a folder half old and half new.
 *
 * POSIX rename cannot exchange two non-empty folders, so replacing one takes two renames (old
 * away, new in) and a kill between them leaves the target missing. A journal, written before
 * the first rename, lists every rename of the run; the next run finds it and completes the
 * renames still to do (each is idempotent: done when its source exists and its target does
 * not). A failure inside the process instead undoes the renames already done, in reverse.
 */

/** One target replaced by staged content, both on the same filesystem. */
export interface Replacement {
  /** Final path: a folder or a file. */
  readonly target: string;
  /** The complete new content. */
  readonly staged: string;
  /** Where the old content goes until the run ends: a temporary path beside the target. */
  readonly park: string;
  /** Entries of the old folder moved into the new one (Terraform's working files), with where each goes. */
  readonly carry?: readonly { readonly entry: string; readonly to: string }[];
}

/** Called before every write and rename with a label; tests throw or kill here. */
export type FaultHook = (point: string) => void;

interface Rename {
  readonly from: string;
  readonly to: string;
}

interface Journal {
  readonly version: 1;
  readonly startedAt: string;
  readonly renames: Rename[];
  /** Temporary folders to remove once every rename is done. */
  readonly scratch: string[];
}

const JOURNAL_SUFFIX = '.journal.json';

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The temporary name a file is written under before its rename: beside it (a rename does not
 * cross filesystems), under the project's temporary prefix, so git ignores it (`.mz-tmp-*` in
 * .gitignore) and a leftover from a kill is never committed, and with the process id, so two
 * runs never write the same one.
 */
export function partPath(path: string): string {
  return join(dirname(path), `${WORKSPACE.tmpPrefix}${basename(path)}.${process.pid}.part`);
}

/**
 * Writes a file through a temporary name and a rename, so readers see all of it or none. A
 * failed write (a full disk, a read-only folder) removes the temporary file before it throws.
 */
export function writeFileAtomically(path: string, content: string | Buffer, mode?: number): void {
  const part = partPath(path);
  try {
    writeFileSync(part, content, mode === undefined ? undefined : { mode });
    renameSync(part, path);
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
}

function planRenames(replacements: readonly Replacement[]): Rename[] {
  const renames: Rename[] = [];
  for (const r of replacements) {
    if (exists(r.target)) renames.push({ from: r.target, to: r.park });
    renames.push({ from: r.staged, to: r.target });
    for (const c of r.carry ?? []) renames.push({ from: join(r.park, c.entry), to: c.to });
  }
  return renames;
}

function applicable(r: Rename): boolean {
  return exists(r.from) && !exists(r.to);
}

/**
 * Replaces every target with its staged content. `journalDir` must exist and is where the
 * next run looks (see `recoverInterrupted`); `scratch` folders are removed at the end.
 */
export function commitReplacements(options: {
  readonly journalDir: string;
  readonly id: string;
  readonly replacements: readonly Replacement[];
  readonly scratch: readonly string[];
  readonly fault?: FaultHook;
}): void {
  const fault = options.fault ?? (() => undefined);
  for (const r of options.replacements) mkdirSync(dirname(r.park), { recursive: true });
  const renames = planRenames(options.replacements);
  const journal: Journal = { version: 1, startedAt: new Date().toISOString(), renames, scratch: [...options.scratch] };
  const journalPath = join(options.journalDir, `${WORKSPACE.tmpPrefix}${options.id}${JOURNAL_SUFFIX}`);
  const done: Rename[] = [];
  try {
    fault('write journal');
    writeFileAtomically(journalPath, `${JSON.stringify(journal, null, 2)}\n`);
    for (const r of renames) {
      if (!applicable(r)) continue;
      fault(`rename ${r.from} -> ${r.to}`);
      renameSync(r.from, r.to);
      done.push(r);
    }
  } catch (e) {
    for (const r of [...done].reverse()) renameSync(r.to, r.from);
    rmSync(journalPath, { force: true });
    rmSync(partPath(journalPath), { force: true });
    for (const s of options.scratch) rmSync(s, { recursive: true, force: true });
    throw e;
  }
  // From here on every target is new; what is left is clean-up, which the next run also does.
  unlinkSync(journalPath);
  for (const s of options.scratch) rmSync(s, { recursive: true, force: true });
}

/**
 * Completes the renames of a run that was killed after writing its journal, then removes every
 * temporary entry (`.mz-tmp-*`) in `dirs`. Returns one line per thing it did.
 */
export function recoverInterrupted(dirs: readonly string[]): string[] {
  const lines: string[] = [];
  const present = dirs.filter(exists);
  for (const dir of present) {
    for (const name of readdirSync(dir).filter((n) => n.startsWith(WORKSPACE.tmpPrefix) && n.endsWith(JOURNAL_SUFFIX))) {
      const path = join(dir, name);
      let journal: Journal;
      try {
        journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
      } catch {
        // A journal is renamed into place whole, so an unreadable one was never committed to.
        rmSync(path, { force: true });
        continue;
      }
      let completed = 0;
      for (const r of journal.renames) {
        if (!applicable(r)) continue;
        renameSync(r.from, r.to);
        completed++;
      }
      unlinkSync(path);
      for (const s of journal.scratch) rmSync(s, { recursive: true, force: true });
      lines.push(
        `completed a synth interrupted at ${journal.startedAt} (${completed} of ${journal.renames.length} renames were still to do)`,
      );
    }
  }
  let removed = 0;
  for (const dir of present) {
    for (const name of readdirSync(dir).filter((n) => n.startsWith(WORKSPACE.tmpPrefix))) {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  if (removed > 0) lines.push(`removed ${removed} temporary folder(s) a failed or killed run left behind`);
  return lines;
}

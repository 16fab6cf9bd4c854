import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS_DIR } from '../model/load';
import { CliError } from './errors';

export function environmentFile(name: string, dir: string = ENVIRONMENTS_DIR): string {
  return join(dir, `${name}.ts`);
}

/**
 * Sets a string field of the `materialize: { ... }` block in an environment file, keeping the
 * rest of the file as the user wrote it. The file stays the single source of truth, so the
 * change shows in review like any other.
 */
export function setMaterializeField(file: string, field: 'requestRollout' | 'environmentId', value: string): string {
  const text = readFileSync(file, 'utf8');
  // Matches are searched in the text with comments blanked out (same offsets), so a commented-out line is never the one changed.
  const code = blankComments(text);
  const existing = new RegExp(`(\\b${field}\\s*:\\s*)(['"\`])[^'"\`]*\\2`).exec(code);
  let next: string;
  if (existing) {
    next = `${text.slice(0, existing.index)}${existing[1]}'${value}'${text.slice(existing.index + existing[0].length)}`;
  } else {
    const block = /(\n([ \t]*)materialize\s*:\s*\{[ \t]*\n)([ \t]*)/.exec(code);
    if (!block)
      throw new CliError(
        `${file}: no "materialize: {" block to put ${field} in`,
        `add ${field}: '${value}' to the materialize section by hand`,
      );
    const indent = block[3] || `${block[2]}  `;
    next = `${text.slice(0, block.index)}${block[1]}${indent}${field}: '${value}',\n${indent}${text.slice(block.index + block[0].length)}`;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, next);
  renameSync(tmp, file);
  return next;
}

/** The text with every line and block comment replaced by spaces (newlines kept), outside string literals. */
export function blankComments(text: string): string {
  return text.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m) =>
    m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : m,
  );
}

export function newUuid(): string {
  return randomUUID();
}

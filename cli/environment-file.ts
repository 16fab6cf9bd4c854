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
  const existing = new RegExp(`(\\b${field}\\s*:\\s*)(['"\`])[^'"\`]*\\2`);
  let next: string;
  if (existing.test(text)) {
    next = text.replace(existing, `$1'${value}'`);
  } else {
    const block = /(\n([ \t]*)materialize\s*:\s*\{[ \t]*\n)([ \t]*)/.exec(text);
    if (!block) throw new CliError(`${file}: no "materialize: {" block to put ${field} in`, `add ${field}: '${value}' to the materialize section by hand`);
    const indent = block[3] || `${block[2]}  `;
    next = text.replace(block[0], `${block[1]}${indent}${field}: '${value}',\n${indent}`);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, next);
  renameSync(tmp, file);
  return next;
}

export function newUuid(): string {
  return randomUUID();
}

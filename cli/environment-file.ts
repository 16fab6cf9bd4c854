import { randomUUID } from 'node:crypto';

/** A new requestRollout or environmentId. mzops never edits environments/<name>.ts: its own values go to <name>.mzops.json. */
export function newUuid(): string {
  return randomUUID();
}

/**
 * cert-manager's release calendar (cert-manager/website content/docs/releases/README.md, as of
 * 2026-12): each minor is supported until the release of the minor two after it. Dates are the
 * release days the page names; a line whose successor-but-one is not out has no end date yet.
 * Update this table as cert-manager releases; a test reads it against fixed clocks.
 */
export const CERT_MANAGER_CALENDAR: Readonly<Record<string, { released: string; endOfLife?: string }>> = {
  '1.17': { released: '2025-02-03', endOfLife: '2025-10-07' },
  '1.18': { released: '2025-06-10', endOfLife: '2026-03-10' },
  '1.19': { released: '2025-10-07', endOfLife: '2026-07-08' },
  '1.20': { released: '2026-03-10' },
  '1.21': { released: '2026-07-08' },
};

/** The chart version in the reference data (charts/cert-manager-v1.21.1, released 2026-07-29): what new environments run. */
export const DEFAULT_CERT_MANAGER_VERSION = 'v1.21.1';

export type CertManagerStatus =
  | { kind: 'supported' }
  /** Supported until the next-but-one line is released, and a newer line is already out. */
  | { kind: 'superseded'; newest: string; endsWith: string }
  | { kind: 'endOfLife'; endOfLife: string; supported: string[] }
  | { kind: 'unknown'; known: string[] };

export function certManagerStatus(version: string, now: Date): CertManagerStatus {
  const line = /^v?(\d+\.\d+)\.\d+$/.exec(version)?.[1];
  const lines = Object.keys(CERT_MANAGER_CALENDAR).filter((l) => new Date(`${CERT_MANAGER_CALENDAR[l].released}T00:00:00Z`) <= now);
  const supported = lines.filter((l) => {
    const eol = CERT_MANAGER_CALENDAR[l].endOfLife;
    return !eol || now < new Date(`${eol}T00:00:00Z`);
  });
  const entry = line ? CERT_MANAGER_CALENDAR[line] : undefined;
  if (!line || !entry || !lines.includes(line)) return { kind: 'unknown', known: Object.keys(CERT_MANAGER_CALENDAR) };
  if (!supported.includes(line)) return { kind: 'endOfLife', endOfLife: entry.endOfLife!, supported };
  const newest = supported[supported.length - 1];
  const [major, minor] = line.split('.').map(Number);
  return newest === line ? { kind: 'supported' } : { kind: 'superseded', newest, endsWith: `${major}.${minor + 2}` };
}

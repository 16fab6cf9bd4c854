/**
 * AKS's Kubernetes support calendar (MicrosoftDocs/azure-aks-docs,
 * articles/aks/supported-kubernetes-versions.md, as of 2026-12): the month each minor
 * reached general availability on AKS and the month it reaches end of life. Past end of life no
 * new cluster can be created on a minor unless the cluster is on long-term support (Premium tier
 * and the AKSLongTermSupport plan). Dates are the first day of the month the calendar names.
 * Update this table as AKS publishes new minors; a test reads it against a fixed clock.
 */
export const AKS_CALENDAR: Readonly<Record<string, { ga: string; endOfLife: string }>> = {
  '1.32': { ga: '2025-02-01', endOfLife: '2026-03-01' },
  '1.33': { ga: '2025-06-01', endOfLife: '2026-07-01' },
  '1.34': { ga: '2025-10-01', endOfLife: '2026-11-01' },
  '1.35': { ga: '2026-02-01', endOfLife: '2027-03-01' },
  '1.36': { ga: '2026-06-01', endOfLife: '2027-06-01' },
  '1.37': { ga: '2026-10-01', endOfLife: '2027-10-01' },
};

/** Warn this many days before a minor's end of life. */
export const AKS_EOL_WARNING_DAYS = 60;

/** The newest minor that has been GA on AKS for a while: the default for new environments. */
export const DEFAULT_AKS_MINOR = '1.36';

export type AksVersionStatus =
  | { kind: 'supported'; endOfLife: Date }
  | { kind: 'ending'; endOfLife: Date; days: number }
  | { kind: 'endOfLife'; endOfLife: Date }
  | { kind: 'notYetAvailable'; ga: Date }
  | { kind: 'unknown' };

/** Where a `major.minor[.patch]` version stands on the calendar at `now`. */
export function aksVersionStatus(version: string, now: Date): AksVersionStatus {
  const minor = /^(\d+\.\d+)(\.\d+)?$/.exec(version)?.[1];
  const entry = minor ? AKS_CALENDAR[minor] : undefined;
  if (!entry) return { kind: 'unknown' };
  const ga = new Date(`${entry.ga}T00:00:00Z`);
  const endOfLife = new Date(`${entry.endOfLife}T00:00:00Z`);
  if (now < ga) return { kind: 'notYetAvailable', ga };
  if (now >= endOfLife) return { kind: 'endOfLife', endOfLife };
  const days = Math.ceil((endOfLife.getTime() - now.getTime()) / 86_400_000);
  return days <= AKS_EOL_WARNING_DAYS ? { kind: 'ending', endOfLife, days } : { kind: 'supported', endOfLife };
}

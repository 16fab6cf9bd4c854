/**
 * AKS's Kubernetes support calendar (MicrosoftDocs/azure-aks-docs,
 * articles/aks/supported-kubernetes-versions.md, "AKS Kubernetes release calendar", the revision
 * of ms.date 08/05/2026): the month each minor reached general availability on AKS and the month
 * of its end of life. The calendar names months only; a minor is taken as available from the first
 * day of its GA month and, as that page says, supported through the last day of its end-of-life
 * month ("Mar 2026" indicates March 31, 2026). Past end of life no new cluster can be created on a
 * minor unless the cluster is on long-term support (Premium tier and the AKSLongTermSupport plan).
 * Update this table as AKS publishes new minors; a test reads it against a fixed clock.
 */
export const AKS_CALENDAR: Readonly<Record<string, { ga: string; endOfLife: string }>> = {
  '1.32': { ga: '2025-04', endOfLife: '2026-03' },
  '1.33': { ga: '2025-06', endOfLife: '2026-07' },
  '1.34': { ga: '2025-11', endOfLife: '2026-11' },
  '1.35': { ga: '2026-03', endOfLife: '2027-03' },
  '1.36': { ga: '2026-06', endOfLife: '2027-06' },
  '1.37': { ga: '2026-10', endOfLife: '2027-10' },
};

/** A calendar entry as instants: available from `ga`, supported through `lastDay`, out of support from `over`. */
export function aksCalendarDates(entry: { ga: string; endOfLife: string }): { ga: Date; lastDay: Date; over: Date } {
  const [gy, gm] = entry.ga.split('-').map(Number);
  const [ey, em] = entry.endOfLife.split('-').map(Number);
  return {
    ga: new Date(Date.UTC(gy, gm - 1, 1)),
    // Day 0 of the next month is the last day of this one.
    lastDay: new Date(Date.UTC(ey, em, 0)),
    over: new Date(Date.UTC(ey, em, 1)),
  };
}

/** Warn this many days before a minor's end of life. */
export const AKS_EOL_WARNING_DAYS = 60;

/** The newest minor that has been GA on AKS for a while: the default for new environments. */
export const DEFAULT_AKS_MINOR = '1.36';

/** `endOfLife` is the last supported day. */
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
  const { ga, lastDay: endOfLife, over } = aksCalendarDates(entry);
  if (now < ga) return { kind: 'notYetAvailable', ga };
  if (now >= over) return { kind: 'endOfLife', endOfLife };
  const days = Math.ceil((over.getTime() - now.getTime()) / 86_400_000);
  return days <= AKS_EOL_WARNING_DAYS ? { kind: 'ending', endOfLife, days } : { kind: 'supported', endOfLife };
}

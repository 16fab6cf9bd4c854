import { aksCalendarDates, aksVersionStatus, AKS_CALENDAR, DEFAULT_AKS_MINOR } from '../../model/aks-versions';
import { loadEnvironment } from '../../model/load';
import { EnvironmentValidationError, environmentWarnings } from '../../model/validate';
import { exampleWith } from '../helpers';
import { stackJson } from '../infra/stack-fixture';

/** AKS's support calendar, against fixed clocks: nothing here depends on the day the suite runs. */
const at = (iso: string) => ({ now: new Date(`${iso}T12:00:00Z`) });

function problems(version: string, iso: string, lts = false): string[] {
  try {
    loadEnvironment(
      exampleWith((d) => (d.aks = { ...d.aks, kubernetesVersion: version, longTermSupport: lts })),
      at(iso),
    );
    return [];
  } catch (e) {
    if (e instanceof EnvironmentValidationError) return e.problems.filter((p) => p.field === 'aks.kubernetesVersion').map((p) => p.rule);
    throw e;
  }
}

describe('the AKS support calendar', () => {
  it('refuses 1.33, the old default, once its end-of-life month (July 2026) is over, and not during it', () => {
    expect(problems('1.33', '2026-07-31')).toEqual([]);
    expect(problems('1.33', '2026-08-01')).toHaveLength(1);
    expect(problems('1.33', '2026-12-01')).toEqual([
      'reached AKS end of life after 2026-07-31: no cluster can be created on it (supported now: 1.35, 1.36, 1.37), unless aks.longTermSupport is on',
    ]);
  });

  it('reads the month of general availability as AKS publishes it (1.32 in April 2025, 1.34 in November 2025, 1.35 in March 2026)', () => {
    expect(problems('1.32', '2025-03-31')).toEqual(['is not available on AKS before 2025-04-01']);
    expect(problems('1.32', '2025-04-01')).toEqual([]);
    expect(problems('1.34', '2025-10-31')).toEqual(['is not available on AKS before 2025-11-01']);
    expect(problems('1.34', '2025-11-01')).toEqual([]);
    expect(problems('1.35', '2026-02-28')).toEqual(['is not available on AKS before 2026-03-01']);
    expect(problems('1.35', '2026-03-01')).toEqual([]);
    // A leap year's February ends on the 29th.
    expect(aksCalendarDates({ ga: '2024-02', endOfLife: '2028-02' }).lastDay.toISOString().slice(0, 10)).toBe('2028-02-29');
  });

  it('accepts a minor past end of life on long-term support', () => {
    expect(problems('1.33', '2026-12-01', true)).toEqual([]);
  });

  it('refuses a minor AKS does not offer yet, and one missing from the calendar', () => {
    expect(problems('1.37', '2026-09-15')).toEqual(['is not available on AKS before 2026-10-01']);
    expect(problems('1.41', '2026-12-01')[0]).toMatch(/is not in AKS's support calendar \(model\/aks-versions.ts; known: 1.32, /);
  });

  it('warns within 60 days of end of life, and not before', () => {
    const e = (iso: string) =>
      loadEnvironment(
        exampleWith((d) => (d.aks = { ...d.aks, kubernetesVersion: '1.35' })),
        at(iso),
      );
    expect(environmentWarnings(e('2026-12-01'), at('2026-12-01'))).toEqual([]);
    expect(environmentWarnings(e('2027-01-15'), at('2027-01-15'))).toEqual([]);
    expect(environmentWarnings(e('2027-02-15'), at('2027-02-15'))).toEqual([
      'warning: environment "example": aks.kubernetesVersion 1.35 reaches AKS end of life after 2027-03-31, in 45 days; upgrade to a newer minor (1.36 or later) before then',
    ]);
  });

  it('defaults to a minor supported for months to come', () => {
    const status = aksVersionStatus(DEFAULT_AKS_MINOR, new Date('2026-12-01T00:00:00Z'));
    expect(status.kind).toBe('supported');
    expect(Object.keys(AKS_CALENDAR)).toContain(DEFAULT_AKS_MINOR);
  });

  it('puts long-term support on the cluster as Premium tier and the AKSLongTermSupport plan', () => {
    const e = loadEnvironment(
      exampleWith((d) => (d.aks = { ...d.aks, kubernetesVersion: '1.33', longTermSupport: true })),
      at('2026-12-01'),
    );
    const json = stackJson(e) as unknown as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(Object.values(json.resource.azurerm_kubernetes_cluster)[0]).toMatchObject({
      kubernetes_version: '1.33',
      sku_tier: 'Premium',
      support_plan: 'AKSLongTermSupport',
    });
  });
});

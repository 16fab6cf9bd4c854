import { formatMarkdown, MARKDOWN_LIMIT } from '../../../cli/diff/format';
import type { Change, DiffReport, Severity } from '../../../cli/diff/model';

/**
 * The pull-request comment under GitHub's 65,536-character limit, whatever the change: twenty new
 * environments made 113 KB, and GitHub refused the comment exactly when the change was large.
 */
function change(environment: string, i: number, severity: Severity): Change {
  const address = `azurerm_thing.Resource_${String(i).padStart(4, '0')}`;
  return {
    id: `${environment}:terraform:${address}:update`,
    environment,
    layer: 'terraform',
    action: 'update',
    address,
    type: 'azurerm_thing',
    attributes: Array.from({ length: 8 }, (_, a) => ({ path: `attribute_${a}`, before: 'x'.repeat(40), after: 'y'.repeat(40) })),
    findings: [{ severity, reason: `the reason this is ${severity}, spelt out for a reviewer` }],
    severity,
    acknowledged: false,
  } as Change;
}

function report(environments: number, perEnvironment: number, dangerousEvery = 0): DiffReport {
  const names = Array.from({ length: environments }, (_, e) => `env${String(e).padStart(2, '0')}`);
  const envs = names.map((environment) => ({
    environment,
    presence: 'added' as const,
    changes: Array.from({ length: perEnvironment }, (_, i) =>
      change(environment, i, dangerousEvery && i % dangerousEvery === 0 ? 'exposure' : i % 3 === 0 ? 'downtime' : 'safe'),
    ),
  }));
  return {
    base: { label: 'main', commit: 'a'.repeat(40) },
    head: { label: 'the working tree' },
    environments: envs,
    unusedAcknowledgements: [],
    dangerous: envs.some((e) => e.changes.some((c) => c.severity === 'exposure')),
  };
}

describe('the pull-request comment', () => {
  it('is whole when it fits', () => {
    const r = report(2, 5);
    const md = formatMarkdown(r);
    expect(md).not.toMatch(/Shortened/);
    expect(md).toContain('attribute_7');
  });

  it('stays under the limit for twenty new environments, says what it left out, and keeps every id to acknowledge', () => {
    const r = report(20, 60, 7);
    const full = formatMarkdown(r, Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(65_536);
    const md = formatMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toMatch(
      /^> Shortened to stay under GitHub's 65,536-character limit: left out are .+\. The full report is this run's artifact `mzops-diff`/m,
    );
    for (const e of r.environments) for (const c of e.changes.filter((x) => x.severity === 'exposure')) expect(md).toContain(c.id);
    // The summary table names every environment.
    for (const e of r.environments) expect(md).toContain(`| ${e.environment} (added) |`);
  });

  it('cuts and names the last environments only when even the dangerous changes do not fit, and leaves no <details> open', () => {
    const r = report(20, 200, 2);
    const md = formatMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toMatch(/… cut, read them in the full report: the details of env\d\d(, env\d\d)*\.\n$/);
    expect(md.match(/<details/g)!.length).toBe(md.match(/<\/details>/g)!.length);
  });

  it('holds exactly at the limit it is given', () => {
    const r = report(3, 40, 5);
    for (const limit of [4_000, 8_000, 20_000]) expect(formatMarkdown(r, limit).length).toBeLessThanOrEqual(limit);
  });
});

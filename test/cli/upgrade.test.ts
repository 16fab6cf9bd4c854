import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Context } from '../../cli/operations';
import { runPlan } from '../../cli/plan';
import { RENDERERS } from '../../cli/pipeline';
import { describeUpgrade, upgradePlan, upgradeProblem } from '../../cli/upgrade';
import { selectEnvironments } from '../../core/environments';
import { readMzopsState } from '../../core/mzops-state';
import { synthesize } from '../../core/synthesize';
import { workspace } from '../../core/workspace';
import { loadEnvironment } from '../../model/load';
import { exampleWith } from '../helpers';
import { snapshotTree, tempRepo } from '../support/repo';

/**
 * `mzops upgrade` from v26.12.0 to v26.37.0 of a fixture environment, offline: the dry run says what
 * changes and writes nothing; the run writes the versions mzops owns, synthesizes, and the result
 * is what the operator needs (the chart, the image and a new requestRollout together).
 */
describe('mzops upgrade', () => {
  let root: string;
  const logs: string[] = [];
  const context = (): Context => ({
    env: selectEnvironments(join(root, 'environments'), ['staging']).selected[0],
    root,
    variables: {},
    log: (line) => void logs.push(line),
  });
  const instance = () =>
    parse(readFileSync(join(root, 'dist', 'staging', 'instance', 'materialize-materialize-environment.materialize.yaml'), 'utf8')) as {
      spec: { environmentdImageRef: string; requestRollout: string };
    };
  const operatorRelease = () =>
    parse(
      readFileSync(join(root, 'dist', 'staging', 'infrastructure', 'helmrelease-materialize-gitops.materialize-operator.yaml'), 'utf8'),
    ) as {
      spec: { chart: { spec: { version: string } }; values: { operator: { image: { tag: string } } } };
    };

  beforeEach(() => {
    root = tempRepo(['staging'], { staging: { operatorChartVersion: 'v26.12.0' } });
    synthesize({ workspace: workspace(root), renderers: RENDERERS });
    // The last step shows what to commit: git status, in a repository.
    execFileSync('git', ['init', '-q'], { cwd: root });
    logs.length = 0;
  });

  it('dry run: says what changes, as mzops diff would, and writes nothing', async () => {
    const before = snapshotTree(root);
    const text = describeUpgrade(context(), 'v26.37.0').join('\n');
    expect(text).toMatch(
      /downtime +update kubernetes HelmRelease materialize-gitops\/materialize-operator\n +the Materialize operator upgrades "v26\.12\.0" -> "v26\.37\.0"/,
    );
    expect(text).toMatch(/environmentd upgrades v26\.12\.0 -> v26\.37\.0/);
    expect(text).toMatch(/environmentd rolls out to a new generation/);
    await runPlan(upgradePlan(context(), { to: 'v26.37.0', push: false }), { dryRun: true, log: (l) => void logs.push(l) });
    expect(logs.join('\n')).toMatch(
      /set materialize.operatorChartVersion and environmentdVersion to v26.37.0 in environments\/staging.mzops.json/,
    );
    expect(snapshotTree(root)).toEqual(before);
  });

  it('writes both versions into the mzops state file and synthesizes the operator, the image and a rollout together', async () => {
    const rollout = instance().spec.requestRollout;
    await runPlan(upgradePlan(context(), { to: 'v26.37.0', push: false }), { log: (l) => void logs.push(l), cwd: root });
    expect(readMzopsState('staging', join(root, 'environments'))?.materialize).toMatchObject({
      operatorChartVersion: 'v26.37.0',
      environmentdVersion: 'v26.37.0',
    });
    expect(operatorRelease().spec.chart.spec.version).toBe('v26.37.0');
    expect(operatorRelease().spec.values.operator.image.tag).toBe('v26.37.0');
    expect(instance().spec.environmentdImageRef).toBe('materialize/environmentd:v26.37.0');
    expect(instance().spec.requestRollout).not.toBe(rollout);
    // Run again: already there.
    expect(() => upgradePlan(context(), { to: 'v26.37.0', push: false })).toThrow(/already runs v26.37.0/);
  });

  it('refuses what upstream refuses, and what nobody here rendered unless acknowledged', () => {
    const at = (version: string, extra: Record<string, unknown> = {}) =>
      loadEnvironment(
        exampleWith((d) => {
          d.materialize.operatorChartVersion = version;
          Object.assign(d.materialize, extra);
        }),
      );
    expect(upgradeProblem(at('v26.37.0'), 'v26.12.0')?.problem).toMatch(
      /older than what environment "example" runs .* the operator refuses a rollback/,
    );
    expect(upgradeProblem(at('v26.37.0'), 'v28.0.0')?.problem).toMatch(/skips a major version/);
    expect(upgradeProblem(at('v26.37.0'), 'v26.39.0')).toEqual({
      problem: 'v26.39.0 is not a version this project renders and checks (v26.12.0, v26.37.0)',
      fix: 'pick one of them, or add allowUnverifiedVersion: true under materialize in environments/example.ts and run upgrade again',
    });
    expect(upgradeProblem(at('v26.37.0', { allowUnverifiedVersion: true }), 'v26.39.0')).toBeUndefined();
    expect(upgradeProblem(at('v26.12.0'), 'v26.37')?.problem).toMatch(/not an exact version/);
    expect(upgradeProblem(at('v26.12.0'), 'v26.37.0')).toBeUndefined();
  });
});

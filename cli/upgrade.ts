import { join, relative } from 'node:path';
import { readEnvironmentDefinitions } from '../core/environments';
import { mzopsStatePath } from '../core/mzops-state';
import { workspace } from '../core/workspace';
import { renderGitops } from '../manifests/gitops';
import { DIST, WORKSPACE } from '../model/contract';
import { EXACT_V_SEMVER, type Environment } from '../model/environment';
import { loadEnvironment } from '../model/load';
import { compareVersions, isVerifiedOperatorVersion, VERIFIED_OPERATOR_VERSIONS } from '../model/operator-versions';
import { compareRenderings } from './diff/diff';
import { formatText } from './diff/format';
import { readTree, type Rendering } from './diff/revision';
import { CliError } from './errors';
import { gitStep, writeStateAndSynthesize, type Context } from './operations';
import type { Step } from './plan';

/**
 * Whether upstream allows going from `from` to `to` (orchestratord's is_valid_upgrade_version, crd/materialize.rs
 * at the v26.37 line): never backwards, and from 26 on at most one major version at a time. It also
 * refuses what this project has not rendered, unless the environment acknowledges that.
 */
export function upgradeProblem(env: Environment, to: string): { problem: string; fix: string } | undefined {
  const { environmentdVersion: from, operatorChartVersion: operator, allowUnverifiedVersion } = env.materialize;
  if (!EXACT_V_SEMVER.test(to))
    return { problem: `--to ${to} is not an exact version vX.Y.Z`, fix: `for example --to ${VERIFIED_OPERATOR_VERSIONS.at(-1)}` };
  if (to === from && to === operator) return { problem: `environment "${env.name}" already runs ${to}`, fix: 'nothing to do' };
  if (compareVersions(to, from) < 0 || compareVersions(to, operator) < 0)
    return {
      problem: `${to} is older than what environment "${env.name}" runs (operator ${operator}, environmentd ${from}): the operator refuses a rollback (FailedDeploy)`,
      fix: 'Materialize upgrades forwards only: restore from a backup to go back',
    };
  const [major, nextMajor] = [from, to].map((v) => Number(v.slice(1).split('.')[0]));
  if (major >= 26 && nextMajor > major + 1)
    return {
      problem: `${from} -> ${to} skips a major version: the operator refuses more than one major version past the last rollout`,
      fix: `upgrade to the newest v${major + 1}.x first`,
    };
  if (!isVerifiedOperatorVersion(to) && !allowUnverifiedVersion)
    return {
      problem: `${to} is not a version this project renders and checks (${VERIFIED_OPERATOR_VERSIONS.join(', ')})`,
      fix: `pick one of them, or add allowUnverifiedVersion: true under materialize in ${WORKSPACE.environments}/${WORKSPACE.environmentFile(env.name)} and run upgrade again`,
    };
  return undefined;
}

/** The environment's GitOps folder with both versions set to `to`, rendered in memory against the committed one. */
function previewUpgrade(ctx: Context, to: string): { before: Rendering; after: Rendering } {
  const dir = workspace(ctx.root).environmentsDir;
  const definition = readEnvironmentDefinitions(dir).find((r) => r.definition.name === ctx.env.name)!.definition;
  const upgraded = loadEnvironment({
    ...definition,
    materialize: { ...definition.materialize, operatorChartVersion: to, environmentdVersion: to },
  });
  const committed = join(ctx.root, DIST.root, ctx.env.name);
  const files = renderGitops(upgraded, { environmentsDir: dir, previousDir: committed, environmentIdChangeAccepted: false }).files;
  const side = (label: string, gitops: ReadonlyMap<string, string>): Rendering => ({
    label,
    environments: [ctx.env.name],
    stacks: new Map(),
    gitops: new Map([[ctx.env.name, gitops]]),
  });
  return { before: side(`${DIST.root}/${ctx.env.name}`, readTree(committed)), after: side(`the upgrade to ${to}`, files) };
}

/** What the upgrade changes in the cluster, as `mzops diff` says it. */
export function describeUpgrade(ctx: Context, to: string): string[] {
  const { before, after } = previewUpgrade(ctx, to);
  const environments = compareRenderings(before, after, [], new Set());
  return formatText({
    base: { label: before.label },
    head: { label: after.label },
    environments,
    unusedAcknowledgements: [],
    dangerous: false,
  })
    .split('\n')
    .filter((l) => !/^(nothing dangerous|no change to any environment)/.test(l));
}

/**
 * `mzops upgrade`: the operator and environmentd to one version, in the order upstream documents
 * (the operator first, then the instance with the new image and a rollout), which Flux keeps: the
 * infrastructure layer (the operator's HelmRelease, waited on until Ready) is applied before the
 * instance layer that carries the new environmentdImageRef and its derived requestRollout.
 */
export function upgradePlan(ctx: Context, options: { to: string; push: boolean }): Step[] {
  const problem = upgradeProblem(ctx.env, options.to);
  if (problem) throw new CliError(problem.problem, problem.fix);
  const dir = workspace(ctx.root).environmentsDir;
  const file = mzopsStatePath(ctx.env.name, dir);
  const { operatorChartVersion: op, environmentdVersion: ed } = ctx.env.materialize;
  return [
    {
      title: `show what the upgrade changes (operator ${op} -> ${options.to}, environmentd ${ed} -> ${options.to})`,
      run: () => {
        for (const line of describeUpgrade(ctx, options.to)) ctx.log(`   ${line}`);
      },
    },
    {
      title: `set materialize.operatorChartVersion and environmentdVersion to ${options.to} in ${relative(ctx.root, file)} and synthesize ${ctx.env.name}`,
      run: () => writeStateAndSynthesize(ctx, { operatorChartVersion: options.to, environmentdVersion: options.to }),
    },
    ...gitStep(ctx, options.push, `upgrade ${ctx.env.name} to ${options.to}`, [relative(ctx.root, file)]),
  ];
}

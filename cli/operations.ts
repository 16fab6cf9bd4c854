import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { selectEnvironments } from '../core/environments';
import { VARIABLES } from '../model/variables';
import { stackDir, workspace } from '../core/workspace';
import {
  accessServiceNames,
  BACKEND_SECRET,
  CONDITIONS,
  DIST,
  FLUX,
  MATERIALIZE_SQL,
  NAMESPACES,
  OBSERVABILITY,
  POD_LABELS,
  PORTS,
  TF_OUTPUTS,
} from '../model/contract';
import type { Environment } from '../model/environment';
import { sealedValuesPath } from '../model/sealed-values';
import { checkBackendValue } from './backend-values';
import { containerClient } from './doctor/blob-checks';
import { mzopsStatePath, restoreMzopsState, writeMzopsState } from '../core/mzops-state';
import { CliError } from './errors';
import type { Log, Step } from './plan';
import { passwordFile, SEAL_VARIABLES, sealEnvironment } from './seal/seal-environment';
import { getObject, KUBE_RESOURCES, listObjects, loadBalancerIp, type KubeClient } from './kube';
import { describeResult, synthesizeAll } from './pipeline';
import { committedMaterializeSpec } from '../manifests/gitops';
import { runSync } from './runner';
import { dependentsOf, providerConfigurationSources, readStack, readStackIfAny } from './stack-json';
import { flattenTerraformOutputs, outputsFile, readStackOutputs } from './terraform-outputs';
import { writePrivateFile } from './workspace';
import { azureTokenProvider } from './observability/azure-token';
import { dashboardsFor, dashboardsVersionNote } from './observability/dashboards';
import { provisionDashboards } from './observability/grafana-api';

export interface Context {
  readonly env: Environment;
  /** Repository root. */
  readonly root: string;
  readonly variables: Record<string, string | undefined>;
  readonly log: Log;
  /** Runs a command and returns stdout; replaceable in tests. */
  readonly exec?: (command: string, args: string[]) => { status: number | null; stdout: string; stderr: string };
  /** The environment's own cluster, when a kubeconfig with its context is known (deploy's waits and endpoints, recreate --empty-persist). */
  readonly kube?: KubeClient & { connectionArgs?: () => string[] };
}

function exec(ctx: Context, command: string, args: string[]) {
  return ctx.exec ? ctx.exec(command, args) : runSync(command, args, { cwd: ctx.root, timeoutMs: 60_000 });
}

/** Files a deploy rewrites: the environment's GitOps folder and its sealed values. */
export function trackedPaths(ctx: Context): string[] {
  return [`${DIST.root}/${ctx.env.name}`, relative(ctx.root, sealedValuesPath(ctx.env.name, workspace(ctx.root).environmentsDir))];
}

/**
 * What applying the stack needs (`npm run deploy`, and the first half of `deploy`): a
 * subscription, credentials and Terraform, checked before the synth, so a missing one is found
 * in a second, not after. Each problem is one line with its fix.
 */
export function stackPrerequisites(ctx: Context): { problem: string; fix: string }[] {
  const problems: { problem: string; fix: string }[] = [];
  const v = ctx.variables;
  const sub = VARIABLES.armSubscriptionId.name;
  if (!v[sub]) {
    problems.push({
      problem: `${sub} is not set (the azurerm 4 provider requires it)`,
      fix: `export ${sub}=$(az account show --query id -o tsv)`,
    });
  }
  if (!v[VARIABLES.armClientId.name]) {
    const az = exec(ctx, 'az', ['account', 'show', '-o', 'none']);
    if (az.status !== 0)
      problems.push({
        problem: 'no Azure credentials: neither ARM_CLIENT_ID (service principal / OIDC) nor an az login',
        fix: 'az login, or set ARM_CLIENT_ID with ARM_CLIENT_SECRET or ARM_USE_OIDC=true',
      });
  }
  if (exec(ctx, 'terraform', ['version']).status !== 0)
    problems.push({ problem: 'terraform is not on PATH', fix: 'install Terraform 1.x (cdktf runs it)' });
  return problems;
}

/** Unmet prerequisites as one failure: a line per problem, then a line per fix. */
export function prerequisiteError(problems: readonly { problem: string; fix: string }[]): CliError {
  return new CliError(problems.map((p) => p.problem).join('\n'), problems.map((p) => p.fix).join('\n      '));
}

/** Everything `deploy` needs, checked before anything runs: the stack's prerequisites, the license key to seal, a clean GitOps folder. */
export function deployPrerequisites(ctx: Context): { problem: string; fix: string }[] {
  const problems = stackPrerequisites(ctx);
  const license = checkBackendValue(BACKEND_SECRET.keys.licenseKey, ctx.variables[SEAL_VARIABLES.licenseKey], ctx.env.name);
  if (license) problems.push({ problem: `${SEAL_VARIABLES.licenseKey}: ${license.message}`, fix: license.fix });
  const git = exec(ctx, 'git', ['status', '--porcelain', '--', ...trackedPaths(ctx)]);
  if (git.status !== 0) problems.push({ problem: `git status failed: ${git.stderr.trim()}`, fix: 'run it from a clone of the repository' });
  else if (git.stdout.trim()) {
    problems.push({
      problem: `uncommitted changes in ${git.stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => l.slice(3))
        .join(', ')}`,
      fix: 'commit or stash them first: deploy rewrites these files',
    });
  }
  return problems;
}

/** Runs the synthesis pipeline for this one environment, in this process; other environments' folders stay as they are. */
export function synthesizeEnvironment(
  ctx: Context,
  changes: { environmentIdChanges?: Record<string, string>; requestRollouts?: Record<string, string> } = {},
): void {
  const result = synthesizeAll({ workspace: workspace(ctx.root), environments: [ctx.env.name], ...changes });
  for (const line of describeResult(result)) ctx.log(`   ${line}`);
}

function synthStep(ctx: Context): Step {
  return {
    title: `synthesize ${ctx.env.name} (cdktf.out/stacks/${ctx.env.name}/ and ${DIST.root}/${ctx.env.name}/)`,
    run: () => synthesizeEnvironment(ctx),
  };
}

function sealStep(ctx: Context): Step {
  return {
    title: `seal the backend secret into environments/${ctx.env.name}.sealed.json`,
    run: () => {
      const result = sealEnvironment({
        env: ctx.env,
        outputs: readStackOutputs(ctx.env.name, { root: ctx.root }),
        variables: ctx.variables,
        root: ctx.root,
        environmentsDir: workspace(ctx.root).environmentsDir,
      });
      ctx.log(
        `   sealed: ${result.sealed.join(', ') || 'nothing changed'}${result.unchanged.length ? `; unchanged: ${result.unchanged.join(', ')}` : ''}`,
      );
      if (result.generatedPasswordFile)
        ctx.log(`   generated the mz_system password: ${relative(ctx.root, result.generatedPasswordFile)} (keep it; never commit it)`);
    },
  };
}

/** Runs git; any status not in `ok` is a failure, named with git's first line of complaint. */
function git(ctx: Context, args: string[], ok: readonly number[] = [0]): number {
  const r = exec(ctx, 'git', args);
  if (r.status === null || !ok.includes(r.status))
    throw new CliError(`git ${args[0]} failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`, 'fix what git reports (git status)');
  return r.status;
}

/** Stage, commit and push what a plan changed (with push), or show what to commit. */
export function gitStep(ctx: Context, push: boolean, message: string, extraPaths: string[] = []): Step[] {
  const paths = [...trackedPaths(ctx), ...extraPaths];
  if (!push) {
    return [{ title: 'show what to commit', command: ['git', 'status', '--short', '--', ...paths] }];
  }
  // A path that does not exist (an environment not sealed yet has no sealed file) makes git add and
  // git commit refuse the whole pathspec; the files are looked up when the step runs, since an
  // earlier step (seal) may create them.
  const present = () => paths.filter((p) => existsSync(join(ctx.root, p)));
  return [
    {
      title: 'stage the GitOps changes',
      command: ['git', 'add', '--', ...paths],
      run: () => void git(ctx, ['add', '--', ...present()]),
    },
    {
      title: 'commit',
      command: ['git', 'commit', '-m', message, '--', ...paths],
      // A run repeated after a failed push finds nothing new to commit: that is not a failure.
      run: () => {
        // git diff --quiet: 0 is no change, 1 is changes; anything else is git failing, not "changes".
        if (git(ctx, ['diff', '--cached', '--quiet', '--', ...paths], [0, 1]) === 0) return ctx.log('   nothing new to commit');
        git(ctx, ['commit', '-m', message, '--', ...present()]);
      },
    },
    { title: 'push, for Flux to pick up', command: ['git', 'push'] },
  ];
}

function endpointsStep(ctx: Context): Step {
  const ns = NAMESPACES.instance;
  const name = ctx.env.materialize.instanceName;
  return {
    title: 'print the endpoints',
    run: async () => {
      if (!ctx.kube)
        throw new CliError(
          "no kubeconfig with the environment's context to read the endpoints from",
          `az aks get-credentials -g ${ctx.env.names.resourceGroup} -n ${ctx.env.names.aksCluster}`,
        );
      const services = await listObjects(ctx.kube, { resource: 'services', namespace: ns });
      const ip = (svcName: string) => loadBalancerIp(services.find((s) => s.metadata.name === svcName)) ?? '<pending>';
      const scheme = ctx.env.materialize.tls ? 'https' : 'http';
      const names = accessServiceNames(name);
      ctx.log(`   console:  ${scheme}://${ip(names.console)}:${PORTS.console}`);
      ctx.log(`   SQL:      ${ip(names.sql)}:${PORTS.sql}`);
      ctx.log(
        `   psql:     PGPASSWORD="$(cat ${relative(ctx.root, passwordFile(ctx.env.name, ctx.root))})" psql "host=${ip(names.sql)} port=${PORTS.sql} user=${MATERIALIZE_SQL.adminUser} dbname=${MATERIALIZE_SQL.database}"`,
      );
    },
  };
}

/** Azure credentials and Terraform variables for child processes: `.env` counts as much as the shell. */
export function terraformEnvironment(variables: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(variables).filter(([k, v]) => v !== undefined && v !== '' && /^(TF_VAR_|ARM_)/.test(k)));
}

/**
 * Synthesize, `terraform init` (idempotent; the stack folder may be new, or its providers never
 * installed), then apply alone what the providers are configured from (the cluster): the full plan
 * that follows finds the kubernetes provider's credentials known, even when the cluster is new or
 * rebuilt (see providerConfigurationSources).
 */
function providerSourceSteps(
  ctx: Context,
  { autoApprove = true, variables = [] }: { autoApprove?: boolean; variables?: string[] } = {},
): Step[] {
  const stack = relative(ctx.root, stackDir(workspace(ctx.root), ctx.env.name));
  const tfEnv = terraformEnvironment(ctx.variables);
  // Unattended, Terraform must neither prompt nor wait; attended, it shows the plan and asks.
  const apply = autoApprove ? ['-input=false', '-auto-approve'] : [];
  return [
    synthStep(ctx),
    { title: `terraform init in ${stack}`, command: ['terraform', `-chdir=${stack}`, 'init', '-input=false'], env: tfEnv },
    {
      title: 'apply first what the providers are configured from (the AKS cluster and what it needs)',
      get command() {
        // Under --dry-run the stack may not be synthesized yet.
        const json = readStackIfAny(ctx.root, ctx.env.name);
        let targets = ['<resource a provider is configured from>'];
        if (json) {
          targets = providerConfigurationSources(json);
          if (targets.length === 0)
            throw new CliError(
              `no provider of stack "${ctx.env.name}" is configured from one of its resources`,
              'report this: the stack always configures the kubernetes provider from its cluster',
            );
        }
        return ['terraform', `-chdir=${stack}`, 'apply', ...apply, ...variables, ...targets.map((t) => `-target=${t}`)];
      },
      env: tfEnv,
    } as Step,
  ];
}

/**
 * The Azure resources in the two passes, with `cdktf deploy` flags (`npm run deploy` passes the
 * user's; `mzops deploy` its own). Without `--auto-approve` among them Terraform shows each plan
 * and asks.
 */
export function stackDeployPlan(ctx: Context, cdktfFlags: string[], title = `cdktf deploy ${ctx.env.name}`): Step[] {
  return [
    ...providerSourceSteps(ctx, {
      autoApprove: cdktfFlags.includes('--auto-approve'),
      variables: terraformVariableFlags(ctx.root, cdktfFlags),
    }),
    {
      title,
      // The stack the first pass applied part of, not a second synthesis of it.
      command: ['npx', 'cdktf', 'deploy', ctx.env.name, '--skip-synth', ...cdktfFlags],
      env: terraformEnvironment(ctx.variables),
    },
  ];
}

/**
 * cdktf's `--var name=value` and `--var-file file` as Terraform's own flags, for the first pass to
 * see the variables the second gets. A file is made absolute: `-chdir` moves Terraform into the
 * stack folder, and the user named it from where they stood (the repository root, under npm run).
 */
function terraformVariableFlags(root: string, cdktfFlags: string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < cdktfFlags.length; i++) {
    const m = /^--(var|var-file)(?:=(.*))?$/.exec(cdktfFlags[i]);
    if (!m) continue;
    const value = m[2] ?? cdktfFlags[++i];
    if (value === undefined) continue;
    flags.push(m[1] === 'var' ? `-var=${value}` : `-var-file=${resolve(root, value)}`);
  }
  return flags;
}

/**
 * Grafana's dashboards from the repository. A fresh Grafana role assignment can take minutes to
 * reach Grafana, so a refusal here is a warning with the command to run later, not a failed deploy.
 */
function dashboardsStep(ctx: Context): Step {
  return {
    title: `provision Grafana's dashboards from the repository (mzops dashboards ${ctx.env.name} does it alone)`,
    run: async () => {
      const note = dashboardsVersionNote(ctx.env);
      if (note) ctx.log(`   warning: ${note}`);
      try {
        const endpoint = readStackOutputs(ctx.env.name, { root: ctx.root })[TF_OUTPUTS.grafanaEndpoint];
        if (!endpoint) throw new CliError(`no ${TF_OUTPUTS.grafanaEndpoint} output`, `mzops deploy ${ctx.env.name}`);
        await provisionDashboards({
          endpoint,
          token: azureTokenProvider(OBSERVABILITY.tokenResources.grafana, (cmd, args) => ({
            timedOut: false,
            ...exec(ctx, cmd, [...args]),
          })),
          dashboards: dashboardsFor(ctx.env),
          log: (line) => ctx.log(`   ${line}`),
        });
      } catch (e) {
        ctx.log(`   warning: dashboards not provisioned: ${(e as Error).message}; run mzops dashboards ${ctx.env.name} once it is fixed`);
      }
    },
  };
}

/** The seed's ./deploy.sh as a plan: deploy, seal, synth, commit, wait, print endpoints. */
export function deployPlan(ctx: Context, options: { push: boolean; wait: boolean }): Step[] {
  const env = ctx.env;
  const outFile = relative(ctx.root, outputsFile(env.name, ctx.root));
  const steps: Step[] = [
    ...stackDeployPlan(
      ctx,
      ['--auto-approve', '--outputs-file', outFile, '--outputs-file-include-sensitive-outputs'],
      `cdktf deploy ${env.name} (Azure resources, sensitive outputs to ${outFile})`,
    ),
    {
      title: `restrict ${outFile} to its owner`,
      run: () => {
        if (existsSync(join(ctx.root, outFile))) chmodSync(join(ctx.root, outFile), 0o600);
      },
    },
    sealStep(ctx),
    synthStep(ctx),
    ...(env.observability.enabled ? [dashboardsStep(ctx)] : []),
    ...gitStep(ctx, options.push, `deploy ${env.name}`),
  ];
  if (options.push && options.wait) {
    // Pinned to the environment's own cluster, whatever context is current.
    const pin = ctx.kube?.connectionArgs?.() ?? ['--context', env.names.aksCluster];
    steps.push(
      {
        title: 'wait for Flux to apply the instance layer',
        command: [
          'kubectl',
          ...pin,
          'wait',
          `--for=condition=${CONDITIONS.ready}`,
          `kustomization/${FLUX.layers[FLUX.layers.length - 1]}`,
          '-n',
          NAMESPACES.flux,
          '--timeout=45m',
        ],
      },
      {
        title: `wait for Materialize ${env.materialize.instanceName} to be UpToDate`,
        command: [
          'kubectl',
          ...pin,
          'wait',
          `--for=condition=${CONDITIONS.upToDate}`,
          `materialize/${env.materialize.instanceName}`,
          '-n',
          NAMESPACES.instance,
          '--timeout=30m',
        ],
      },
      endpointsStep(ctx),
    );
  } else if (!options.push) {
    steps.push({ title: 'then: commit and push these files; Flux applies them (mzops status shows progress)', run: () => undefined });
  }
  return steps;
}

/**
 * Writes values mzops owns into the environment's state file, then synthesizes it with them; the
 * file goes back as it was when the synth is refused, so that no change is left half made.
 */
export function writeStateAndSynthesize(ctx: Context, values: Parameters<typeof writeMzopsState>[2]): void {
  const dir = workspace(ctx.root).environmentsDir;
  const before = writeMzopsState(ctx.env.name, dir, values);
  try {
    synthesizeEnvironment({ ...ctx, env: selectEnvironments(dir, [ctx.env.name]).selected[0] });
  } catch (e) {
    restoreMzopsState(ctx.env.name, dir, before);
    throw e;
  }
}

/** A new rollout epoch in the environment's mzops state file, then synth: the CR's forceRollout and requestRollout change, so the operator starts a new generation even when nothing else changed. */
export function rolloutPlan(ctx: Context, options: { push: boolean }): Step[] {
  const dir = workspace(ctx.root).environmentsDir;
  const file = mzopsStatePath(ctx.env.name, dir);
  const uuid = randomUUID();
  return [
    {
      title: `set materialize.requestRollout to ${uuid} in ${relative(ctx.root, file)} and synthesize ${ctx.env.name}`,
      run: () => writeStateAndSynthesize(ctx, { requestRollout: uuid }),
    },
    ...gitStep(ctx, options.push, `roll out ${ctx.env.name}`, [relative(ctx.root, file)]),
  ];
}

/** The Materialize resource synth wrote into dist/<env>/instance. */
function renderedMaterializeSpec(ctx: Context): { requestRollout?: string; forcePromote?: string } {
  const spec = committedMaterializeSpec(join(ctx.root, DIST.root, ctx.env.name));
  if (!spec?.requestRollout)
    throw new CliError(
      `no Materialize resource in ${DIST.root}/${ctx.env.name}/instance`,
      `synthesize first: npm run synth -- ${ctx.env.name}`,
    );
  return spec;
}

/**
 * ManuallyPromote: promote the rollout Git asks for (the operator's forcePromote, set to the CR's
 * requestRollout), through Git like every other change. With the cluster at hand it first checks
 * that the new generation reached ReadyToPromote (caught up): promoting earlier skips that wait
 * and the new generation serves before its clusters have rehydrated, so that takes `--now`.
 */
export function promotePlan(ctx: Context, options: { push: boolean; now?: boolean }): Step[] {
  if (ctx.env.materialize.rolloutStrategy !== 'ManuallyPromote')
    throw new CliError(
      `environment "${ctx.env.name}" rolls out with ${ctx.env.materialize.rolloutStrategy}: the operator promotes by itself, there is nothing to promote`,
      `set materialize.rolloutStrategy: 'ManuallyPromote' to decide when a rollout takes over`,
    );
  const dir = workspace(ctx.root).environmentsDir;
  const file = mzopsStatePath(ctx.env.name, dir);
  let request = '<the requestRollout in dist>';
  const steps: Step[] = [
    synthStep(ctx),
    {
      title: `read the rollout to promote from ${DIST.root}/${ctx.env.name}/instance`,
      run: () => {
        const spec = renderedMaterializeSpec(ctx);
        request = spec.requestRollout!;
        ctx.log(`   requestRollout ${request}${spec.forcePromote === request ? ' (already promoted in Git)' : ''}`);
      },
    },
  ];
  if (!options.now) {
    steps.push({
      title: `check that Materialize ${ctx.env.materialize.instanceName} is ReadyToPromote for that rollout`,
      run: async () => {
        if (!ctx.kube)
          throw new CliError(
            "no kubeconfig with the environment's context, to check that the new generation has caught up",
            `az aks get-credentials -g ${ctx.env.names.resourceGroup} -n ${ctx.env.names.aksCluster}; or promote without the check: mzops promote ${ctx.env.name} --now`,
          );
        const live = await getObject(ctx.kube, {
          resource: KUBE_RESOURCES.materializes,
          namespace: NAMESPACES.instance,
          name: ctx.env.materialize.instanceName,
        });
        const upToDate = live.status?.conditions?.find((c) => c.type === CONDITIONS.upToDate);
        const liveRequest = (live.spec as { requestRollout?: string } | undefined)?.requestRollout;
        if (liveRequest !== request)
          throw new CliError(
            `the cluster runs requestRollout ${liveRequest ?? '(none)'}, not ${request}: Flux has not applied this rollout yet`,
            `push it and wait for Flux (mzops status ${ctx.env.name}), then promote`,
          );
        if (upToDate?.reason !== 'ReadyToPromote')
          throw new CliError(
            `Materialize ${ctx.env.materialize.instanceName} is ${upToDate ? `${upToDate.status}/${upToDate.reason}` : 'without an UpToDate condition'}, not ReadyToPromote: the new generation has not caught up`,
            `wait until mzops status ${ctx.env.name} shows ReadyToPromote; or promote now, before it has caught up: mzops promote ${ctx.env.name} --now`,
          );
      },
    });
  }
  steps.push(
    {
      title: `set materialize.forcePromote in ${relative(ctx.root, file)} and synthesize ${ctx.env.name}`,
      run: () => writeStateAndSynthesize(ctx, { forcePromote: request }),
    },
    ...gitStep(ctx, options.push, `promote ${ctx.env.name} (requestRollout ${request})`, [relative(ctx.root, file)]),
  );
  return steps;
}

/** Terraform address of the SAS rotation clock in the synthesized stack. */
export function sasRotationAddress(root: string, environment: string): string {
  const stack = readStack(root, environment);
  const names = Object.keys(stack.resource?.time_rotating ?? {});
  if (names.length !== 1)
    throw new CliError(
      `environment "${environment}" has no SAS rotation (persistAuth is not "sas")`,
      'workload identity needs no rotation',
    );
  return `time_rotating.${names[0]}`;
}

/**
 * A new SAS now (Materialize never refreshes one): replace the rotation clock and apply only it and
 * what derives from it (the SAS), re-seal, and synthesize, which rolls environmentd out onto the
 * new value (the CR's forceRollout follows the sealed values' fingerprints: manifests/instance/rollout.ts).
 * Nothing else pending in the stack goes in with it. The kubernetes provider is not configured in
 * such a plan (none of its resources is targeted), so the cluster-first pass of deploy is not needed.
 * Attended, Terraform shows the plan and asks before applying.
 */
export function rotateSasPlan(ctx: Context, options: { push: boolean; autoApprove?: boolean }): Step[] {
  if (ctx.env.storage.persistAuth !== 'sas')
    throw new CliError(
      `environment "${ctx.env.name}" uses workload identity: there is no SAS to rotate`,
      'nothing to do: environmentd authenticates with its federated identity, which has no key to rotate',
    );
  const stack = relative(ctx.root, stackDir(workspace(ctx.root), ctx.env.name));
  let address = '<time_rotating address>';
  let targets = ['<the rotation clock and what derives from it>'];
  const outFile = outputsFile(ctx.env.name, ctx.root);
  const tfEnv = terraformEnvironment(ctx.variables);
  const apply = options.autoApprove ? ['-input=false', '-auto-approve'] : [];
  return [
    synthStep(ctx),
    { title: `terraform init in ${stack}`, command: ['terraform', `-chdir=${stack}`, 'init', '-input=false'], env: tfEnv },
    {
      title: 'find the SAS rotation clock and what derives from it',
      run: () => {
        address = sasRotationAddress(ctx.root, ctx.env.name);
        targets = dependentsOf(readStack(ctx.root, ctx.env.name), address);
        ctx.log(`   ${targets.join(', ')}`);
      },
    },
    {
      title: `issue a new SAS: replace the rotation clock, apply only it and the SAS${options.autoApprove ? '' : ' (Terraform shows the plan and asks)'}`,
      get command() {
        return ['terraform', `-chdir=${stack}`, 'apply', ...apply, `-replace=${address}`, ...targets.map((t) => `-target=${t}`)];
      },
      env: tfEnv,
    } as Step,
    {
      title: `refresh ${relative(ctx.root, outFile)}`,
      run: () => {
        const r = runSync('terraform', [`-chdir=${stack}`, 'output', '-json'], { cwd: ctx.root, env: tfEnv, timeoutMs: 120_000 });
        if (r.status !== 0)
          throw new CliError(
            `terraform output failed: ${r.stderr.trim().split('\n').at(-1)}`,
            `run it yourself: terraform -chdir=${stack} output`,
          );
        const out = r.stdout;
        writePrivateFile(
          outFile,
          `${JSON.stringify(flattenTerraformOutputs(JSON.parse(out) as Record<string, { value: unknown }>), null, 2)}\n`,
        );
      },
    },
    sealStep(ctx),
    { ...synthStep(ctx), title: `synthesize ${ctx.env.name}: the new sealed SAS rolls environmentd out` },
    ...gitStep(ctx, options.push, `rotate the SAS of ${ctx.env.name}`),
  ];
}

/** Deletes every blob of the persist container: only for `recreate --empty-persist`. */
export async function emptyPersistContainer(persistUrl: string, log: Log): Promise<number> {
  const container = containerClient(persistUrl);
  let n = 0;
  for await (const blob of container.listBlobsFlat()) {
    await container.deleteBlob(blob.name);
    n++;
    if (n % 500 === 0) log(`   deleted ${n} blobs`);
  }
  return n;
}

/**
 * A fresh start: a new environmentId (and optionally an empty persist container), after
 * confirmation. The environment file changes last, only once the steps before it succeeded, so
 * a failed run changes nothing and can simply be run again.
 */
export function recreatePlan(ctx: Context, options: { confirm?: string; emptyPersist: boolean; push: boolean }): Step[] {
  if (options.confirm !== ctx.env.name) {
    throw new CliError(
      `recreate starts environment "${ctx.env.name}" from nothing: the current catalog and data become unreachable`,
      `confirm with --confirm ${ctx.env.name}`,
    );
  }
  const dir = workspace(ctx.root).environmentsDir;
  const file = mzopsStatePath(ctx.env.name, dir);
  const uuid = randomUUID();
  const steps: Step[] = [];
  if (options.emptyPersist) {
    steps.push(
      {
        title: `check that no pod of Materialize ${ctx.env.materialize.instanceName} runs (it would lose the blobs under it)`,
        run: () => assertInstanceStopped(ctx),
      },
      {
        title: 'delete every blob in the persist container',
        run: async () => {
          const url = readStackOutputs(ctx.env.name, { root: ctx.root })[TF_OUTPUTS.persistBackendUrl];
          if (!url) throw new CliError('no persist_backend_url output', `mzops deploy ${ctx.env.name}`);
          ctx.log(`   deleted ${await emptyPersistContainer(url, ctx.log)} blobs`);
        },
      },
    );
  }
  // A new spec is applied only with a new requestRollout (the operator waits for approval otherwise).
  const rollout = randomUUID();
  steps.push({
    title: `synthesize ${ctx.env.name} with the new environmentId ${uuid} (and requestRollout ${rollout}), then write both into ${relative(ctx.root, file)}`,
    run: () => {
      synthesizeEnvironment(ctx, { environmentIdChanges: { [ctx.env.name]: uuid }, requestRollouts: { [ctx.env.name]: rollout } });
      writeMzopsState(ctx.env.name, dir, { environmentId: uuid, requestRollout: rollout });
    },
  });
  steps.push(...gitStep(ctx, options.push, `recreate ${ctx.env.name} with a new environmentId`, [relative(ctx.root, file)]));
  return steps;
}

/** Emptying the container under a running environmentd would corrupt it: refuse while any pod of the instance exists. */
async function assertInstanceStopped(ctx: Context): Promise<void> {
  const stop = `flux suspend kustomization ${FLUX.layers[FLUX.layers.length - 1]} -n ${NAMESPACES.flux}, then kubectl delete materialize ${ctx.env.materialize.instanceName} -n ${NAMESPACES.instance}`;
  if (!ctx.kube)
    throw new CliError(
      '--empty-persist needs the cluster, to check that the instance is stopped',
      `pass --kubeconfig (or set KUBECONFIG); stop the instance first: ${stop}`,
    );
  // An answer without an items list is an error, never "no pods": this check guards deleting persist data.
  const pods = await listObjects(ctx.kube, {
    resource: 'pods',
    namespace: NAMESPACES.instance,
    selector: `${POD_LABELS.organizationName}=${ctx.env.materialize.instanceName}`,
  });
  const running = pods.map((p) => p.metadata.name);
  if (running.length > 0)
    throw new CliError(
      `Materialize ${ctx.env.materialize.instanceName} still runs (${running.slice(0, 3).join(', ')}${running.length > 3 ? ', ...' : ''})`,
      `stop it first: ${stop}; then run recreate again`,
    );
}

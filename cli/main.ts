import '../core/fast-start';
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Environment } from '../model/environment';
import { selectEnvironments } from '../core/environments';
import { workspace } from '../core/workspace';
import { formatCheck } from './doctor/check';
import { runDoctor } from './doctor/doctor';
import { accessEndpoints } from '../model/endpoints';
import { MATERIALIZE_SQL, PORTS } from '../model/contract';
import { CliError, explain } from './errors';
import { fetchCaCertificate } from './tls';
import { environmentKube, findKubeconfig, type KubectlClient } from './kube';
import { deployPlan, deployPrerequisites, recreatePlan, rolloutPlan, rotateSasPlan, type Context } from './operations';
import { runPlan } from './plan';
import { authorizedRangesProblem } from './public-address';
import { sealEnvironment } from './seal/seal-environment';
import { registerDiff } from './diff/command';
import { registerSampleData } from './sample-data/command';
import { registerSqlCommands } from './sql/commands';
import { statusReport } from './status';
import { readStackOutputs, readStackOutputsIfAny } from './terraform-outputs';
import { userVariables } from './workspace';

const ROOT = resolve(__dirname, '..');
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function environment(name: string): Environment {
  return selectEnvironments(workspace(ROOT).environmentsDir, [name]).selected[0];
}

/** The environment's own cluster, or none when no kubeconfig is known; a kubeconfig without its context is an error. */
function kubeFor(env: Environment, flag?: string): KubectlClient | undefined {
  const config = findKubeconfig(flag);
  return config ? environmentKube(env.names.aksCluster, env.names.resourceGroup, config) : undefined;
}

/** For the read-only commands: a missing context is reported, and the cluster checks are skipped. */
function kubeOrWarn(env: Environment, flag?: string): KubectlClient | undefined {
  try {
    return kubeFor(env, flag);
  } catch (e) {
    err(`warn  cluster: ${(e as Error).message}; skipping the cluster${e instanceof CliError && e.hint ? ` (fix: ${e.hint})` : ''}`);
    return undefined;
  }
}

function context(name: string, kubeconfig?: string): Context {
  const env = environment(name);
  return { env, root: ROOT, variables: userVariables(ROOT), log: out, kube: kubeOrWarn(env, kubeconfig) };
}

/** Every command ends the same way on failure: one diagnosis line, one fix line, exit 1. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      err(explain(e));
      process.exitCode = 1;
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('mzops')
    .description('Operate Materialize on Azure: deploy, seal, doctor, status, rollout, sql, sample-data, diff')
    .version((JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('seal')
    .description(
      'seal the backend secret (Terraform outputs + MZ_LICENSE_KEY, MZ_SYSTEM_PASSWORD) into environments/<environment>.sealed.json',
    )
    .argument('<environment>')
    .option('--cert <file>', 'sealing certificate PEM (default: the sealing_certificate_pem output)')
    .option('--outputs <file>', 'Terraform outputs JSON (default: .mzops/<environment>/outputs.json, else terraform output)')
    .option('--reseal', 're-encrypt every value from its sources, replacing the sealed file (also a corrupt one)')
    .action(
      action((name: string, opts: { cert?: string; outputs?: string; reseal?: boolean }) => {
        const env = environment(name);
        const result = sealEnvironment({
          env,
          outputs: readStackOutputs(name, { file: opts.outputs, root: ROOT }),
          variables: userVariables(ROOT),
          certificatePem: opts.cert ? readFileSync(opts.cert, 'utf8') : undefined,
          root: ROOT,
          reseal: opts.reseal,
        });
        out(`sealed: ${result.sealed.join(', ') || 'nothing changed'}`);
        if (result.unchanged.length) out(`unchanged: ${result.unchanged.join(', ')}`);
        if (result.generatedPasswordFile)
          out(`generated the mz_system password in ${relative(ROOT, result.generatedPasswordFile)} (keep it; it is not in git)`);
        out(`wrote ${relative(ROOT, result.path)}; next: npm run synth, then commit`);
      }),
    );

  program
    .command('deploy')
    .description('deploy Azure resources, seal, synthesize, and (with --push) commit, push and wait for Flux')
    .argument('<environment>')
    .option('--dry-run', 'print each step without running it')
    .option('--push', 'commit and push the GitOps changes, then wait for Flux and the instance')
    .option('--no-wait', 'with --push: do not wait for Flux')
    .action(
      action(async (name: string, opts: { dryRun?: boolean; push?: boolean; wait: boolean }) => {
        const ctx = context(name);
        if (!opts.dryRun) {
          const problems = deployPrerequisites(ctx);
          const ranges = await authorizedRangesProblem(ctx.env);
          if (ranges?.blocking) problems.push(ranges);
          else if (ranges) err(`warn  ${ranges.problem}; ${ranges.fix}`);
          if (problems.length > 0)
            throw new CliError(problems.map((p) => `${p.problem}`).join('\n'), problems.map((p) => p.fix).join('\n      '));
        }
        await runPlan(deployPlan(ctx, { push: !!opts.push, wait: opts.wait }), { dryRun: opts.dryRun, log: out });
      }),
    );

  program
    .command('ca')
    .description("fetch the instance's CA certificate (what SQL and console clients verify TLS against) into .mzops/<environment>/ca.crt")
    .argument('<environment>')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, ~/.kube/config)')
    .action(
      action(async (name: string, opts: { kubeconfig?: string }) => {
        const env = environment(name);
        if (!env.materialize.tls)
          throw new CliError(
            `environment "${name}" runs without TLS (materialize.tls is false)`,
            'turn materialize.tls on: passwords otherwise cross the load balancer in clear',
          );
        const kube = kubeFor(env, opts.kubeconfig);
        if (!kube)
          throw new CliError(
            'no kubeconfig to reach the cluster with',
            `az aks get-credentials -g ${env.names.resourceGroup} -n ${env.names.aksCluster}, or pass --kubeconfig`,
          );
        const file = await fetchCaCertificate(env, kube, ROOT);
        out(`wrote ${relative(ROOT, file)}`);
        const endpoints = accessEndpoints(env);
        out(
          `SQL:     ${endpoints.sql.host}:${PORTS.sql} (psql "host=${endpoints.sql.host} port=${PORTS.sql} user=${MATERIALIZE_SQL.adminUser} sslmode=verify-full sslrootcert=${relative(ROOT, file)}")`,
        );
        out(`console: https://${endpoints.console.host}:${PORTS.console}`);
      }),
    );

  program
    .command('doctor')
    .description('check variables, PostgreSQL, Blob Storage and the cluster; ok, warn or fail with the fix')
    .argument('<environment>')
    .option('--outputs <file>', 'Terraform outputs JSON')
    .option('--kubeconfig <file>', 'kubeconfig for the cluster checks (default: KUBECONFIG, ~/.kube/config)')
    .action(
      action(async (name: string, opts: { outputs?: string; kubeconfig?: string }) => {
        const env = environment(name);
        const outputs = readStackOutputsIfAny(name, { file: opts.outputs, root: ROOT });
        if (!outputs) err(`warn  outputs: no Terraform outputs for "${name}" (deploy first: mzops deploy ${name})`);
        const results = await runDoctor({
          env,
          outputs: outputs ?? {},
          variables: userVariables(ROOT),
          kube: kubeOrWarn(env, opts.kubeconfig),
          progress: (rs) => rs.forEach((r) => out(formatCheck(r))),
        });
        const failed = results.filter((r) => r.status === 'fail').length;
        const warned = results.filter((r) => r.status === 'warn').length;
        out(`\n${results.length - failed - warned} ok, ${warned} warn, ${failed} fail`);
        if (failed > 0) process.exitCode = 1;
      }),
    );

  program
    .command('status')
    .description('Flux readiness, the Materialize rollout, pods, Services with their addresses, persist usage')
    .argument('<environment>')
    .option('--outputs <file>', 'Terraform outputs JSON')
    .option('--kubeconfig <file>', 'kubeconfig')
    .action(
      action(async (name: string, opts: { outputs?: string; kubeconfig?: string }) => {
        const env = environment(name);
        const outputs = readStackOutputsIfAny(name, { file: opts.outputs, root: ROOT });
        for (const line of await statusReport(env, kubeOrWarn(env, opts.kubeconfig), outputs)) out(line);
      }),
    );

  const planCommand = (
    cmd: string,
    description: string,
    build: (ctx: Context, opts: Record<string, unknown>) => ReturnType<typeof rolloutPlan>,
    extra?: (c: Command) => Command,
  ) => {
    let c = program
      .command(cmd)
      .description(description)
      .argument('<environment>')
      .option('--dry-run', 'print each step without running it')
      .option('--push', 'commit and push the changes');
    if (extra) c = extra(c);
    c.action(
      action(async (name: string, opts: Record<string, unknown>) => {
        const ctx = context(name, opts.kubeconfig as string | undefined);
        await runPlan(build(ctx, opts), { dryRun: !!opts.dryRun, log: out });
      }),
    );
  };
  planCommand('rollout', 'set a new requestRollout UUID and synthesize: the operator rolls environmentd out', (ctx, o) =>
    rolloutPlan(ctx, { push: !!o.push }),
  );
  planCommand('rotate-sas', 'issue a new SAS, re-seal and roll out (Materialize never refreshes a SAS)', (ctx, o) =>
    rotateSasPlan(ctx, { push: !!o.push }),
  );
  planCommand(
    'recreate',
    'start fresh with a new environmentId (all current data becomes unreachable)',
    (ctx, o) => recreatePlan(ctx, { confirm: o.confirm as string | undefined, emptyPersist: !!o.emptyPersist, push: !!o.push }),
    (c) =>
      c
        .addOption(new Option('--confirm <environment>', 'repeat the environment name to confirm'))
        .option('--empty-persist', 'also delete every blob in the persist container (only while the instance is stopped)')
        .option('--kubeconfig <file>', 'kubeconfig of the cluster, to check the instance is stopped'),
  );
  registerSqlCommands(program, { root: ROOT, environment, action, out });
  registerSampleData(program, { root: ROOT, environment, action, out });
  registerDiff(program, { root: ROOT, environment, action, out });
  return program;
}

if (require.main === module) {
  // `mzops ... | head` closes the pipe early: that ends the output, not in a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: Error) => {
      err(`error: ${e.message}`);
      process.exitCode = 1;
    });
}

import { environmentKube, findKubeconfig } from '../kube';
import type { Command } from 'commander';
import { Client } from 'pg';
import { withTimeout } from '../doctor/check';
import type { CommandDeps } from '../command-deps';
import { CliError } from '../errors';
import { readStackOutputsIfAny, type StackOutputs } from '../terraform-outputs';
import { userVariables } from '../workspace';
import { MATERIALIZE_SQL } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { executeStatements, readCatalogState, runVerify, verifyQueries } from './apply';
import { planSql, renderPlan } from './plan';
import { mzSystemConfig, readerConnectionString, rolePasswords, sqlHostFromCluster } from './session';

function outputsOrEmpty(name: string, root: string, file?: string): StackOutputs {
  return readStackOutputsIfAny(name, { file, root }) ?? {};
}

async function connect(env: Environment, deps: CommandDeps, opts: { host?: string; port?: string; kubeconfig?: string }): Promise<Client> {
  const variables = userVariables(deps.root);
  const config = findKubeconfig(opts.kubeconfig);
  const host =
    opts.host ??
    (await sqlHostFromCluster(env, config ? environmentKube(env.names.aksCluster, env.names.resourceGroup, config) : undefined));
  const client = new Client(mzSystemConfig(env, { host, port: opts.port ? Number(opts.port) : undefined, root: deps.root, variables }));
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), 20_000, `${host}`);
  } catch (e) {
    throw new CliError(
      `cannot connect to Materialize at ${host} as ${MATERIALIZE_SQL.adminUser}: ${(e as Error).message}`,
      'internal load balancers are reachable from the VNet only; check mzops status for the address',
    );
  }
  return client;
}

export function registerSqlCommands(program: Command, deps: CommandDeps): void {
  const sqlCmd = program.command('sql').description('Event Hubs sources, views and roles in Materialize');
  const common = (c: Command) => c.argument('<environment>').option('--outputs <file>', 'Terraform outputs JSON');
  const connection = (c: Command) =>
    c
      .option('--host <address>', 'SQL endpoint (default: the load balancer address from kubectl)')
      .option('--port <port>', 'SQL port', '6875')
      .option('--kubeconfig <file>', 'kubeconfig');

  common(sqlCmd.command('plan').description('print the statements, secrets masked, as a fresh instance would get them')).action(
    deps.action((name: string, opts: { outputs?: string }) => {
      const env = deps.environment(name);
      const outputs = outputsOrEmpty(name, deps.root, opts.outputs);
      // Values are masked in the output: placeholders stand in for what is not known yet.
      const plan = planSql({
        env,
        readerConnectionString: readerConnectionString(outputs, userVariables(deps.root)) ?? 'Endpoint=sb://placeholder/',
        rolePasswords: Object.fromEntries(env.eventHubs.roles.map((r) => [r.name, 'placeholder'])),
      });
      process.stdout.write(renderPlan(plan));
    }),
  );

  connection(
    common(sqlCmd.command('apply').description('run the missing statements as mz_system, in order, stopping at the first failure')),
  )
    .option('--replace-views', 'replace materialized views whose definition changed')
    .action(
      deps.action(
        async (name: string, opts: { outputs?: string; host?: string; port?: string; kubeconfig?: string; replaceViews?: boolean }) => {
          const env = deps.environment(name);
          const variables = userVariables(deps.root);
          const conn = readerConnectionString(outputsOrEmpty(name, deps.root, opts.outputs), variables);
          if (!conn)
            throw new CliError(
              'no Event Hubs Listen connection string',
              'deploy first (the eventhubs_reader_connection_string output), or set EVENTHUBS_CONNECTION_STRING',
            );
          const client = await connect(env, deps, opts);
          try {
            const state = await readCatalogState(client);
            const plan = planSql({
              env,
              readerConnectionString: conn,
              rolePasswords: rolePasswords(env, variables, deps.root),
              state,
              replaceViews: opts.replaceViews,
            });
            for (const note of plan.notes) deps.out(`note: ${note}`);
            const n = await executeStatements(client, plan.statements, deps.out);
            deps.out(n === 0 ? 'nothing to do: everything declared exists' : `applied ${n} statement(s)`);
          } finally {
            await client.end().catch(() => undefined);
          }
        },
      ),
    );

  connection(
    sqlCmd
      .command('verify')
      .description("run the predecessor's checks: row counts, latest orders, revenue per region, customers per tier")
      .argument('<environment>'),
  ).action(
    deps.action(async (name: string, opts: { host?: string; port?: string; kubeconfig?: string }) => {
      const env = deps.environment(name);
      const client = await connect(env, deps, opts);
      try {
        await runVerify(client, verifyQueries(env.eventHubs.topics.flatMap((t) => t.views)), deps.out);
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
}

import type { Command } from 'commander';
import { Client } from 'pg';
import { MATERIALIZE_SQL } from '../../model/contract';
import type { Environment } from '../../model/environment';
import type { CliContext } from '../context';
import { withTimeout } from '../doctor/check';
import { CliError } from '../errors';
import { executeStatements, readCatalogState, runVerify, verifyQueries } from '../sql/apply';
import { planSql, renderPlan } from '../sql/plan';
import { mzSystemConfig, readerConnectionString, rolePasswords, sqlHostFromCluster } from '../sql/session';

async function connect(env: Environment, ctx: CliContext, opts: { host?: string; port?: string; kubeconfig?: string }): Promise<Client> {
  const host = opts.host ?? (await sqlHostFromCluster(env, ctx.kube(env, opts.kubeconfig)));
  const client = new Client(
    mzSystemConfig(env, { host, port: opts.port ? Number(opts.port) : undefined, root: ctx.root, variables: ctx.variables() }),
  );
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

export function register(program: Command, ctx: CliContext): void {
  const sqlCmd = program.command('sql').description('Event Hubs sources, views and roles in Materialize');
  const common = (c: Command) => c.argument('<environment>').option('--outputs <file>', 'Terraform outputs JSON');
  const connection = (c: Command) =>
    c
      .option('--host <address>', 'SQL endpoint (default: the load balancer address from kubectl)')
      .option('--port <port>', 'SQL port', '6875')
      .option('--kubeconfig <file>', 'kubeconfig');

  common(sqlCmd.command('plan').description('print the statements, secrets masked, as a fresh instance would get them')).action(
    ctx.action((name: string, opts: { outputs?: string }) => {
      const env = ctx.environment(name);
      const outputs = ctx.outputsIfAny(name, opts.outputs) ?? {};
      // Values are masked in the output: placeholders stand in for what is not known yet.
      const plan = planSql({
        env,
        readerConnectionString: readerConnectionString(outputs, ctx.variables()) ?? 'Endpoint=sb://placeholder/',
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
      ctx.action(
        async (name: string, opts: { outputs?: string; host?: string; port?: string; kubeconfig?: string; replaceViews?: boolean }) => {
          const env = ctx.environment(name);
          const variables = ctx.variables();
          const conn = readerConnectionString(ctx.outputsIfAny(name, opts.outputs) ?? {}, variables);
          if (!conn)
            throw new CliError(
              'no Event Hubs Listen connection string',
              'deploy first (the eventhubs_reader_connection_string output), or set EVENTHUBS_CONNECTION_STRING',
            );
          const client = await connect(env, ctx, opts);
          try {
            const state = await readCatalogState(client);
            const plan = planSql({
              env,
              readerConnectionString: conn,
              rolePasswords: rolePasswords(env, variables, ctx.root),
              state,
              replaceViews: opts.replaceViews,
            });
            for (const note of plan.notes) ctx.out(`note: ${note}`);
            const n = await executeStatements(client, plan.statements, ctx.out);
            ctx.out(n === 0 ? 'nothing to do: everything declared exists' : `applied ${n} statement(s)`);
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
    ctx.action(async (name: string, opts: { host?: string; port?: string; kubeconfig?: string }) => {
      const env = ctx.environment(name);
      const client = await connect(env, ctx, opts);
      try {
        await runVerify(client, verifyQueries(env.eventHubs.topics.flatMap((t) => t.views)), ctx.out);
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
}

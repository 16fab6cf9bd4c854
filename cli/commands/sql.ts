import { InvalidArgumentError, Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { Client } from 'pg';
import { MATERIALIZE_SQL, PORTS, TF_OUTPUTS } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { VARIABLES } from '../../model/variables';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { withTimeout } from '../doctor/check';
import { CliError } from '../errors';
import { executeStatements, readCatalogState, runVerify, verifyCluster, verifyQueries } from '../sql/apply';
import { planSql, renderPlan } from '../sql/plan';
import { mzSystemConfig, readerConnectionString, rolePasswords, sqlHostFromCluster } from '../sql/session';

async function connect(env: Environment, ctx: CliContext, opts: { host?: string; port?: number; kubeconfig?: string }): Promise<Client> {
  const host = opts.host ?? (await sqlHostFromCluster(env, ctx.kube(env, opts.kubeconfig)));
  const client = new Client(mzSystemConfig(env, { host, port: opts.port, root: ctx.root, variables: ctx.variables() }));
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), 20_000, `${host}`);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new CliError(
      `cannot connect to Materialize at ${host} as ${MATERIALIZE_SQL.adminUser}: ${(e as Error).message}`,
      connectHint(env, e as Error & { code?: string }),
    );
  }
  return client;
}

/** The fix for the failure at hand: a refused TLS handshake is not a network problem, nor is a wrong password. */
export function connectHint(env: Environment, e: Error & { code?: string }): string {
  if (e.code === '28P01' || /password authentication failed|invalid password/i.test(e.message))
    return `the mz_system password differs from the sealed one: use .mzops/${env.name}/mz_system_password, or re-seal (mzops seal ${env.name}) and roll out`;
  if (/certificate|self.signed|unable to verify|altnames|hostname\/ip does not match/i.test(e.message))
    return `verify against the instance's CA: mzops ca ${env.name} (or set ${VARIABLES.pgSslRootCert.name}), and connect by the name the certificate holds`;
  if (/does not support SSL|SSL/i.test(e.message))
    return `the endpoint speaks no TLS: is materialize.tls off for ${env.name}? mzops sql verifies TLS whenever it is on`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN')
    return `the name does not resolve: internal endpoints resolve in the VNet's private DNS zone only; run from inside the VNet, or pass --host <address>`;
  return 'internal load balancers are reachable from the VNet only: run from inside it (or use public load balancers), and check mzops status for the address';
}

function tcpPort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a TCP port, 1-65535');
  return n;
}

export function register(program: Command, ctx: CliContext): void {
  const sqlCmd = program.command('sql').description(describe('sql'));
  const common = <A extends unknown[], O extends OptionValues>(c: Command<A, O>) =>
    c.argument('<environment>').option('--outputs <file>', 'Terraform outputs JSON');
  const connection = <A extends unknown[], O extends OptionValues>(c: Command<A, O>) =>
    c
      .option('--host <address>', 'SQL endpoint (default: the load balancer address from kubectl)')
      .addOption(new Option('--port <port>', 'SQL port').argParser(tcpPort).default(PORTS.sql))
      .option('--kubeconfig <file>', 'kubeconfig');

  common(sqlCmd.command('plan').description('print the statements, secrets masked, as a fresh instance would get them'))
    .option('--json', 'one JSON document (schema mzops.sql-plan/v1) instead of the SQL text')
    .action(
      ctx.action((name: string, opts: { outputs?: string; json?: boolean }) => {
        const env = ctx.environment(name);
        const outputs = ctx.outputsIfAny(name, opts.outputs) ?? {};
        // Values are masked in the output: placeholders stand in for what is not known yet.
        const plan = planSql({
          env,
          readerConnectionString: readerConnectionString(outputs, ctx.variables()) ?? 'Endpoint=sb://placeholder/',
          rolePasswords: Object.fromEntries(env.eventHubs.roles.map((r) => [r.name, 'placeholder'])),
        });
        if (opts.json) {
          const doc = {
            schema: 'mzops.sql-plan/v1',
            environment: name,
            statements: plan.statements.map((st) => ({ kind: st.kind, object: st.object, sql: st.sql.masked })),
            notes: plan.notes,
          };
          process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
          return;
        }
        process.stdout.write(renderPlan(plan));
      }),
    );

  connection(
    common(sqlCmd.command('apply').description('run the missing statements as mz_system, in order, stopping at the first failure')),
  )
    .option('--replace-views', 'replace materialized views whose definition changed')
    .action(
      ctx.action(
        async (name: string, opts: { outputs?: string; host?: string; port?: number; kubeconfig?: string; replaceViews?: boolean }) => {
          const env = ctx.environment(name);
          const variables = ctx.variables();
          const conn = readerConnectionString(ctx.outputsIfAny(name, opts.outputs) ?? {}, variables);
          if (!conn)
            throw new CliError(
              'no Event Hubs Listen connection string',
              `mzops deploy ${name} writes it (the ${TF_OUTPUTS.eventHubsReaderConnectionString} output, for environments with topics); or set ${VARIABLES.eventHubsConnectionString.name}`,
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
    ctx.action(async (name: string, opts: { host?: string; port?: number; kubeconfig?: string }) => {
      const env = ctx.environment(name);
      // Chosen before connecting: an environment without a cluster to answer fails without a network call.
      const cluster = verifyCluster(env);
      const client = await connect(env, ctx, opts);
      try {
        await runVerify(client, verifyQueries(env.eventHubs.topics.flatMap((t) => t.views)), ctx.out, cluster);
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
}

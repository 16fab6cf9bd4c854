import type { Command } from '@commander-js/extra-typings';
import { relative } from 'node:path';
import { MATERIALIZE_SQL, PORTS } from '../../model/contract';
import { accessEndpoints } from '../../model/endpoints';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { CliError } from '../errors';
import { fetchCaCertificate } from '../tls';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('ca')
    .description(describe('ca'))
    .argument('<environment>')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, ~/.kube/config)')
    .action(
      ctx.action(async (name: string, opts: { kubeconfig?: string }) => {
        const env = ctx.environment(name);
        if (!env.materialize.tls)
          throw new CliError(
            `environment "${name}" runs without TLS (materialize.tls is false)`,
            'turn materialize.tls on: passwords otherwise cross the load balancer in clear',
          );
        const kube = ctx.kube(env, opts.kubeconfig);
        if (!kube)
          throw new CliError(
            'no kubeconfig to reach the cluster with',
            `az aks get-credentials -g ${env.names.resourceGroup} -n ${env.names.aksCluster}, or pass --kubeconfig`,
          );
        const file = await fetchCaCertificate(env, kube, ctx.root);
        ctx.out(`wrote ${relative(ctx.root, file)}`);
        const endpoints = accessEndpoints(env);
        ctx.out(
          `SQL:     ${endpoints.sql.host}:${PORTS.sql} (psql "host=${endpoints.sql.host} port=${PORTS.sql} user=${MATERIALIZE_SQL.adminUser} sslmode=verify-full sslrootcert=${relative(ctx.root, file)}")`,
        );
        ctx.out(`console: https://${endpoints.console.host}:${PORTS.console}`);
      }),
    );
}

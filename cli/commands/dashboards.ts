import type { Command } from '@commander-js/extra-typings';
import { OBSERVABILITY, TF_OUTPUTS } from '../../model/contract';
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { azureTokenProvider } from '../observability/azure-token';
import { dashboardsFor, dashboardsVersionNote } from '../observability/dashboards';
import { provisionDashboards } from '../observability/grafana-api';
import { describe } from './descriptions';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('dashboards')
    .description(describe('dashboards'))
    .argument('<environment>')
    .option('--outputs <file>', 'Terraform outputs JSON (default: .mzops/<environment>/outputs.json)')
    .action(
      ctx.action(async (name: string, opts: { outputs?: string }) => {
        const env = ctx.environment(name);
        if (!env.observability.enabled)
          throw new CliError(
            `environment "${name}" has observability off (observability.enabled: false)`,
            'turn it on and mzops deploy it',
          );
        const endpoint = ctx.outputs(name, opts.outputs)[TF_OUTPUTS.grafanaEndpoint];
        if (!endpoint)
          throw new CliError(
            `no ${TF_OUTPUTS.grafanaEndpoint} output for environment "${name}": Grafana is not deployed yet`,
            `mzops deploy ${name}`,
          );
        const note = dashboardsVersionNote(env);
        if (note) ctx.err(`warning: ${note}`);
        await provisionDashboards({
          endpoint,
          token: azureTokenProvider(OBSERVABILITY.tokenResources.grafana),
          dashboards: dashboardsFor(env),
          log: (line) => ctx.out(line),
        });
      }),
    );
}

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const status = (): typeof import('../status') => require('../status');

export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(describe('status'))
    .argument('<environment>')
    .option('--outputs <file>', 'Terraform outputs JSON')
    .option('--kubeconfig <file>', 'kubeconfig')
    .action(
      ctx.action(async (name: string, opts: { outputs?: string; kubeconfig?: string }) => {
        const env = ctx.environment(name);
        const outputs = ctx.outputsIfAny(name, opts.outputs);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { metricsReaderFor } = require('../observability/reader') as typeof import('../observability/reader');
        const lines = await status().statusReport(
          env,
          ctx.kubeOrWarn(env, opts.kubeconfig),
          outputs,
          undefined,
          metricsReaderFor(env, outputs),
        );
        for (const line of lines) ctx.out(line);
      }),
    );
}

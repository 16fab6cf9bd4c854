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
        for (const line of await status().statusReport(env, ctx.kubeOrWarn(env, opts.kubeconfig), ctx.outputsIfAny(name, opts.outputs)))
          ctx.out(line);
      }),
    );
}

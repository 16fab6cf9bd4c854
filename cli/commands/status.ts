import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { statusReport } from '../status';

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
        for (const line of await statusReport(env, ctx.kubeOrWarn(env, opts.kubeconfig), ctx.outputsIfAny(name, opts.outputs)))
          ctx.out(line);
      }),
    );
}

import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { Context } from '../operations';
import { runPlan, type Step } from '../plan';

/**
 * The shape every multi-step command shares: `<environment>`, `--dry-run` (print the steps) and
 * `--push` (commit and push what the steps changed).
 */
export function planCommand<O extends { dryRun?: boolean; push?: boolean; kubeconfig?: string }>(
  program: Command,
  ctx: CliContext,
  name: string,
  description: string,
  build: (op: Context, opts: O) => Step[],
  extra: (c: Command) => Command = (c) => c,
): void {
  extra(
    program
      .command(name)
      .description(description)
      .argument('<environment>')
      .option('--dry-run', 'print each step without running it')
      .option('--push', 'commit and push the changes'),
  ).action(
    ctx.action(async (environment: string, opts: O) => {
      await runPlan(build(ctx.operation(environment, opts.kubeconfig), opts), { dryRun: !!opts.dryRun, log: ctx.out });
    }),
  );
}

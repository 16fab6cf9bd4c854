import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import type { Context } from '../operations';
import { runPlan, type Step } from '../plan';

/** The options every multi-step command has. */
export type PlanOptions = { dryRun?: true; push?: true };

/**
 * The shape every multi-step command shares: `<environment>`, `--dry-run` (print the steps) and
 * `--push` (commit and push what the steps changed); `extra` adds a command's own options, and
 * their types flow into `build`.
 */
export function planCommand<O extends PlanOptions & { kubeconfig?: string }>(
  program: Command,
  ctx: CliContext,
  name: string,
  description: string,
  build: (op: Context, opts: O) => Step[],
  extra: (c: Command<[string], PlanOptions>) => Command<[string], O> = (c) => c as unknown as Command<[string], O>,
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
      await runPlan(build(ctx.operation(environment, opts.kubeconfig), opts), { dryRun: !!opts.dryRun, log: ctx.out, cwd: ctx.root });
    }),
  );
}

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { runPlan } from '../plan';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const operations = (): typeof import('../operations') => require('../operations');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const publicAddress = (): typeof import('../public-address') => require('../public-address');

export function register(program: Command, ctx: CliContext): void {
  program
    .command('deploy')
    .description(describe('deploy'))
    .argument('<environment>')
    .option('--dry-run', 'print each step without running it')
    .option('--push', 'commit and push the GitOps changes, then wait for Flux and the instance')
    .option('--no-wait', 'with --push: do not wait for Flux')
    .action(
      ctx.action(async (name: string, opts: { dryRun?: boolean; push?: boolean; wait: boolean }) => {
        const op = ctx.operation(name);
        if (!opts.dryRun) {
          const problems = operations().deployPrerequisites(op);
          const ranges = await publicAddress().authorizedRangesProblem(op.env);
          if (ranges?.blocking) problems.push(ranges);
          else if (ranges) ctx.err(`warn  ${ranges.problem}; ${ranges.fix}`);
          if (problems.length > 0) throw operations().prerequisiteError(problems);
        }
        await runPlan(operations().deployPlan(op, { push: !!opts.push, wait: opts.wait }), {
          dryRun: opts.dryRun,
          log: ctx.out,
          cwd: ctx.root,
        });
      }),
    );
}

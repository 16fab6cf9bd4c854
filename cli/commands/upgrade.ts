import { Option, type Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { runPlan } from '../plan';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const upgrade = (): typeof import('../upgrade') => require('../upgrade');

export function register(program: Command, ctx: CliContext): void {
  program
    .command('upgrade')
    .description(describe('upgrade'))
    .argument('<environment>')
    .addOption(new Option('--to <version>', 'the version, vX.Y.Z (mzops upgrade <env> --to v26.37.0)').makeOptionMandatory())
    .option('--dry-run', 'show what changes and the steps, without writing anything')
    .option('--push', 'commit and push the changes')
    .action(
      ctx.action(async (name: string, opts: { to: string; dryRun?: true; push?: true }) => {
        const op = ctx.operation(name);
        const steps = upgrade().upgradePlan(op, { to: opts.to, push: !!opts.push });
        if (opts.dryRun) for (const line of upgrade().describeUpgrade(op, opts.to)) ctx.out(line);
        await runPlan(steps, { dryRun: !!opts.dryRun, log: ctx.out, cwd: ctx.root });
      }),
    );
}

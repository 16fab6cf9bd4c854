import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { planCommand, type PlanOptions } from './plan-command';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const operations = (): typeof import('../operations') => require('../operations');

export function register(program: Command, ctx: CliContext): void {
  planCommand(
    program,
    ctx,
    'promote',
    describe('promote'),
    (op, o) => operations().promotePlan(op, { push: !!o.push, now: !!o.now }),
    (c: Command<[string], PlanOptions>) =>
      c
        .option('--now', 'promote without checking that the new generation has caught up (it serves before its clusters rehydrate)')
        .option('--kubeconfig <file>', 'kubeconfig of the cluster, to check for ReadyToPromote'),
  );
}

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { promotePlan } from '../operations';
import { planCommand, type PlanOptions } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand(
    program,
    ctx,
    'promote',
    describe('promote'),
    (op, o) => promotePlan(op, { push: !!o.push, now: !!o.now }),
    (c: Command<[string], PlanOptions>) =>
      c
        .option('--now', 'promote without checking that the new generation has caught up (it serves before its clusters rehydrate)')
        .option('--kubeconfig <file>', 'kubeconfig of the cluster, to check for ReadyToPromote'),
  );
}

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { rotateSasPlan } from '../operations';
import { planCommand, type PlanOptions } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand(
    program,
    ctx,
    'rotate-sas',
    describe('rotate-sas'),
    (op, o) => rotateSasPlan(op, { push: !!o.push, autoApprove: !!o.autoApprove }),
    (c: Command<[string], PlanOptions>) => c.option('--auto-approve', 'apply without showing the plan and asking'),
  );
}

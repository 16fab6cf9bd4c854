import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { rotateSasPlan } from '../operations';
import { planCommand, type PlanOptions } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand(
    program,
    ctx,
    'rotate-sas',
    'issue a new SAS (applying only it), re-seal and roll out (Materialize never refreshes a SAS)',
    (op, o) => rotateSasPlan(op, { push: !!o.push, autoApprove: !!o.autoApprove }),
    (c: Command<[string], PlanOptions>) => c.option('--auto-approve', 'apply without showing the plan and asking'),
  );
}

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
    'rotate-sas',
    describe('rotate-sas'),
    (op, o) => operations().rotateSasPlan(op, { push: !!o.push, autoApprove: !!o.autoApprove }),
    (c: Command<[string], PlanOptions>) => c.option('--auto-approve', 'apply without showing the plan and asking'),
  );
}

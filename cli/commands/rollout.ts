import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { rolloutPlan } from '../operations';
import { planCommand } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand(program, ctx, 'rollout', describe('rollout'), (op, o) => rolloutPlan(op, { push: !!o.push }));
}

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { rolloutPlan } from '../operations';
import { planCommand } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand(program, ctx, 'rollout', 'set a new requestRollout UUID and synthesize: the operator rolls environmentd out', (op, o) =>
    rolloutPlan(op, { push: !!o.push }),
  );
}

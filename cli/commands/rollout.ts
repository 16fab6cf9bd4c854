import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { rolloutPlan } from '../operations';
import { planCommand } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand(
    program,
    ctx,
    'rollout',
    'force environmentd onto a new generation (a new rollout epoch), though nothing else changed',
    (op, o) => rolloutPlan(op, { push: !!o.push }),
  );
}

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { planCommand } from './plan-command';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const operations = (): typeof import('../operations') => require('../operations');

export function register(program: Command, ctx: CliContext): void {
  planCommand(program, ctx, 'rollout', describe('rollout'), (op, o) => operations().rolloutPlan(op, { push: !!o.push }));
}

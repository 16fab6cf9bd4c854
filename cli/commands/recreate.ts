import { Option, type Command } from '@commander-js/extra-typings';
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
    'recreate',
    describe('recreate'),
    (op, o) => operations().recreatePlan(op, { confirm: o.confirm, emptyPersist: !!o.emptyPersist, push: !!o.push }),
    (c: Command<[string], PlanOptions>) =>
      c
        .addOption(new Option('--confirm <environment>', 'repeat the environment name to confirm'))
        .option('--empty-persist', 'also delete every blob in the persist container (only while the instance is stopped)')
        .option('--kubeconfig <file>', 'kubeconfig of the cluster, to check the instance is stopped'),
  );
}

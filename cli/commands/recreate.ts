import { Option, type Command } from 'commander';
import type { CliContext } from '../context';
import { recreatePlan } from '../operations';
import { planCommand } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand<{ dryRun?: boolean; push?: boolean; kubeconfig?: string; confirm?: string; emptyPersist?: boolean }>(
    program,
    ctx,
    'recreate',
    'start fresh with a new environmentId (all current data becomes unreachable)',
    (op, o) => recreatePlan(op, { confirm: o.confirm, emptyPersist: !!o.emptyPersist, push: !!o.push }),
    (c) =>
      c
        .addOption(new Option('--confirm <environment>', 'repeat the environment name to confirm'))
        .option('--empty-persist', 'also delete every blob in the persist container (only while the instance is stopped)')
        .option('--kubeconfig <file>', 'kubeconfig of the cluster, to check the instance is stopped'),
  );
}

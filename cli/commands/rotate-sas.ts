import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { rotateSasPlan } from '../operations';
import { planCommand } from './plan-command';

export function register(program: Command, ctx: CliContext): void {
  planCommand(program, ctx, 'rotate-sas', 'issue a new SAS, re-seal and roll out (Materialize never refreshes a SAS)', (op, o) =>
    rotateSasPlan(op, { push: !!o.push }),
  );
}

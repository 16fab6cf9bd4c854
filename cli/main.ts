import '../core/fast-start';
import { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ca from './commands/ca';
import * as deploy from './commands/deploy';
import * as diff from './commands/diff';
import * as doctor from './commands/doctor';
import * as promote from './commands/promote';
import * as recreate from './commands/recreate';
import * as rollout from './commands/rollout';
import * as rotateSas from './commands/rotate-sas';
import * as sampleData from './commands/sample-data';
import * as seal from './commands/seal';
import * as sql from './commands/sql';
import * as status from './commands/status';
import * as upgrade from './commands/upgrade';
import { createContext, type CliContext } from './context';

const ROOT = resolve(__dirname, '..');

/** One module per command, in the order `--help` lists them; each registers itself on the program with the shared context. */
const COMMANDS: readonly { register(program: Command, ctx: CliContext): void }[] = [
  seal,
  deploy,
  ca,
  doctor,
  status,
  rollout,
  promote,
  upgrade,
  rotateSas,
  recreate,
  sql,
  sampleData,
  diff,
];

export function buildProgram(ctx: CliContext = createContext(ROOT)): Command {
  const program = new Command('mzops')
    .description(
      'Operate Materialize on Azure: deploy, seal, doctor, status, rollout, promote, upgrade, rotate-sas, sql, sample-data, diff',
    )
    .version((JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
    // A usage mistake is one error: line and one hint: line, as every other failure.
    .showHelpAfterError('hint: add --help to the command for its arguments and options')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const command of COMMANDS) command.register(program, ctx);
  return program;
}

if (require.main === module) {
  // `mzops ... | head` closes the pipe early: that ends the output, not in a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: Error) => {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 1;
    });
}

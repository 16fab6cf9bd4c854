import '../core/fast-start';
import { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COMMAND_CATALOG } from './commands/catalog';
import { createContext, type CliContext } from './context';

const ROOT = resolve(__dirname, '..');

/**
 * The program. Only the command being run is loaded (its module pulls in what it needs: cdktf, the
 * Azure SDK, kafkajs); the others are listed by name and description from the catalog, so
 * `mzops --help` and a usage error answer at once. `all` loads every command (tests that read every
 * option).
 */
export function buildProgram(ctx: CliContext = createContext(ROOT), options: { argv?: readonly string[]; all?: boolean } = {}): Command {
  const program = new Command('mzops')
    .description('Deploy, review and run Materialize on Azure, the GitOps way (mzops <command> --help for each)')
    .version((JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
    // A usage mistake is one error: line and one hint: line, as every other failure.
    .showHelpAfterError('hint: add --help to the command for its arguments and options')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const named = (options.argv ?? []).slice(2).find((a) => !a.startsWith('-'));
  for (const command of COMMAND_CATALOG) {
    if (options.all || command.name === named) command.load().register(program, ctx);
    // Listed only: `mzops --help` shows it, and an unknown command is told the known ones.
    else program.command(command.name).description(command.description).allowUnknownOption().allowExcessArguments();
  }
  return program;
}

/** Runs the CLI on an argument vector (node, script, ...arguments). */
export function main(argv: readonly string[]): void {
  // `mzops ... | head` closes the pipe early: that ends the output, not in a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  buildProgram(undefined, { argv })
    .parseAsync([...argv])
    .catch((e: Error) => {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 1;
    });
}

if (require.main === module) main(process.argv);

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { COMMAND_DESCRIPTIONS, type CommandName } from './descriptions';

/** What a command module exports: it registers itself, with its options and action, on the program. */
export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/**
 * Every command, in the order `--help` lists them. A module is loaded only when its command runs
 * (or its own help is asked for): the list needs none of them, and loading all of them (cdktf, the
 * Azure SDK, kafkajs) cost `mzops --help` 0.37 s of its 0.46 s.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: Record<CommandName, () => CommandModule> = {
  seal: () => require('./seal'),
  deploy: () => require('./deploy'),
  ca: () => require('./ca'),
  doctor: () => require('./doctor'),
  status: () => require('./status'),
  dashboards: () => require('./dashboards'),
  rollout: () => require('./rollout'),
  promote: () => require('./promote'),
  upgrade: () => require('./upgrade'),
  'rotate-sas': () => require('./rotate-sas'),
  recreate: () => require('./recreate'),
  sql: () => require('./sql'),
  'sample-data': () => require('./sample-data'),
  diff: () => require('./diff'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const COMMAND_CATALOG: readonly { name: CommandName; description: string; load: () => CommandModule }[] = (
  Object.keys(COMMAND_DESCRIPTIONS) as CommandName[]
).map((name) => ({ name, description: COMMAND_DESCRIPTIONS[name], load: LOADERS[name] }));

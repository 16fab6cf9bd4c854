import type { Environment } from '../model/environment';

/** What a command module needs from the CLI entry point. */
export interface CommandDeps {
  readonly root: string;
  readonly environment: (name: string) => Environment;
  /** Wraps a command body: failures become one diagnosis line, one hint line and exit 1. */
  readonly action: <A extends unknown[]>(fn: (...args: A) => Promise<void> | void) => (...args: A) => Promise<void>;
  readonly out: (line: string) => void;
}

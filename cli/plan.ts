import { CliError } from './errors';
import { runAttached } from './runner';

/** One step of a long command: shown before it runs, printed instead of run under --dry-run. */
export interface Step {
  readonly title: string;
  /** The external command, shown to the user; run by `run` unless it is given. */
  readonly command?: string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Deadline of `command`. @default 2 hours: an AKS cluster and a Flexible Server take tens of minutes to create */
  readonly timeoutMs?: number;
  readonly run?: () => Promise<void> | void;
}

const STEP_TIMEOUT_MS = 2 * 60 * 60 * 1000;

export type Log = (line: string) => void;

export function describePlan(steps: Step[]): string[] {
  return steps.flatMap((s, i) => [`${i + 1}. ${s.title}`, ...(s.command ? [`   $ ${s.command.join(' ')}`] : [])]);
}

export async function runCommand(
  command: string[],
  { env, timeoutMs = STEP_TIMEOUT_MS, cwd }: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<void> {
  const r = await runAttached(command[0], command.slice(1), { env, timeoutMs, cwd });
  if (r.timedOut)
    throw new CliError(
      `\`${command.join(' ')}\` did not finish within ${timeoutMs / 60_000} minutes`,
      'read its output above; run the step again',
    );
  // Killed from outside is not "could not start": telling the user to install terraform after the
  // OOM killer ended it sends them the wrong way.
  if (r.signal)
    throw new CliError(
      `\`${command.join(' ')}\` was ended by ${r.signal}`,
      'something else stopped it (out of memory, or a signal sent to it); read its output above',
    );
  if (r.status === null) throw new CliError(`${command[0]} could not start: ${r.stderr}`, `install ${command[0]} and put it on PATH`);
  if (r.status !== 0) throw new CliError(`\`${command.join(' ')}\` exited with ${r.status}`, 'read its output above');
}

/**
 * Runs the steps in order, stopping at the first failure. Commands run in `cwd`, the repository
 * root: their paths (`--outputs-file .mzops/...`, `-chdir=cdktf.out/...`) are relative to it, and
 * cdktf looks for cdktf.json there, whichever folder the user typed the command in.
 */
export async function runPlan(steps: Step[], options: { dryRun?: boolean; log: Log; cwd?: string }): Promise<void> {
  if (options.dryRun) {
    for (const line of describePlan(steps)) options.log(line);
    return;
  }
  for (const [i, step] of steps.entries()) {
    options.log(`[${i + 1}/${steps.length}] ${step.title}`);
    try {
      if (step.run) await step.run();
      else if (step.command) await runCommand(step.command, { env: step.env, timeoutMs: step.timeoutMs, cwd: options.cwd });
    } catch (e) {
      // Which step stopped, and that the run can be repeated: every step is safe to run again.
      const done = i === 0 ? 'no step had run' : i === 1 ? 'step 1 is done' : `steps 1-${i} are done`;
      const hint = e instanceof CliError ? e.hint : undefined;
      throw new CliError(
        `step ${i + 1}/${steps.length} (${step.title}) failed: ${(e as Error).message}`,
        `${hint ? `${hint}; then ` : ''}run the same command again (${done}, and each step is safe to repeat)`,
      );
    }
  }
}

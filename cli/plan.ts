import { spawn } from 'node:child_process';
import { CliError } from './errors';

/** One step of a long command: shown before it runs, printed instead of run under --dry-run. */
export interface Step {
  readonly title: string;
  /** The external command, shown to the user; run by `run` unless it is given. */
  readonly command?: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly run?: () => Promise<void> | void;
}

export type Log = (line: string) => void;

export function describePlan(steps: Step[]): string[] {
  return steps.flatMap((s, i) => [`${i + 1}. ${s.title}`, ...(s.command ? [`   $ ${s.command.join(' ')}`] : [])]);
}

export function runCommand(command: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (e) =>
      reject(new CliError(`${command[0]} could not start: ${e.message}`, `install ${command[0]} and put it on PATH`)),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new CliError(`\`${command.join(' ')}\` exited with ${code}`, 'read its output above')),
    );
  });
}

export async function runPlan(steps: Step[], options: { dryRun?: boolean; log: Log }): Promise<void> {
  if (options.dryRun) {
    for (const line of describePlan(steps)) options.log(line);
    return;
  }
  for (const [i, step] of steps.entries()) {
    options.log(`[${i + 1}/${steps.length}] ${step.title}`);
    if (step.run) await step.run();
    else if (step.command) await runCommand(step.command, step.env);
  }
}

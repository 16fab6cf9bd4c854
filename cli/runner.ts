import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';

/**
 * The one way mzops runs another program. Every run has a deadline (a hung `az`, `terraform` or
 * `kubectl` ends, and says so), every running child is known (a signal kills them all before the
 * command exits), and the result has one shape, so tests replace the runner and record exactly
 * what would have run.
 */
export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** @default 60000 */
  readonly timeoutMs?: number;
  readonly input?: string;
  /** The terminal attached (the user sees the program's own progress); nothing is captured. */
  readonly attached?: boolean;
}

export interface RunResult {
  /** null when it could not start, was killed at the deadline, or was ended by a signal. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** The signal that ended it from outside (the OOM killer's SIGKILL, a Ctrl-C's SIGINT), not the deadline's. */
  readonly signal?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const running = new Set<ChildProcess>();

/** Registers a child so that `killAll` reaches it; returns it. */
export function track<T extends ChildProcess>(child: T): T {
  running.add(child);
  child.once('close', () => running.delete(child));
  return child;
}

/** Kills every child still running (a signal handler calls it before exiting). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs to completion, capturing output. For short calls: `az account show`, `git status`, `terraform output`. */
export function runSync(command: string, args: readonly string[], options: RunOptions = {}): RunResult {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ? { ...process.env, ...options.env } : process.env,
    input: options.input,
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
    maxBuffer: 32 * 1024 * 1024,
    stdio: options.attached ? 'inherit' : 'pipe',
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const stderr = timedOut ? `${command} did not finish within ${timeout / 1000} s` : r.error ? r.error.message : (r.stderr ?? '');
  const signal = !timedOut && !r.error && r.signal ? r.signal : undefined;
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr, timedOut, ...(signal ? { signal } : {}) };
}

/** Runs without blocking, capturing output: for calls made while other work goes on (kubectl reads). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = track(
      spawn(command, args, {
        cwd: options.cwd,
        env: options.env ? { ...process.env, ...options.env } : process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', (e) => (stderr += e.message));
    // A child that exits without reading its input makes the write fail with EPIPE; unhandled, that
    // error event would crash mzops. Its exit status says what happened.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input ?? '');
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        status: timedOut ? null : code,
        stdout,
        stderr: timedOut ? `${command} did not finish within ${timeout / 1000} s` : stderr,
        timedOut,
        ...(!timedOut && signal ? { signal } : {}),
      });
    });
  });
}

/** Runs with the terminal attached (cdktf deploy, terraform apply): the user sees its own progress. */
export function runAttached(
  command: string,
  args: readonly string[],
  options: RunOptions & { stdio?: StdioOptions } = {},
): Promise<RunResult> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = track(
      spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: options.stdio ?? 'inherit' }),
    );
    let timedOut = false;
    let startError = '';
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (e) => (startError = e.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        status: timedOut || startError ? null : code,
        stdout: '',
        stderr: timedOut ? `${command} did not finish within ${timeout / 1000} s` : startError,
        timedOut,
        ...(!timedOut && !startError && signal ? { signal } : {}),
      });
    });
  });
}

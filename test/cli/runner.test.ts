import { CliError } from '../../cli/errors';
import { runCommand } from '../../cli/plan';
import { killAll, run, runAttached, runSync } from '../../cli/runner';

describe('the one process runner', () => {
  it('captures output and the exit status', async () => {
    expect(runSync('sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({
      status: 3,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
    });
    expect(await run('sh', ['-c', 'cat; exit 0'], { input: 'piped' })).toEqual({ status: 0, stdout: 'piped', stderr: '', timedOut: false });
  });

  it('ends a child at its deadline and says so', async () => {
    const started = Date.now();
    expect(runSync('sleep', ['10'], { timeoutMs: 300 })).toMatchObject({
      status: null,
      timedOut: true,
      stderr: 'sleep did not finish within 0.3 s',
    });
    expect(await run('sleep', ['10'], { timeoutMs: 300 })).toMatchObject({
      status: null,
      timedOut: true,
      stderr: 'sleep did not finish within 0.3 s',
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a program that cannot start, and kills every running child on request', async () => {
    expect(runSync('mzops-no-such-program', [])).toMatchObject({ status: null, timedOut: false, stderr: expect.stringMatching(/ENOENT/) });
    const started = Date.now();
    const pending = run('sleep', ['10'], { timeoutMs: 20_000 });
    setTimeout(killAll, 200);
    expect((await pending).status).toBeNull();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('tells a program ended by a signal from one that could not start', async () => {
    const killed = ['sh', '-c', 'kill -9 $$'];
    expect(runSync(killed[0], killed.slice(1))).toMatchObject({ status: null, signal: 'SIGKILL', timedOut: false });
    expect(await run(killed[0], killed.slice(1))).toMatchObject({ status: null, signal: 'SIGKILL', timedOut: false });
    expect(await runAttached(killed[0], killed.slice(1), { stdio: 'ignore' })).toMatchObject({ status: null, signal: 'SIGKILL' });
    // The deadline's own SIGKILL is reported as the deadline, not as a signal from outside.
    expect(runSync('sleep', ['10'], { timeoutMs: 200 }).signal).toBeUndefined();
  });
});

describe('the step a plan runs: each way it can fail has its own hint', () => {
  async function failure(command: string[], timeoutMs?: number): Promise<{ message: string; hint: string }> {
    const e = await runCommand(command, { timeoutMs }).then(
      () => undefined,
      (x: unknown) => x,
    );
    if (!(e instanceof CliError)) throw new Error(`expected a CliError from ${command.join(' ')}`);
    return { message: e.message, hint: e.hint ?? '' };
  }

  it('a missing program: install it', async () => {
    expect(await failure(['mzops-no-such-program'])).toEqual({
      message: expect.stringMatching(/^mzops-no-such-program could not start: .*ENOENT/),
      hint: 'install mzops-no-such-program and put it on PATH',
    });
  });

  it('a non-zero exit: its own output says why', async () => {
    expect(await failure(['sh', '-c', 'exit 3'])).toEqual({ message: '`sh -c exit 3` exited with 3', hint: 'read its output above' });
  });

  it('killed from outside (the OOM killer): not "install it"', async () => {
    const r = await failure(['sh', '-c', 'kill -9 $$']);
    expect(r.message).toBe('`sh -c kill -9 $$` was ended by SIGKILL');
    expect(r.hint).not.toMatch(/install/);
    expect(r.hint).toMatch(/out of memory/);
  });

  it('past its deadline: says so and that the step can run again', async () => {
    expect(await failure(['sleep', '10'], 60_000 / 200)).toEqual({
      message: '`sleep 10` did not finish within 0.005 minutes',
      hint: 'read its output above; run the step again',
    });
  });
});

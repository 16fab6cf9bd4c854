import { killAll, run, runSync } from '../../cli/runner';

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
});

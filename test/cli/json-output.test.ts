import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGISTER, REPO_ROOT } from '../helpers';

/**
 * `--json` on status, doctor, sql plan and diff: one parseable document on stdout, of the schema
 * the README documents, run as a user without Azure or a cluster would (no outputs, no kubeconfig).
 */
const home = mkdtempSync(join(tmpdir(), 'mz-json-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function mzops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--require', REGISTER, 'cli/main.ts', ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir(), KUBECONFIG: join(home, 'none') }, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('--json', () => {
  it('mzops doctor: mzops.doctor/v1, every check with its area, status and fix, a summary that counts them, exit 1 on a failure', async () => {
    const r = await mzops('doctor', 'example', '--json', '--outputs', join(home, 'absent.json'));
    const doc = JSON.parse(r.stdout) as {
      schema: string;
      environment: string;
      checks: { area: string; status: string; detail: string; fix?: string }[];
      summary: Record<string, number>;
    };
    expect(doc.schema).toBe('mzops.doctor/v1');
    expect(doc.environment).toBe('example');
    expect(doc.checks.length).toBeGreaterThan(3);
    for (const c of doc.checks) {
      expect(['ok', 'warn', 'fail']).toContain(c.status);
      if (c.status !== 'ok') expect(c.fix).toEqual(expect.any(String));
    }
    for (const s of ['ok', 'warn', 'fail']) expect(doc.summary[s]).toBe(doc.checks.filter((c) => c.status === s).length);
    expect(r.code).toBe(doc.summary.fail > 0 ? 1 : 0);
  }, 120_000);

  it('mzops status: mzops.status/v1, each section with rows, lines or why it is unavailable', async () => {
    const r = await mzops('status', 'example', '--json', '--outputs', join(home, 'absent.json'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; clusterRead: boolean; sections: { title: string; unavailable?: string }[] };
    expect(doc).toMatchObject({ schema: 'mzops.status/v1', environment: 'example', cluster: 'mzexample-aks', clusterRead: false });
    expect(doc.sections).toEqual([{ id: 'persist', title: 'Persist container', unavailable: 'no persist_backend_url output' }]);
  }, 120_000);

  it('mzops sql plan: mzops.sql-plan/v1, each statement with its kind, object and masked SQL', async () => {
    const r = await mzops('sql', 'plan', 'example', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; statements: { kind: string; object: string; sql: string }[] };
    expect(doc.schema).toBe('mzops.sql-plan/v1');
    expect(doc.statements.map((s) => s.kind)).toContain('cluster');
    expect(doc.statements.find((s) => s.sql.startsWith('CREATE SECRET'))!.sql).toMatch(/'<redacted>'/);
  }, 120_000);

  it('mzops diff: mzops.diff/v1, the same report as --format json', async () => {
    const r = await mzops('diff', 'example', '--base', 'HEAD', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; dangerous: boolean; environments: unknown[] };
    expect(doc.schema).toBe('mzops.diff/v1');
    expect(typeof doc.dangerous).toBe('boolean');
  }, 180_000);
});

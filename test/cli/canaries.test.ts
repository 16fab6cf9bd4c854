import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../cli/main';
import { rolePasswordVariable, VARIABLES } from '../../model/variables';
import { REGISTER, REPO_ROOT } from '../helpers';

/**
 * Every secret a user can give mzops, set to a random canary, and every command run the way it
 * runs on a machine without Azure or a cluster: each fails, or prints a plan. No output, failing
 * or not, may hold any eight characters of a canary.
 */
const canary = () => `Cz${randomBytes(12).toString('base64url')}`;

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('no secret in any command output', () => {
  it('holds for every command, on the paths that fail and those that print', async () => {
    const secrets: Record<string, string> = {};
    for (const v of Object.values(VARIABLES)) if (v.secret) secrets[v.name] = canary();
    secrets[rolePasswordVariable('analyst')] = canary();
    const key = canary();
    secrets[VARIABLES.eventHubsConnectionString.name] =
      `Endpoint=sb://mzexample-ehn.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=${key}`;
    secrets[VARIABLES.eventHubsPublisherConnectionString.name] =
      `Endpoint=sb://mzexample-ehn.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${canary()}`;
    secrets[VARIABLES.licenseKey.name] = `eyJ${canary()}.eyJ${canary()}.${canary()}`;

    const port = await closedPort();
    const home = mkdtempSync(join(tmpdir(), 'mz-canary-home-'));
    const runs: [string, string[]][] = [
      ['seal', ['seal', 'example']],
      ['deploy', ['deploy', 'example']],
      ['ca', ['ca', 'example']],
      ['doctor', ['doctor', 'example']],
      ['status', ['status', 'example']],
      ['dashboards', ['dashboards', 'example']],
      ['rollout', ['rollout', 'example', '--dry-run']],
      ['promote', ['promote', 'example', '--dry-run']],
      ['upgrade', ['upgrade', 'example', '--to', 'v26.37.0', '--dry-run']],
      ['rotate-sas', ['rotate-sas', 'example', '--dry-run']],
      ['recreate', ['recreate', 'example', '--confirm', 'example', '--dry-run']],
      ['sql plan', ['sql', 'plan', 'example']],
      ['sql apply', ['sql', 'apply', 'example', '--host', '127.0.0.1', '--port', String(port)]],
      ['sample-data', ['sample-data', 'example', 'orders', '--count', '1', '--broker', `127.0.0.1:${port}`]],
      ['diff', ['diff', '--base', 'HEAD', '--format', 'json']],
    ];
    // Every command the program registers is among them: a new command joins this test or fails it.
    const registered = buildProgram(undefined, { all: true }).commands.map((c) => c.name());
    expect(registered.filter((name) => !runs.some(([, args]) => args[0] === name))).toEqual([]);
    try {
      const outputs = await Promise.all(
        runs.map(
          ([label, args]) =>
            new Promise<string>((resolve) =>
              execFile(
                process.execPath,
                ['--require', REGISTER, 'cli/main.ts', ...args],
                { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir(), ...secrets }, timeout: 90_000 },
                (error, stdout, stderr) => resolve(`${label}: exit ${error ? (error.code ?? error.signal) : 0}\n${stdout}${stderr}`),
              ),
            ),
        ),
      );
      const all = outputs.join('\n');
      // The commands did run: the plans printed, the failures explained themselves.
      expect(all).toMatch(/sql plan: exit 0[\s\S]*CREATE SECRET/);
      expect(all).toMatch(/deploy: exit 1\n[\s\S]*error: /);
      const leaks: string[] = [];
      for (const [name, value] of Object.entries(secrets)) {
        const secretPart = value.includes('SharedAccessKey=') ? value.split('SharedAccessKey=')[1] : value;
        for (let i = 0; i + 8 <= secretPart.length; i++) {
          const fragment = secretPart.slice(i, i + 8);
          if (all.includes(fragment)) leaks.push(`${name}: "${fragment}"`);
        }
      }
      expect(leaks).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REGISTER, REPO_ROOT } from '../helpers';
import { tempRepo, writeEnvironment } from '../support/repo';

const run = promisify(execFile);

/** Every way a secret can reach the process: Terraform variables and the user's environment. */
export const CANARIES: Record<string, string> = {
  TF_VAR_postgres_admin_password: 'CANARY-pg-admin-7f3a',
  TF_VAR_git_https_token: 'CANARY-git-token-2b8e',
  TF_VAR_git_ssh_private_key: 'CANARY-ssh-key-9c1d',
  TF_VAR_git_ssh_known_hosts: 'CANARY-known-hosts-4f6a',
  MZ_LICENSE_KEY: 'CANARY-license-91bd',
  MZ_SYSTEM_PASSWORD: 'CANARY-mzsystem-4c2e',
  POSTGRES_PASSWORD: 'CANARY-postgres-pw-0d8f',
  AZURE_STORAGE_KEY: 'CANARY-storage-key-55aa',
  AZURE_STORAGE_SAS_TOKEN: 'CANARY-sas-token-3e1c',
  EVENTHUBS_CONNECTION_STRING: 'CANARY-eh-conn-b7d0',
  ARM_CLIENT_SECRET: 'CANARY-arm-secret-6a9b',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('no secret reaches cdktf.out or dist', () => {
  // The repository's own environments (whatever a user added) and the fixtures, in one layout.
  const names = [
    ...new Set([
      ...readdirSync(join(REPO_ROOT, 'environments'))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => f.replace(/\.ts$/, '')),
      'staging',
      'prod',
    ]),
  ];
  const out = tempRepo([]);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes every environment with canaries set and finds none of them in the output', async () => {
    for (const n of names) writeEnvironment(out, n);
    await run(process.execPath, ['--require', REGISTER, 'scripts/synth.ts', '--root', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...CANARIES },
    });
    const files = filesUnder(join(out, 'cdktf.out')).concat(filesUnder(join(out, 'dist')));
    expect(files.filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(names.length);
    expect(files.filter((f) => f.endsWith('.yaml')).length).toBeGreaterThan(30);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const canary of Object.values(CANARIES)) expect(text).not.toContain(canary);
      expect(text).not.toMatch(/CANARY-/);
    }
    // The variable is declared, so the secret arrives only at plan time.
    expect(readFileSync(join(out, 'cdktf.out', 'stacks', 'prod', 'cdk.tf.json'), 'utf8')).toContain('"postgres_admin_password"');
  });
});

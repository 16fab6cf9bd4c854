import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT } from '../helpers';

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
  const out = mkdtempSync(join(tmpdir(), 'mz-canary-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes every environment with canaries set and finds none of them in the output', async () => {
    const synth = (dir: string | undefined, outdir: string) =>
      run(process.execPath, ['--import', 'tsx', 'scripts/synth.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...CANARIES, MZ_CDKTF_OUT: join(outdir, 'cdktf.out'), MZ_DIST_DIR: join(outdir, 'dist'), ...(dir ? { MZ_ENVIRONMENTS_DIR: dir } : {}) },
      });
    await Promise.all([synth(undefined, join(out, 'repo')), synth(FIXTURE_ENVIRONMENTS_DIR, join(out, 'fixtures'))]);
    const files = filesUnder(out);
    expect(files.filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.yaml')).length).toBeGreaterThan(30);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const canary of Object.values(CANARIES)) expect(text).not.toContain(canary);
      expect(text).not.toMatch(/CANARY-/);
    }
    // The variable is declared, so the secret arrives only at plan time.
    expect(readFileSync(join(out, 'fixtures', 'cdktf.out', 'stacks', 'prod', 'cdk.tf.json'), 'utf8')).toContain('"postgres_admin_password"');
  });
});

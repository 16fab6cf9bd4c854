import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { loadAllEnvironments } from '../../core/environments';
import { checkTree, renderGitops, SynthRefusedError } from '../../manifests/gitops';
import { renderEnvironment } from '../../manifests/render';
import { loadEnvironment } from '../../model/load';
import { env, exampleWith, REGISTER, REPO_ROOT } from '../helpers';
import { snapshotTree, tempRepo } from '../support/repo';

const run = promisify(execFile);

function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('rendering dist/<env>', () => {
  const context = (previousDir: string) => ({
    environmentsDir: join(REPO_ROOT, 'environments'),
    previousDir,
    environmentIdChangeAccepted: false,
  });

  it('renders every folder with a kustomization.yaml, byte-identical on a second run', () => {
    const first = renderGitops(env('example'), context('/nonexistent'));
    for (const folder of ['', 'flux/', 'infrastructure/', 'instance/'])
      expect([...first.files.keys()]).toContain(`${folder}kustomization.yaml`);
    expect(renderGitops(env('example'), context('/nonexistent')).files).toEqual(first.files);
  });

  it('refuses a changed environmentId against the committed folder, unless forced', () => {
    const moved = (force: boolean) =>
      loadEnvironment(
        exampleWith((d) => {
          d.materialize.environmentId = '99999999-9999-4999-8999-999999999999';
          d.materialize.requestRollout = '55555555-5555-4555-8555-555555555555';
          d.materialize.forceEnvironmentIdChange = force;
        }),
      );
    const committed = join(REPO_ROOT, 'dist', 'example');
    expect(() => renderGitops(moved(false), context(committed))).toThrow(SynthRefusedError);
    expect(() => renderGitops(moved(false), context(committed))).toThrow(
      /environment "example": materialize.environmentId changed from 7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17 to 99999999-.*orphans all data.*forceEnvironmentIdChange/,
    );
    expect(
      renderGitops(moved(true), context(committed)).files.get('instance/materialize-materialize-environment.materialize.yaml'),
    ).toContain('99999999-9999-4999-8999-999999999999');
    expect(renderGitops(moved(false), { ...context(committed), environmentIdChangeAccepted: true }).files.size).toBeGreaterThan(10);
  });

  it('refuses to write a folder with no resources', () => {
    const tree = renderEnvironment(env('example'), { sealed: null });
    for (const key of [...tree.keys()]) if (key.startsWith('instance/') && !key.endsWith('kustomization.yaml')) tree.delete(key);
    expect(() => checkTree(env('example'), tree)).toThrow(/refusing to write dist\/example\/instance with no resources/);
  });

  it('refuses a plain Secret', () => {
    const tree = renderEnvironment(env('example'), { sealed: null });
    tree.set(
      'instance/secret-materialize-environment.leak.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  namespace: materialize-environment\nstringData:\n  password: hunter2\n',
    );
    expect(() => checkTree(env('example'), tree)).toThrow(/plain Secret/);
  });

  it('a bad environment file fails npm run synth with one message and writes nothing', async () => {
    const root = tempRepo(['example']);
    try {
      mkdirSync(join(root, 'dist', 'example'), { recursive: true });
      writeFileSync(join(root, 'dist', 'example', 'kustomization.yaml'), 'previous\n');
      mkdirSync(join(root, 'cdktf.out'));
      writeFileSync(join(root, 'cdktf.out', 'previous.json'), '{}');
      writeFileSync(
        join(root, 'environments', 'broken.ts'),
        `import base from ${JSON.stringify(join(REPO_ROOT, 'environments', 'example'))};\nexport default { ...base, name: 'broken', prefix: 'broken', access: { publicLoadBalancers: true }, allowedClientRanges: [] };\n`,
      );
      const before = snapshotTree(root);
      const result = await run(process.execPath, ['--require', REGISTER, 'scripts/synth.ts', '--root', root], { cwd: REPO_ROOT }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(
        /^environments\/broken.ts: environment "broken": allowedClientRanges must list client ranges when access.publicLoadBalancers is on .*; for example \["203.0.113.0\/24"\]$/,
      );
      expect(snapshotTree(root)).toEqual(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses an environment file whose name differs from the environment it defines', async () => {
    const root = tempRepo(['example']);
    try {
      writeFileSync(
        join(root, 'environments', 'dev.ts'),
        `import base from ${JSON.stringify(join(REPO_ROOT, 'environments', 'example'))};\nexport default { ...base, name: 'devx', prefix: 'devx', materialize: { ...base.materialize, environmentId: '0b6c2f4e-3d5a-4e7b-9c1d-2f8a6b4c0e20' } };\n`,
      );
      const result = await run(process.execPath, ['--require', REGISTER, 'scripts/synth.ts', '--root', root], { cwd: REPO_ROOT }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        'environment "devx": name must match its file name environments/dev.ts (got "devx"); for example "dev" (or rename the file to devx.ts)',
      );
      expect(existsSync(join(root, 'dist'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('kubectl kustomize', () => {
  const root = mkdtempSync(join(tmpdir(), 'mz-kustomize-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(['example', 'staging', 'prod'])('builds every folder of %s, as Flux does', async (name) => {
    for (const [rel, text] of renderGitops(env(name), {
      environmentsDir: join(REPO_ROOT, 'environments'),
      previousDir: '/nonexistent',
      environmentIdChangeAccepted: false,
    }).files) {
      mkdirSync(dirname(join(root, name, rel)), { recursive: true });
      writeFileSync(join(root, name, rel), text);
    }
    for (const folder of ['', 'flux', 'infrastructure', 'instance']) {
      const { stdout } = await run('kubectl', ['kustomize', join(root, name, folder)]);
      expect(stdout).toMatch(/^apiVersion: /m);
    }
  });
});

describe('committed dist/', () => {
  it('equals a fresh rendering of the repository environments (drift check)', () => {
    const envs = loadAllEnvironments(join(REPO_ROOT, 'environments'));
    expect(envs.length).toBeGreaterThan(0);
    for (const e of envs) {
      const fresh = Object.fromEntries(
        renderGitops(e, {
          environmentsDir: join(REPO_ROOT, 'environments'),
          previousDir: join(REPO_ROOT, 'dist', e.name),
          environmentIdChangeAccepted: false,
        }).files,
      );
      expect([`dist/${e.name}`, snapshotDir(join(REPO_ROOT, 'dist', e.name))]).toEqual([`dist/${e.name}`, fresh]);
    }
  });
});

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { renderEnvironment } from '../../manifests/render';
import { checkTree, SynthRefusedError, writeDist } from '../../manifests/write-dist';
import { loadEnvironment } from '../../model/load';
import { env, exampleWith, REPO_ROOT } from '../helpers';

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

describe('writing dist/', () => {
  let dist: string;
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'mz-dist-'));
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it('writes every folder with a kustomization.yaml and removes stale files', () => {
    writeDist([env('example')], dist);
    writeFileSync(join(dist, 'example', 'instance', 'stale.yaml'), 'kind: ConfigMap\n');
    writeDist([env('example')], dist);
    const files = Object.keys(snapshotDir(dist));
    expect(files).not.toContain('example/instance/stale.yaml');
    for (const folder of ['example', 'example/flux', 'example/infrastructure', 'example/instance']) expect(files).toContain(`${folder}/kustomization.yaml`);
    expect(readdirSync(dist).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('writes byte-identical files on a second run', () => {
    writeDist([env('example'), env('staging')], dist);
    const first = snapshotDir(dist);
    writeDist([env('example'), env('staging')], dist);
    expect(snapshotDir(dist)).toEqual(first);
  });

  it('refuses a changed environmentId and leaves the previous output untouched', () => {
    writeDist([env('example')], dist);
    const before = snapshotDir(dist);
    const moved = loadEnvironment(exampleWith((d) => (d.materialize.environmentId = '99999999-9999-4999-8999-999999999999')));
    expect(() => writeDist([moved], dist)).toThrow(SynthRefusedError);
    expect(() => writeDist([moved], dist)).toThrow(/environment "example": materialize.environmentId changed from 7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17 to 99999999-.*orphans all data.*forceEnvironmentIdChange/);
    expect(snapshotDir(dist)).toEqual(before);
  });

  it('accepts a changed environmentId when forced', () => {
    writeDist([env('example')], dist);
    const forced = loadEnvironment(exampleWith((d) => {
      d.materialize.environmentId = '99999999-9999-4999-8999-999999999999';
      d.materialize.forceEnvironmentIdChange = true;
    }));
    writeDist([forced], dist);
    expect(readFileSync(join(dist, 'example', 'instance', 'materialize-materialize-environment.materialize.yaml'), 'utf8')).toContain('99999999-9999-4999-8999-999999999999');
  });

  it('refuses to write a folder with no resources', () => {
    const tree = renderEnvironment(env('example'), { sealed: null });
    for (const key of [...tree.keys()]) if (key.startsWith('instance/') && !key.endsWith('kustomization.yaml')) tree.delete(key);
    expect(() => checkTree(env('example'), tree)).toThrow(/refusing to write dist\/example\/instance with no resources/);
  });

  it('refuses a plain Secret', () => {
    const tree = renderEnvironment(env('example'), { sealed: null });
    tree.set('instance/secret-materialize-environment.leak.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  namespace: materialize-environment\nstringData:\n  password: hunter2\n');
    expect(() => checkTree(env('example'), tree)).toThrow(/plain Secret/);
  });

  it('reports orphaned folders and never deletes them', () => {
    mkdirSync(join(dist, 'retired', 'flux'), { recursive: true });
    const report = writeDist([env('example')], dist);
    expect(report.orphans).toEqual(['retired']);
    expect(existsSync(join(dist, 'retired', 'flux'))).toBe(true);
  });

  it('a bad environment file fails npm run synth with one message and writes nothing', async () => {
    const envDir = mkdtempSync(join(tmpdir(), 'mz-envs-'));
    const cdktfOut = join(dist, 'cdktf.out');
    mkdirSync(join(dist, 'dist', 'example'), { recursive: true });
    writeFileSync(join(dist, 'dist', 'example', 'kustomization.yaml'), 'previous\n');
    mkdirSync(cdktfOut);
    writeFileSync(join(cdktfOut, 'previous.json'), '{}');
    writeFileSync(
      join(envDir, 'broken.ts'),
      `import base from ${JSON.stringify(join(REPO_ROOT, 'environments', 'example'))};\nexport default { ...base, name: 'broken', prefix: 'broken', access: { publicLoadBalancers: true }, allowedClientRanges: [] };\n`,
    );
    const before = snapshotDir(dist);
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/synth.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, MZ_ENVIRONMENTS_DIR: envDir, MZ_DIST_DIR: join(dist, 'dist'), MZ_CDKTF_OUT: cdktfOut },
    }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    rmSync(envDir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^environment "broken": allowedClientRanges must list client ranges when access.publicLoadBalancers is on .*; for example \["203.0.113.0\/24"\]$/);
    expect(snapshotDir(dist)).toEqual(before);
  });
});

describe('kubectl kustomize', () => {
  const root = mkdtempSync(join(tmpdir(), 'mz-kustomize-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(['example', 'staging', 'prod'])('builds every folder of %s, as Flux does', async (name) => {
    writeDist([env(name)], root);
    for (const folder of ['', 'flux', 'infrastructure', 'instance']) {
      const { stdout } = await run('kubectl', ['kustomize', join(root, name, folder)]);
      expect(stdout).toMatch(/^apiVersion: /m);
    }
  });
});

describe('committed dist/', () => {
  it('equals a fresh synth of the repository environments (drift check)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mz-drift-'));
    try {
      const names = readdirSync(join(REPO_ROOT, 'environments')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
      writeDist(names.map((n) => env(n)), fresh);
      for (const n of names) {
        expect([`dist/${n}`, snapshotDir(join(REPO_ROOT, 'dist', n))]).toEqual([`dist/${n}`, snapshotDir(join(fresh, n))]);
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});


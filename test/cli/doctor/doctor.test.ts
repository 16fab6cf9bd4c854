import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCheck } from '../../../cli/doctor/check';
import { renderEnvironment, RENDERED_OBJECTS } from '../../../manifests/render';
import { runDoctor } from '../../../cli/doctor/doctor';
import { RecordedKube } from '../../../cli/kube';
import { sealEnvironment } from '../../../cli/seal/seal-environment';
import { env, REGISTER, REPO_ROOT } from '../../helpers';
import { testAzurite, type TestAzurite } from '../../support/azurite';
import { testPostgres, type TestPostgres } from '../../support/postgres';
import { makeSealingKeyPair } from '../../support/sealing-key';

let pg: TestPostgres;
let azurite: TestAzurite;
let dir: string;
beforeAll(async () => {
  [pg, azurite] = await Promise.all([testPostgres(), testAzurite()]);
  await azurite.createContainer('doctor-persist');
  dir = mkdtempSync(join(tmpdir(), 'mz-doctor-'));
  process.env.PGSSLROOTCERT = pg.caFile;
}, 90_000);
afterAll(async () => {
  delete process.env.PGSSLROOTCERT;
  pg?.stop();
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('mzops doctor, end to end', () => {
  it('runs every area against real PostgreSQL, Azurite and a recorded cluster', async () => {
    const { certPem } = makeSealingKeyPair();
    const outputs = {
      sealing_certificate_pem: certPem,
      metadata_backend_url: pg.url(),
      persist_backend_url: azurite.persistUrl('doctor-persist'),
    };
    const variables = { MZ_LICENSE_KEY: `eyJ${'c'.repeat(100)}` };
    sealEnvironment({ env: env('example'), outputs, variables, root: dir, environmentsDir: dir });
    // Git's resource, synthesized with those sealed values, and the cluster holding it, rolled out.
    const tree = renderEnvironment(env('example'), { environmentsDir: dir });
    const cr = [...RENDERED_OBJECTS.get(tree)!.entries()].find(([, o]) => o.kind === 'Materialize')!;
    mkdirSync(join(dir, 'dist', 'example', 'instance'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'example', cr[0]), tree.get(cr[0])!);
    const recorded = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'kube', 'example-healthy.json'), 'utf8'));
    const live = recorded['materializes.materialize.cloud materialize-environment materialize -'];
    const spec = cr[1].spec as { requestRollout: string; forceRollout: string };
    Object.assign(live.spec, { requestRollout: spec.requestRollout, forceRollout: spec.forceRollout });
    live.status.lastCompletedRolloutRequest = spec.requestRollout;
    const kube = new RecordedKube(recorded);
    const results = await runDoctor({ env: env('example'), outputs, variables, kube, environmentsDir: dir, distDir: join(dir, 'dist') });
    const text = results.map(formatCheck).join('\n');
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(new Set(results.map((r) => r.area))).toEqual(new Set(['variables', 'sealed', 'postgres', 'blob', 'cluster', 'sas', 'metrics']));
    expect(text).toMatch(/^ok {4}sas: the running environmentd started with the SAS Terraform holds$/m);
    expect(text).toMatch(/^ok {4}postgres: TLS login as materialize/m);
    expect(text).toMatch(/^ok {4}blob: put, get, list and delete/m);
    // The test server allows only 60 connections: doctor says so, with the fix.
    expect(text).toMatch(/^warn {2}postgres: max_connections is 60.*\n {6}fix: set postgres.maxConnections/m);
  });

  it('reports unfilled variables and an unsealed environment, and skips what it cannot reach', async () => {
    const results = await runDoctor({
      env: env('example'),
      outputs: {
        metadata_backend_url: 'postgresql://${POSTGRES_USERNAME}:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:5432/materialize?sslmode=require',
      },
      variables: {},
      environmentsDir: join(dir, 'no-environments'),
    });
    const fails = results.filter((r) => r.status === 'fail').map((r) => `${r.area}: ${r.detail}`);
    expect(fails).toEqual([
      'variables: metadata_backend_url still contains ${POSTGRES_USERNAME} (from Terraform output metadata_backend_url)',
      'variables: persist_backend_url is empty (from Terraform output persist_backend_url)',
      'variables: license_key is empty (from MZ_LICENSE_KEY)',
      'sealed: environments/example.sealed.json lacks metadata_backend_url, persist_backend_url, license_key, external_login_password_mz_system',
      'postgres: skipped: no usable metadata_backend_url',
      'blob: skipped: no usable persist_backend_url',
    ]);
    expect(results.find((r) => r.area === 'cluster')).toMatchObject({ status: 'warn', detail: 'skipped: no kubeconfig' });
  });
});

describe('mzops doctor, the license key', () => {
  it('fails a key bound to another environment than materialize.environmentId, with the fix', async () => {
    const payload = Buffer.from(JSON.stringify({ aud: '11111111-2222-4333-8444-555555555555' })).toString('base64url');
    const key = `eyJhbGciOiJFZERTQSJ9.${payload}.${'s'.repeat(86)}`;
    const results = await runDoctor({ env: env('example'), outputs: {}, variables: { MZ_LICENSE_KEY: key }, environmentsDir: dir });
    const failure = results.find((r) => r.status === 'fail' && /license key is for environment/.test(r.detail));
    expect(failure?.detail).toBe(
      'the license key is for environment 11111111-2222-4333-8444-555555555555, but materialize.environmentId is 7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17; the operator would refuse the instance',
    );
    expect(failure?.fix).toMatch(/^set materialize.environmentId to 11111111-2222-4333-8444-555555555555 \(before the first deploy\)/);
  });
});

describe('mzops doctor, with its variables from .env', () => {
  it('verifies PostgreSQL with the PGSSLROOTCERT of .env, and takes the template\'s empty MZ_SYSTEM_PASSWORD for "generate one"', async () => {
    const saved = process.env.PGSSLROOTCERT;
    delete process.env.PGSSLROOTCERT;
    try {
      const variables = { MZ_LICENSE_KEY: `eyJ${'c'.repeat(100)}`, PGSSLROOTCERT: pg.caFile, MZ_SYSTEM_PASSWORD: '' };
      const results = await runDoctor({
        env: env('example'),
        outputs: { metadata_backend_url: pg.url() },
        variables,
        environmentsDir: join(dir, 'none'),
      });
      expect(results.filter((r) => r.area === 'postgres' && r.status === 'fail')).toEqual([]);
      expect(results.filter((r) => r.area === 'postgres' && r.status === 'ok').length).toBeGreaterThan(0);
      expect(results.filter((r) => r.area === 'variables' && /mz_system|MZ_SYSTEM_PASSWORD/.test(r.detail) && r.status !== 'ok')).toEqual(
        [],
      );
    } finally {
      process.env.PGSSLROOTCERT = saved;
    }
  });
});

describe('mzops doctor with a corrupt sealed file', () => {
  it('fails that one check, with the fix that repairs it, and runs every other', async () => {
    const envDir = mkdtempSync(join(tmpdir(), 'mz-doctor-sealed-'));
    try {
      writeFileSync(join(envDir, 'example.sealed.json'), '<<<<<<< HEAD\n{}');
      const outputs = {
        metadata_backend_url: pg.url(),
        persist_backend_url: azurite.persistUrl('doctor-persist'),
        sealing_certificate_pem: 'not a certificate',
      };
      const results = await runDoctor({ env: env('example'), outputs, variables: {}, environmentsDir: envDir });
      const sealed = results.filter((r) => r.area === 'sealed');
      expect(sealed).toEqual([
        expect.objectContaining({ status: 'fail', detail: expect.stringMatching(/example\.sealed\.json is not valid JSON/) }),
      ]);
      expect(sealed[0].fix).toBe('mzops seal example --reseal');
      // PostgreSQL and Blob Storage were still checked, against the real servers.
      expect(results).toContainEqual(expect.objectContaining({ area: 'postgres', status: 'ok' }));
      expect(results).toContainEqual(expect.objectContaining({ area: 'blob', status: 'ok' }));
    } finally {
      rmSync(envDir, { recursive: true, force: true });
    }
  });
});

describe('mzops doctor with a corrupt outputs file', () => {
  const run = (outputs: string) => {
    const home = mkdtempSync(join(tmpdir(), 'mz-doctor-home-'));
    try {
      return spawnSync(process.execPath, ['--require', REGISTER, 'cli/main.ts', 'doctor', 'example', '--outputs', outputs], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir() },
        encoding: 'utf8',
        timeout: 60_000,
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };

  it.each([
    ['truncated', '{"example": {"metadata_backend_url": "postgres://', /is not valid JSON/],
    ['null', 'null', /holds no Terraform outputs/],
  ])(
    'names a %s file as corrupt (not "deploy first"), and runs every check that does not need it',
    (_what, text, rule) => {
      const file = join(dir, `outputs-${_what}.json`);
      writeFileSync(file, text);
      const r = run(file);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^fail {2}outputs: /);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toMatch(rule);
      expect(r.stdout).not.toMatch(/metadata_backend_url is empty/);
      expect(r.stdout).toMatch(
        /^fail {2}variables: metadata_backend_url: not read \(Terraform output metadata_backend_url; .* is not valid JSON|holds no Terraform outputs/m,
      );
      // The other areas still ran and said their piece.
      expect(r.stdout).toMatch(/^(warn|fail) {2}cluster: /m);
      expect(r.status).toBe(1);
    },
    60_000,
  );
});

import type { CliError } from '../../../cli/errors';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { unseal } from '../../../cli/seal/kubeseal';
import { passwordFile, sealEnvironment } from '../../../cli/seal/seal-environment';
import { readStackOutputs } from '../../../cli/terraform-outputs';
import { renderEnvironment } from '../../../manifests/render';
import { BACKEND_SECRET_KEYS } from '../../../model/contract';
import { readSealedValues, sealedValuesPath } from '../../../model/sealed-values';
import { env } from '../../helpers';
import { makeSealingKeyPair } from '../../support/sealing-key';

const { certPem, keyPem } = makeSealingKeyPair();
const target = { namespace: 'materialize-environment', name: 'materialize-backend', scope: 'strict' as const };
const LICENSE = `eyJ${'a'.repeat(120)}.sig`;
/** A license key in JWT form bound to another environment (its payload's aud). */
const jwt = (payload: object) =>
  `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${'s'.repeat(86)}`;
const FOREIGN_LICENSE = jwt({ aud: '11111111-2222-4333-8444-555555555555', exp: 1900000000 });

function outputs(over: Record<string, string | undefined> = {}) {
  return {
    sealing_certificate_pem: certPem,
    metadata_backend_url: 'postgres://materialize:s%24cr%27t@mzexample-pg.postgres.database.azure.com/materialize?sslmode=require',
    persist_backend_url:
      'https://mzexamplepersist.blob.core.windows.net/materialize-persist?sv=2022-11-02&ss=b&srt=sco&sp=rwdlacup&se=2027-05-01T00:00:00Z&sig=abc%2B',
    ...over,
  };
}

describe('mzops seal', () => {
  let root: string;
  let envDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mz-seal-'));
    envDir = join(root, 'environments');
    mkdirSync(envDir);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = (
    over: Record<string, string | undefined> = {},
    variables: Record<string, string | undefined> = { MZ_LICENSE_KEY: LICENSE },
  ) => sealEnvironment({ env: env('example'), outputs: outputs(over), variables, root, environmentsDir: envDir });

  it('seals all four keys for the strict scope, and the controller side can decrypt them', () => {
    const result = run();
    expect(result.sealed.sort()).toEqual([...BACKEND_SECRET_KEYS].sort());
    const file = readSealedValues('example', envDir)!;
    const open = (k: string) => unseal(file.values[k as keyof typeof file.values]!.sealed, keyPem, target).toString();
    expect(open('metadata_backend_url')).toBe(outputs().metadata_backend_url);
    expect(open('persist_backend_url')).toBe(outputs().persist_backend_url);
    expect(open('license_key')).toBe(LICENSE);
    expect(open('external_login_password_mz_system')).toBe(readFileSync(passwordFile('example', root), 'utf8').trim());
  });

  it('generates the mz_system password once, keeps it owner-readable outside git, and reuses it', () => {
    const first = run();
    expect(first.generatedPasswordFile).toBe(passwordFile('example', root));
    expect(statSync(first.generatedPasswordFile!).mode & 0o777).toBe(0o600);
    const second = run();
    expect(second.generatedPasswordFile).toBeUndefined();
    expect(second.unchanged).toContain('external_login_password_mz_system');
  });

  it('re-seals only the values that changed, so diffs show real changes only', () => {
    run();
    const before = readFileSync(sealedValuesPath('example', envDir), 'utf8');
    expect(run().sealed).toEqual([]);
    expect(readFileSync(sealedValuesPath('example', envDir), 'utf8')).toBe(before);
    const rotated = run({ persist_backend_url: outputs().persist_backend_url.replace('sig=abc', 'sig=new') });
    expect(rotated.sealed).toEqual(['persist_backend_url']);
  });

  it('re-seals everything for a new sealing certificate', () => {
    run();
    const other = makeSealingKeyPair();
    const result = sealEnvironment({
      env: env('example'),
      outputs: outputs({ sealing_certificate_pem: other.certPem }),
      variables: { MZ_LICENSE_KEY: LICENSE },
      root,
      environmentsDir: envDir,
    });
    expect(result.sealed).toHaveLength(4);
  });

  it('stores no plaintext and no fast hash of it', () => {
    run({}, { MZ_LICENSE_KEY: LICENSE, MZ_SYSTEM_PASSWORD: 'a-chosen-password-123' });
    const text = readFileSync(sealedValuesPath('example', envDir), 'utf8');
    for (const plain of [LICENSE, 'a-chosen-password-123', 's%24cr%27t', 'sig=abc']) expect(text).not.toContain(plain);
    expect(text).toMatch(/"fingerprint": "scrypt\$/);
  });

  it.each([
    ['a license key that is missing', {}, { MZ_LICENSE_KEY: undefined }, /license_key is empty/],
    ['a license key that is too short', {}, { MZ_LICENSE_KEY: 'abc' }, /license_key is 3 characters/],
    [
      'an unfilled template variable',
      { metadata_backend_url: 'postgresql://${POSTGRES_USERNAME}:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:5432/materialize?sslmode=require' },
      {},
      /metadata_backend_url still contains \$\{POSTGRES_USERNAME\}/,
    ],
    ['a metadata URL without sslmode=require', { metadata_backend_url: 'postgres://u:p@h/materialize' }, {}, /sslmode=require/],
    [
      'a persist URL on the wrong host',
      { persist_backend_url: 'https://acct.blob.example.com/c?sv=1' },
      {},
      /only <account>.blob.core.windows.net/,
    ],
    ['a short mz_system password', {}, { MZ_SYSTEM_PASSWORD: 'short' }, /shorter than 12 characters/],
    ['a missing certificate', { sealing_certificate_pem: undefined }, {}, /no sealing certificate/],
    [
      'a license key issued for another environment',
      {},
      { MZ_LICENSE_KEY: FOREIGN_LICENSE },
      /the license key is for environment 11111111-2222-4333-8444-555555555555, but materialize.environmentId is 7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17/,
    ],
  ])('refuses %s and writes nothing', (_name, over, vars, message) => {
    const variables = { MZ_LICENSE_KEY: LICENSE, ...vars };
    expect(() => run(over, variables)).toThrow(message);
    expect(existsSync(sealedValuesPath('example', envDir))).toBe(false);
    expect(existsSync(passwordFile('example', root))).toBe(false);
  });

  it('accepts a license key bound to this environment', () => {
    expect(() => run({}, { MZ_LICENSE_KEY: jwt({ aud: ['7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17'] }) })).not.toThrow();
  });

  it('is embedded by synth in place of the placeholder', () => {
    run();
    const tree = renderEnvironment(env('example'), { environmentsDir: envDir });
    const secret = parse(tree.get('instance/sealedsecret-materialize-environment.materialize-backend.yaml')!);
    expect(Object.keys(secret.spec.encryptedData).sort()).toEqual([...BACKEND_SECRET_KEYS].sort());
    expect(secret.metadata.annotations).toBeUndefined();
    expect(unseal(secret.spec.encryptedData.license_key, keyPem, target).toString()).toBe(LICENSE);
  });

  describe('reading its inputs strictly', () => {
    const run = (extra: Partial<Parameters<typeof sealEnvironment>[0]> = {}) =>
      sealEnvironment({
        env: env('example'),
        outputs: outputs(),
        variables: { MZ_LICENSE_KEY: LICENSE },
        root,
        environmentsDir: envDir,
        ...extra,
      });

    it.each([
      [
        'truncated',
        (t: string) => t.slice(0, t.length / 2),
        /is not valid JSON .*; re-seal every value from its sources: mzops seal example --reseal$/,
      ],
      ['merge-conflicted', (t: string) => `<<<<<<< HEAD\n${t}=======\n${t}>>>>>>> branch\n`, /is not valid JSON/],
      [
        'carrying an unknown key',
        (t: string) =>
          t.replace('"values": {', '"values": {\n    "extra": { "sealed": "AgBAAAAAAAAAAAAAAAAAA==", "fingerprint": "scrypt$a$b" },'),
        /is not a sealed values file: values has unknown keys extra; re-seal/,
      ],
      [
        'with a ciphertext that is not base64',
        (t: string) => t.replace(/"sealed": "[^"]+"/, '"sealed": "not base64 at all!!!!"'),
        /is not a sealed values file: values.\w+.sealed must be base64/,
      ],
    ])('names a %s sealed file and the way out, and --reseal repairs it', (_what, corrupt, message) => {
      run();
      const file = sealedValuesPath('example', envDir);
      writeFileSync(file, corrupt(readFileSync(file, 'utf8')));
      expect(() => run()).toThrow(message);
      const repaired = run({ reseal: true });
      expect(repaired.sealed).toHaveLength(4);
      expect(() => run()).not.toThrow();
    });

    it('refuses an expired sealing certificate, and says that a deploy renews it for the same key', () => {
      const thirtyDays = makeSealingKeyPair();
      jest.useFakeTimers({ now: Date.now() + 31 * 24 * 3600 * 1000, doNotFake: ['nextTick', 'setImmediate'] });
      try {
        const e = (() => {
          try {
            run({ certificatePem: thirtyDays.certPem });
          } catch (x) {
            return x as CliError;
          }
          return undefined;
        })();
        expect(e?.message).toMatch(/^environment "example": the sealing certificate expired on /);
        expect(e?.hint).toBe('run mzops deploy example: Terraform issues a new certificate for the same key, and deploy seals against it');
      } finally {
        jest.useRealTimers();
      }
    });

    it('refuses an RSA key under 2048 bits', () => {
      expect(() => run({ certificatePem: makeSealingKeyPair(1024).certPem })).toThrow(/RSA key has 1024 bits; at least 2048 are required/);
    });

    it.each([
      [
        'an unterminated quote',
        'MZ_LICENSE_KEY="eyJabc\nMZ_SYSTEM_PASSWORD=x\n',
        /\.env line 1: the value of MZ_LICENSE_KEY opens a " quote it never closes/,
      ],
      ['an unquoted #', 'MZ_SYSTEM_PASSWORD=abc#defghijklmnop\n', /\.env line 1: the value of MZ_SYSTEM_PASSWORD holds an unquoted #/],
    ])('refuses to seal through %s in .env', (_what, text, message) => {
      writeFileSync(join(root, '.env'), text);
      const saved = { ...process.env };
      delete process.env.MZ_LICENSE_KEY;
      delete process.env.MZ_SYSTEM_PASSWORD;
      try {
        expect(() => run()).toThrow(message);
      } finally {
        Object.assign(process.env, saved);
      }
    });
  });
});

describe('Terraform outputs files', () => {
  it("reads both shapes: cdktf's flat one and terraform output -json's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mz-outputs-'));
    try {
      const file = join(dir, 'outputs.json');
      writeFileSync(
        file,
        JSON.stringify({ persist_backend_url: { value: 'https://a.blob.core.windows.net/c?sig=x', type: 'string', sensitive: true } }),
      );
      expect(readStackOutputs('example', { file }).persist_backend_url).toBe('https://a.blob.core.windows.net/c?sig=x');
      writeFileSync(file, JSON.stringify({ example: { persist_backend_url: 'https://a.blob.core.windows.net/c?sig=y' } }));
      expect(readStackOutputs('example', { file }).persist_backend_url).toBe('https://a.blob.core.windows.net/c?sig=y');
      writeFileSync(file, '{"persist_backend_url": ');
      expect(() => readStackOutputs('example', { file })).toThrow(/outputs.json is not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RENDERERS } from '../../cli/pipeline';
import { synthesize, type Renderers } from '../../core/synthesize';
import { workspace } from '../../core/workspace';
import { REGISTER, REPO_ROOT } from '../helpers';
import { pendingChange, ROLLOUT } from '../support/pipeline';
import { copyRepo, plantTerraformFiles, snapshotTree, tempRepo, temporaryEntries, writeEnvironment } from '../support/repo';

const run = promisify(execFile);

/**
 * The real renderers, memoized per input: the fault tests below run the pipeline ~100 times, and
 * what they test is the pipeline's writes and renames, not cdk8s or cdktf.
 */
function memoizedRenderers(): Renderers {
  const cache = new Map<string, string>();
  const store = mkdtempSync(join(tmpdir(), 'mz-tf-memo-'));
  afterAll(() => rmSync(store, { recursive: true, force: true }));
  const trees = new Map<string, ReturnType<Renderers['gitops']>>();
  return {
    terraformIndex: RENDERERS.terraformIndex,
    gitops: (env, context) => {
      const key = JSON.stringify([env, context]);
      if (!trees.has(key)) trees.set(key, RENDERERS.gitops(env, context));
      return trees.get(key)!;
    },
    terraform: (envs, outdir, context) => {
      const key = JSON.stringify(envs.map((e) => [e.name, context.localStatePath(e)]));
      let saved = cache.get(key);
      if (!saved) {
        saved = join(store, String(cache.size));
        RENDERERS.terraform(envs, saved, context);
        cache.set(key, saved);
      }
      cpSync(saved, outdir, { recursive: true });
    },
  };
}

/**
 * Jest keeps its own module registry, which the loader's require.cache eviction does not reach:
 * reset it so that an environment file rewritten by a test is read again, as under tsx.
 */
function synth(options: Parameters<typeof synthesize>[0]) {
  jest.resetModules();
  return synthesize(options);
}

function synthIn(root: string, options: Partial<Parameters<typeof synthesize>[0]> = {}) {
  return synth({ workspace: workspace(root), renderers: RENDERERS, ...options });
}

async function npmRunSynth(root: string, ...envs: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--require', REGISTER, 'scripts/synth.ts', '--root', root, ...envs], { cwd: REPO_ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('Terraform state and working files', () => {
  let root: string;
  beforeEach(() => {
    root = tempRepo(['example', 'prod']);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('survive npm run synth, and a synth of one environment', async () => {
    synthIn(root);
    plantTerraformFiles(root, 'example');
    plantTerraformFiles(root, 'prod');
    const keep = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => /\.terraform|tfstate/.test(k)));
    const before = keep(snapshotTree(root));
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'cdktf.out/stacks/example/.terraform/providers/azurerm',
        'cdktf.out/stacks/prod/.terraform.lock.hcl',
        'state/example.tfstate',
        'state/prod.tfstate',
      ]),
    );

    writeEnvironment(root, 'example', ROLLOUT);
    expect((await npmRunSynth(root)).code).toBe(0);
    expect(keep(snapshotTree(root))).toEqual(before);
    expect(
      readFileSync(join(root, 'dist', 'example', 'instance', 'materialize-materialize-environment.materialize.yaml'), 'utf8'),
    ).toContain(ROLLOUT.requestRollout);

    writeEnvironment(root, 'example');
    expect((await npmRunSynth(root, 'example')).code).toBe(0);
    expect(keep(snapshotTree(root))).toEqual(before);
  });

  it('points the local backend at state/<env>.tfstate, which the stack folder resolves to, and keeps state private', () => {
    synthIn(root);
    plantTerraformFiles(root, 'example');
    synthIn(root, { environments: ['example'] });
    const tf = JSON.parse(readFileSync(join(root, 'cdktf.out', 'stacks', 'example', 'cdk.tf.json'), 'utf8')) as {
      terraform: { backend: { local: { path: string } } };
    };
    expect(tf.terraform.backend.local.path).toBe('../../../state/example.tfstate');
    expect(existsSync(join(root, 'cdktf.out', 'stacks', 'example', tf.terraform.backend.local.path))).toBe(true);
    expect(statSync(join(root, 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'state', 'example.tfstate')).mode & 0o777).toBe(0o600);
  });

  it('moves state from its old place in the stack folder once, with a notice, and drops the cached backend settings', () => {
    synthIn(root);
    const stack = join(root, 'cdktf.out', 'stacks', 'example');
    mkdirSync(join(stack, '.terraform', 'providers'), { recursive: true });
    writeFileSync(join(stack, '.terraform', 'providers', 'azurerm'), 'binary');
    writeFileSync(
      join(stack, '.terraform', 'terraform.tfstate'),
      '{"backend":{"type":"local","config":{"path":"terraform.example.tfstate"}}}',
    );
    writeFileSync(join(stack, 'terraform.example.tfstate'), '{"serial":3}');
    writeFileSync(join(stack, 'terraform.example.tfstate.backup'), '{"serial":2}');
    const result = synthIn(root, { environments: ['example'] });
    expect(result.notices).toEqual([
      'environment "example": moved its Terraform state from cdktf.out/stacks/example/terraform.example.tfstate to state/example.tfstate (back it up: it holds secrets)',
    ]);
    expect(readFileSync(join(root, 'state', 'example.tfstate'), 'utf8')).toBe('{"serial":3}');
    expect(readFileSync(join(root, 'state', 'example.tfstate.backup'), 'utf8')).toBe('{"serial":2}');
    expect(existsSync(join(stack, 'terraform.example.tfstate'))).toBe(false);
    expect(existsSync(join(stack, '.terraform', 'terraform.tfstate'))).toBe(false);
    expect(readFileSync(join(stack, '.terraform', 'providers', 'azurerm'), 'utf8')).toBe('binary');
    expect(synthIn(root).notices).toEqual([]);
    expect(temporaryEntries(root)).toEqual([]);
  });

  it('refuses, changing nothing, when state exists in both places', () => {
    synthIn(root);
    plantTerraformFiles(root, 'example');
    writeFileSync(join(root, 'cdktf.out', 'stacks', 'example', 'terraform.example.tfstate'), '{"serial":1}');
    const before = snapshotTree(root);
    expect(() => synthIn(root)).toThrow(
      /environment "example": Terraform state exists both at cdktf.out\/stacks\/example\/terraform.example.tfstate \(the old place\) and state\/example.tfstate/,
    );
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe('one pipeline, per environment', () => {
  let root: string;
  beforeEach(() => {
    root = tempRepo(['example', 'prod']);
    synthIn(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a one-environment synth leaves every other environment byte-identical, and cdktf still lists its stack', () => {
    plantTerraformFiles(root, 'prod');
    const prodBefore = { dist: snapshotTree(join(root, 'dist', 'prod')), stack: snapshotTree(join(root, 'cdktf.out', 'stacks', 'prod')) };
    writeEnvironment(root, 'example', ROLLOUT);
    writeEnvironment(root, 'prod', ROLLOUT);
    synthIn(root, { environments: ['example'] });
    expect(snapshotTree(join(root, 'dist', 'prod'))).toEqual(prodBefore.dist);
    expect(snapshotTree(join(root, 'cdktf.out', 'stacks', 'prod'))).toEqual(prodBefore.stack);
    expect(
      readFileSync(join(root, 'dist', 'example', 'instance', 'materialize-materialize-environment.materialize.yaml'), 'utf8'),
    ).toContain(ROLLOUT.requestRollout);
    const manifest = JSON.parse(readFileSync(join(root, 'cdktf.out', 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { workingDirectory: string }>;
    };
    expect(Object.keys(manifest.stacks)).toEqual(['example', 'prod']);
    expect(manifest.stacks.prod.workingDirectory).toBe('stacks/prod');
  });

  it('removes stale files, and gives byte-identical output on a second run', () => {
    writeFileSync(join(root, 'dist', 'example', 'instance', 'stale.yaml'), 'kind: ConfigMap\n');
    writeFileSync(join(root, 'cdktf.out', 'stacks', 'example', 'cdk.tf.json.orig'), '{}');
    synthIn(root);
    const first = snapshotTree(root);
    expect(first['dist/example/instance/stale.yaml']).toBeUndefined();
    synthIn(root);
    expect(snapshotTree(root)).toEqual(first);
  });

  it('reports folders no environment file claims, and never deletes them', () => {
    mkdirSync(join(root, 'dist', 'retired', 'flux'), { recursive: true });
    mkdirSync(join(root, 'cdktf.out', 'stacks', 'retired', '.terraform'), { recursive: true });
    const result = synthIn(root);
    expect(result.orphans).toEqual(['dist/retired', 'cdktf.out/stacks/retired']);
    expect(existsSync(join(root, 'dist', 'retired', 'flux'))).toBe(true);
    expect(existsSync(join(root, 'cdktf.out', 'stacks', 'retired', '.terraform'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(root, 'cdktf.out', 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks)).toEqual(['example', 'prod', 'retired']);
  });

  it('refuses a changed environmentId, and accepts one given as a parameter (mzops recreate)', () => {
    writeEnvironment(root, 'prod', { environmentId: '99999999-9999-4999-8999-999999999999' });
    const before = snapshotTree(root);
    expect(() => synthIn(root)).toThrow(/environment "prod": materialize.environmentId changed from .* to 99999999-.*orphans all data/);
    expect(snapshotTree(root)).toEqual(before);
    writeEnvironment(root, 'prod');
    synthIn(root, {
      environments: ['prod'],
      environmentIdChanges: { prod: '88888888-8888-4888-8888-888888888888' },
      requestRollouts: { prod: '77777777-7777-4777-8777-777777777777' },
    });
    expect(readFileSync(join(root, 'dist', 'prod', 'instance', 'materialize-materialize-environment.production.yaml'), 'utf8')).toContain(
      '88888888-8888-4888-8888-888888888888',
    );
  });

  it('fails on a policy violation, even under cdktf (which tells stacks to ignore errors), and changes nothing', () => {
    // Validation refuses what MZ-PG-1 would, so the violation enters past it: the Terraform
    // renderer is handed a public server whose firewall opens a /7.
    const violating: Renderers = {
      ...RENDERERS,
      terraform: (envs, outdir, context) =>
        RENDERERS.terraform(
          envs.map((e) => ({ ...e, postgres: { ...e.postgres, publicAccess: true }, allowedClientRanges: ['10.0.0.0/7'] })),
          outdir,
          context,
        ),
    };
    const before = snapshotTree(root);
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
    try {
      expect(() => synthIn(root, { renderers: violating })).toThrow(/MZ-PG-1/);
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
    expect(snapshotTree(root)).toEqual(before);
  });

  it('sets a violation aside that the environment suppresses with a reason, and says so in its report', () => {
    const reason = 'the lab network is a /7 behind its own firewall';
    const suppressed: Renderers = {
      ...RENDERERS,
      terraform: (envs, outdir, context) =>
        RENDERERS.terraform(
          envs.map((e) => ({
            ...e,
            postgres: { ...e.postgres, publicAccess: true },
            allowedClientRanges: ['10.0.0.0/7'],
            policy: { suppressions: [{ rule: 'MZ-PG-1', reason }] },
          })),
          outdir,
          context,
        ),
    };
    const result = synthIn(root, { renderers: suppressed, environments: ['prod'] });
    expect(result.notices.filter((n) => n.startsWith('policy:'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^policy: environment "prod": MZ-PG-1 suppressed on MetadataDatabase/Firewall0 \\(firewall rule 10\\.0\\.0\\.0-11\\.255\\.255\\.255 spans more than a /8\\): ${reason}$`,
        ),
      ),
    ]);
  });
});

describe('a failure at any write or rename', () => {
  const renderers = memoizedRenderers();
  let base: string;
  let before: Record<string, string>;
  let points: string[];
  beforeAll(() => {
    ({ base, before, points } = pendingChange(renderers, ['example', 'prod']));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('passes through every kind of point', () => {
    expect(points[0]).toBe('synthesize terraform');
    expect(points).toContain('write manifest.json');
    expect(points).toContain('write prod/instance/kustomization.yaml');
    expect(points).toContain('write journal');
    expect(points).toContain(
      'rename <root>/cdktf.out/stacks/prod -> <root>/cdktf.out/stacks/.mz-tmp-' +
        points.find((p) => p.startsWith('rename <root>/cdktf.out/stacks/prod ->'))!.split('.mz-tmp-')[1],
    );
    expect(points.filter((p) => p.startsWith('rename ')).length).toBeGreaterThanOrEqual(14);
  });

  it('leaves dist/, cdktf.out/ and state/ byte-identical, with no temporary folder, at each point', () => {
    // One repository for every point: each failed run must leave it exactly as before, which is
    // what is asserted after each one (a run that did not would fail here, at its own point).
    const repo = copyRepo(base);
    const failures: string[] = [];
    try {
      for (let i = 0; i < points.length; i++) {
        let n = 0;
        expect(() =>
          synthesize({
            workspace: workspace(repo),
            renderers,
            fault: () => {
              if (n++ === i) throw new Error(`injected at ${i}`);
            },
          }),
        ).toThrow(`injected at ${i}`);
        if (JSON.stringify(snapshotTree(repo)) !== JSON.stringify(before)) {
          failures.push(`${i}: ${points[i]}`);
          break;
        }
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
    expect(failures).toEqual([]);
  });

  it('a second environment that fails its checks stops the run before anything is written', () => {
    const repo = copyRepo(base);
    try {
      writeEnvironment(repo, 'prod', { environmentId: '99999999-9999-4999-8999-999999999999' });
      const mid = snapshotTree(repo);
      expect(() => synth({ workspace: workspace(repo), renderers })).toThrow(/environment "prod": materialize.environmentId changed/);
      expect(snapshotTree(repo)).toEqual(mid);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

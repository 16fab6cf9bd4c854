import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setMaterializeField } from '../../cli/environment-file';
import { deployPlan, deployPrerequisites, emptyPersistContainer, recreatePlan, rolloutPlan, rotateSasPlan, sasRotationAddress, type Context } from '../../cli/operations';
import { describePlan, runPlan } from '../../cli/plan';
import { env, REPO_ROOT } from '../helpers';
import { testAzurite } from '../support/azurite';

const run = promisify(execFile);
const LICENSE = `eyJ${'b'.repeat(120)}`;

function ctx(over: Partial<Context> & { responses?: Record<string, { status: number; stdout?: string; stderr?: string }> } = {}): Context {
  const responses = over.responses ?? {};
  return {
    env: env('example'),
    root: REPO_ROOT,
    variables: { ARM_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000', ARM_CLIENT_ID: 'client', MZ_LICENSE_KEY: LICENSE },
    log: () => undefined,
    exec: (cmd, args) => {
      const r = responses[`${cmd} ${args[0]}`] ?? { status: 0 };
      return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    ...over,
  };
}

describe('deploy', () => {
  it('plans the predecessor\'s deploy.sh as steps, printing commands under --dry-run', () => {
    const lines = describePlan(deployPlan(ctx(), { push: true, wait: true }));
    expect(lines.filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ''))).toEqual([
      'cdktf deploy example (Azure resources, sensitive outputs to .mzops/example/outputs.json)',
      'restrict .mzops/example/outputs.json to its owner',
      'seal the backend secret into environments/example.sealed.json',
      'synthesize example (cdktf.out/ and dist/example/)',
      'stage the GitOps changes',
      'commit',
      'push, for Flux to pick up',
      'wait for Flux to apply the instance layer',
      'wait for Materialize materialize to be UpToDate',
      'print the endpoints',
    ]);
    expect(lines).toContain('   $ npx cdktf deploy example --auto-approve --outputs-file .mzops/example/outputs.json --outputs-file-include-sensitive-outputs');
    expect(lines).toContain('   $ kubectl wait --for=condition=UpToDate materialize/materialize -n materialize-environment --timeout=30m');
  });

  it('hands Azure credentials and TF_VAR_* from .env to cdktf, and nothing else', () => {
    const c = ctx({ variables: { ARM_SUBSCRIPTION_ID: 's', ARM_CLIENT_SECRET: 'x', TF_VAR_git_https_token: 't', MZ_LICENSE_KEY: LICENSE, TF_VAR_empty: '' } });
    expect(deployPlan(c, { push: false, wait: false })[0].env).toEqual({ MZ_ENVIRONMENTS: 'example', ARM_SUBSCRIPTION_ID: 's', ARM_CLIENT_SECRET: 'x', TF_VAR_git_https_token: 't' });
  });

  it('without --push stops after showing what to commit', () => {
    const titles = describePlan(deployPlan(ctx(), { push: false, wait: true })).filter((l) => /^\d+\. /.test(l));
    expect(titles.slice(-2)).toEqual(['5. show what to commit', '6. then: commit and push these files; Flux applies them (mzops status shows progress)']);
  });

  it('passes its prerequisites when all are met', () => {
    expect(deployPrerequisites(ctx())).toEqual([]);
  });

  it.each([
    ['no subscription', { variables: { ARM_CLIENT_ID: 'c', MZ_LICENSE_KEY: LICENSE } }, /ARM_SUBSCRIPTION_ID is not set/],
    ['no credentials at all', { variables: { ARM_SUBSCRIPTION_ID: 's', MZ_LICENSE_KEY: LICENSE }, responses: { 'az account': { status: 1 } } }, /no Azure credentials/],
    ['no license key', { variables: { ARM_SUBSCRIPTION_ID: 's', ARM_CLIENT_ID: 'c' } }, /MZ_LICENSE_KEY: license_key is empty/],
    ['no terraform', { responses: { 'terraform version': { status: null as unknown as number } } }, /terraform is not on PATH/],
    ['a dirty GitOps folder', { responses: { 'git status': { status: 0, stdout: ' M dist/example/instance/kustomization.yaml\n' } } }, /uncommitted changes in dist\/example\/instance\/kustomization.yaml/],
  ])('reports %s', (_n, over, message) => {
    const problems = deployPrerequisites(ctx(over as Partial<Context>));
    expect(problems).toHaveLength(1);
    expect(problems[0].problem).toMatch(message);
    expect(problems[0].fix).toBeTruthy();
  });

  it('refuses through the CLI with one diagnosis and a fix, exit 1', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'deploy', 'example'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: ARM_SUBSCRIPTION_ID is not set/m);
    expect(result.stderr).toMatch(/^hint: /m);
  });

  it('names an unknown environment clearly', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'status', 'nope'], { cwd: REPO_ROOT }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('environment "nope": name must name a file in environments/ (known: example) (got "nope"); for example "example"');
  });
});

describe('environment file edits', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mz-envfile-'));
    file = join(dir, 'example.ts');
    copyFileSync(join(REPO_ROOT, 'environments', 'example.ts'), file);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('inserts requestRollout into the materialize block, then replaces it', () => {
    setMaterializeField(file, 'requestRollout', '11111111-1111-4111-8111-111111111111');
    expect(readFileSync(file, 'utf8')).toMatch(/materialize: \{\n    requestRollout: '11111111-1111-4111-8111-111111111111',\n    environmentId:/);
    setMaterializeField(file, 'requestRollout', '22222222-2222-4222-8222-222222222222');
    const text = readFileSync(file, 'utf8');
    expect(text.match(/requestRollout/g)).toHaveLength(1);
    expect(text).toContain("requestRollout: '22222222-2222-4222-8222-222222222222'");
  });

  it('replaces environmentId and leaves everything else as written', () => {
    const before = readFileSync(file, 'utf8');
    setMaterializeField(file, 'environmentId', '33333333-3333-4333-8333-333333333333');
    const after = readFileSync(file, 'utf8');
    expect(after.replace('33333333-3333-4333-8333-333333333333', '7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17')).toBe(before);
  });
});

describe('rollout, rotate-sas and recreate', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mz-ops-'));
    mkdirSync(join(root, 'environments'));
    copyFileSync(join(REPO_ROOT, 'environments', 'example.ts'), join(root, 'environments', 'example.ts'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('rollout writes a new requestRollout, then synthesizes and shows the change', async () => {
    const steps = rolloutPlan(ctx({ root }), { push: false });
    await steps[0].run!();
    expect(readFileSync(join(root, 'environments', 'example.ts'), 'utf8')).toMatch(/requestRollout: '[0-9a-f-]{36}'/);
    expect(steps[1].command!.slice(-1)).toEqual(['scripts/synth.ts']);
    expect(steps[1].env).toEqual({ MZ_ENVIRONMENTS: 'example' });
    expect(steps[2].command).toEqual(['git', 'status', '--short', '--', 'dist/example', 'environments/example.sealed.json', 'environments/example.ts']);
  });

  it('rotate-sas replaces the rotation clock, re-seals and rolls out', () => {
    const titles = describePlan(rotateSasPlan(ctx(), { push: true })).filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ''));
    expect(titles.slice(0, 5)).toEqual(['synthesize example (cdktf.out/ and dist/example/)', 'find the SAS rotation resource', 'issue a new SAS (replace the rotation clock)', 'refresh .mzops/example/outputs.json', 'seal the backend secret into environments/example.sealed.json']);
    expect(titles).toContain('push, for Flux to pick up');
  });

  it('rotate-sas finds the rotation clock in the synthesized stack, and refuses workload identity', () => {
    mkdirSync(join(root, 'cdktf.out', 'stacks', 'example'), { recursive: true });
    writeFileSync(join(root, 'cdktf.out', 'stacks', 'example', 'cdk.tf.json'), JSON.stringify({ resource: { time_rotating: { PersistStorage_SasRotation_B24A100B: {} } } }));
    expect(sasRotationAddress(root, 'example')).toBe('time_rotating.PersistStorage_SasRotation_B24A100B');
    expect(() => rotateSasPlan(ctx({ env: env('staging') }), { push: false })).toThrow(/uses workload identity: there is no SAS to rotate/);
  });

  it('recreate refuses without the environment name as confirmation', () => {
    expect(() => recreatePlan(ctx({ root }), { emptyPersist: false, push: false })).toThrow(/recreate starts environment "example" from nothing/);
    let hint: string | undefined;
    try {
      recreatePlan(ctx({ root }), { confirm: 'prod', emptyPersist: false, push: false });
    } catch (e) {
      hint = (e as { hint?: string }).hint;
    }
    expect(hint).toBe('confirm with --confirm example');
  });

  it('recreate writes a new environmentId and synthesizes with the change allowed', async () => {
    const steps = recreatePlan(ctx({ root }), { confirm: 'example', emptyPersist: true, push: false });
    await steps[0].run!();
    expect(readFileSync(join(root, 'environments', 'example.ts'), 'utf8')).not.toContain('7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17');
    expect(steps.map((s) => s.title)).toContain('delete every blob in the persist container');
    expect(steps.find((s) => s.command?.includes('scripts/synth.ts'))!.env).toEqual({ MZ_ENVIRONMENTS: 'example', MZ_FORCE_ENVIRONMENT_ID_CHANGE: 'example' });
  });

  it('recreate --empty-persist empties the container (Azurite)', async () => {
    const azurite = await testAzurite();
    try {
      await azurite.createContainer('persist');
      const url = azurite.persistUrl('persist');
      const { ContainerClient } = await import('@azure/storage-blob');
      const c = new ContainerClient(url);
      for (const name of ['s1/v1/r1', 's1/v1/r2', 's2/n1/p1']) await c.getBlockBlobClient(name).upload('x', 1);
      expect(await emptyPersistContainer(url, () => undefined)).toBe(3);
      let left = 0;
      for await (const _ of c.listBlobsFlat()) left++;
      expect(left).toBe(0);
    } finally {
      await azurite.stop();
    }
  }, 60_000);

  it('runPlan runs the steps in order and stops at the first failure', async () => {
    const seen: string[] = [];
    await expect(runPlan([
      { title: 'a', run: () => void seen.push('a') },
      { title: 'b', command: ['sh', '-c', 'exit 3'] },
      { title: 'c', run: () => void seen.push('c') },
    ], { log: (l) => seen.push(l) })).rejects.toThrow(/`sh -c exit 3` exited with 3/);
    expect(seen).toEqual(['[1/3] a', 'a', '[2/3] b']);
  });
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { mzopsStatePath, readMzopsState, writeMzopsState } from '../../core/mzops-state';
import { environmentKube, RecordedKube } from '../../cli/kube';
import { RENDERERS } from '../../cli/pipeline';
import { selectEnvironments } from '../../core/environments';
import { synthesize } from '../../core/synthesize';
import { workspace } from '../../core/workspace';
import {
  deployPlan,
  deployPrerequisites,
  emptyPersistContainer,
  recreatePlan,
  rolloutPlan,
  rotateSasPlan,
  sasRotationAddress,
  stackDeployPlan,
  type Context,
} from '../../cli/operations';
import { CliError } from '../../cli/errors';
import { describePlan, runPlan } from '../../cli/plan';
import { env, REGISTER, REPO_ROOT } from '../helpers';
import { testAzurite } from '../support/azurite';
import { copyEnvironmentSource, plantTerraformFiles, snapshotTree, tempRepo } from '../support/repo';

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
  it("plans the predecessor's deploy.sh as steps, printing commands under --dry-run", () => {
    const lines = describePlan(deployPlan(ctx(), { push: true, wait: true }));
    expect(lines.filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ''))).toEqual([
      'synthesize example (cdktf.out/stacks/example/ and dist/example/)',
      'terraform init in cdktf.out/stacks/example',
      'apply first what the providers are configured from (the AKS cluster and what it needs)',
      'cdktf deploy example (Azure resources, sensitive outputs to .mzops/example/outputs.json)',
      'restrict .mzops/example/outputs.json to its owner',
      'seal the backend secret into environments/example.sealed.json',
      'synthesize example (cdktf.out/stacks/example/ and dist/example/)',
      "provision Grafana's dashboards from the repository (mzops dashboards example does it alone)",
      'stage the GitOps changes',
      'commit',
      'push, for Flux to pick up',
      'wait for Flux to apply the instance layer',
      'wait for Materialize materialize to be UpToDate',
      'print the endpoints',
    ]);
    expect(lines).toContain(
      '   $ npx cdktf deploy example --skip-synth --auto-approve --outputs-file .mzops/example/outputs.json --outputs-file-include-sensitive-outputs',
    );
    // Pinned to the environment's own cluster, not whichever context is current.
    expect(lines).toContain(
      '   $ kubectl --context mzexample-aks wait --for=condition=UpToDate materialize/materialize -n materialize-environment --timeout=30m',
    );
  });

  it("prints the endpoints from the environment's own cluster", async () => {
    const logs: string[] = [];
    const kube = new RecordedKube({
      'services materialize-environment - -': {
        items: [
          { metadata: { name: 'materialize-sql' }, status: { loadBalancer: { ingress: [{ ip: '10.0.15.250' }] } } },
          { metadata: { name: 'materialize-console' }, status: { loadBalancer: { ingress: [{ ip: '10.0.15.249' }] } } },
        ],
      },
    });
    const steps = deployPlan(ctx({ kube, log: (l) => void logs.push(l) }), { push: true, wait: true });
    await steps[steps.length - 1].run!();
    expect(logs).toEqual(expect.arrayContaining(['   console:  https://10.0.15.249:8080', '   SQL:      10.0.15.250:6875']));
  });

  it('hands Azure credentials and TF_VAR_* from .env to terraform and cdktf, and nothing else', () => {
    const c = ctx({
      variables: {
        ARM_SUBSCRIPTION_ID: 's',
        ARM_CLIENT_SECRET: 'x',
        TF_VAR_git_https_token: 't',
        MZ_LICENSE_KEY: LICENSE,
        TF_VAR_empty: '',
      },
    });
    const external = deployPlan(c, { push: false, wait: false }).filter((s) => /^(terraform|npx)$/.test(s.command?.[0] ?? ''));
    expect(external.map((s) => s.command![0])).toEqual(['terraform', 'terraform', 'npx']);
    for (const step of external)
      expect(step.env).toEqual({
        ARM_SUBSCRIPTION_ID: 's',
        ARM_CLIENT_SECRET: 'x',
        TF_VAR_git_https_token: 't',
      });
  });

  it('without --push stops after showing what to commit', () => {
    const titles = describePlan(deployPlan(ctx(), { push: false, wait: true })).filter((l) => /^\d+\. /.test(l));
    expect(titles.slice(-2)).toEqual([
      '9. show what to commit',
      '10. then: commit and push these files; Flux applies them (mzops status shows progress)',
    ]);
  });

  it('passes its prerequisites when all are met', () => {
    expect(deployPrerequisites(ctx())).toEqual([]);
  });

  it.each([
    ['no subscription', { variables: { ARM_CLIENT_ID: 'c', MZ_LICENSE_KEY: LICENSE } }, /ARM_SUBSCRIPTION_ID is not set/],
    [
      'no credentials at all',
      { variables: { ARM_SUBSCRIPTION_ID: 's', MZ_LICENSE_KEY: LICENSE }, responses: { 'az account': { status: 1 } } },
      /no Azure credentials/,
    ],
    ['no license key', { variables: { ARM_SUBSCRIPTION_ID: 's', ARM_CLIENT_ID: 'c' } }, /MZ_LICENSE_KEY: license_key is empty/],
    ['no terraform', { responses: { 'terraform version': { status: null as unknown as number } } }, /terraform is not on PATH/],
    [
      'a dirty GitOps folder',
      { responses: { 'git status': { status: 0, stdout: ' M dist/example/instance/kustomization.yaml\n' } } },
      /uncommitted changes in dist\/example\/instance\/kustomization.yaml/,
    ],
  ])('reports %s', (_n, over, message) => {
    const problems = deployPrerequisites(ctx(over as Partial<Context>));
    expect(problems).toHaveLength(1);
    expect(problems[0].problem).toMatch(message);
    expect(problems[0].fix).toBeTruthy();
  });

  it('refuses through the CLI with one diagnosis and a fix, exit 1', async () => {
    const result = await run(process.execPath, ['--require', REGISTER, 'cli/main.ts', 'deploy', 'example'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: ARM_SUBSCRIPTION_ID is not set/m);
    expect(result.stderr).toMatch(/^hint: /m);
  });

  it('names an unknown environment clearly', async () => {
    const result = await run(process.execPath, ['--require', REGISTER, 'cli/main.ts', 'status', 'nope'], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    // The repository's environments, whatever a user added.
    const known = readdirSync(join(REPO_ROOT, 'environments'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(result.stderr.trim()).toBe(
      `environment "nope": name must name a file in environments/ (known: ${known.join(', ')}) (got "nope"); for example "${known[0]}"`,
    );
  });
});

describe('the mzops state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mz-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the values it is given, sorted, and returns what it replaced', () => {
    expect(writeMzopsState('example', dir, { requestRollout: '11111111-1111-4111-8111-111111111111' })).toBeUndefined();
    const first = readFileSync(mzopsStatePath('example', dir), 'utf8');
    expect(writeMzopsState('example', dir, { environmentId: '33333333-3333-4333-8333-333333333333' })).toBe(first);
    expect(readMzopsState('example', dir)).toEqual({
      $comment: expect.any(String),
      materialize: { environmentId: '33333333-3333-4333-8333-333333333333', requestRollout: '11111111-1111-4111-8111-111111111111' },
    });
    expect(readdirSync(dir)).toEqual(['example.mzops.json']);
  });

  it('refuses a hand-edited or merge-conflicted file with one line naming the file, the field and the rule', () => {
    writeFileSync(mzopsStatePath('example', dir), '{"materialize": {"requestRollout": "tomorrow"}}');
    expect(() => readMzopsState('example', dir)).toThrow(
      /^environments\/example\.mzops\.json: environment "example": materialize\.requestRollout must be a lowercase UUID \(got "tomorrow"\)/,
    );
    writeFileSync(mzopsStatePath('example', dir), '{"materialize": {"requestRolout": "x"}}');
    expect(() => readMzopsState('example', dir)).toThrow(/materialize has unknown keys requestRolout/);
    writeFileSync(mzopsStatePath('example', dir), '<<<<<<< HEAD\n{}');
    expect(() => readMzopsState('example', dir)).toThrow(/the file must be JSON .*a merge conflict\?/);
  });
});

describe('an unreadable state file of one environment', () => {
  let root: string;
  beforeEach(() => {
    root = tempRepo(['example', 'prod']);
    writeFileSync(mzopsStatePath('prod', join(root, 'environments')), '<<<<<<< HEAD\n{}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('does not stop a run narrowed to another: that run warns, naming the file and the rule', () => {
    const { selected, notices } = selectEnvironments(join(root, 'environments'), ['example']);
    expect(selected.map((e) => e.name)).toEqual(['example']);
    expect(notices).toEqual([
      expect.stringMatching(
        /^warning: environments\/prod\.mzops\.json: the file must be JSON .*; prod is not selected, so this run checked environments\/prod\.ts without it/,
      ),
    ]);
  });

  it('stops a run of its own environment, and a run of all of them', () => {
    expect(() => selectEnvironments(join(root, 'environments'), ['prod'])).toThrow(/environments\/prod\.mzops\.json.*must be JSON/);
    expect(() => selectEnvironments(join(root, 'environments'))).toThrow(/environments\/prod\.mzops\.json.*must be JSON/);
  });

  it('still lets a broken environment file elsewhere stop a narrowed run', () => {
    writeFileSync(join(root, 'environments', 'prod.ts'), 'export default 42;\n');
    expect(() => selectEnvironments(join(root, 'environments'), ['example'])).toThrow(/prod.*must be defineEnvironment/);
  });
});

describe('rollout, rotate-sas and recreate', () => {
  let root: string;
  let file: string;
  let logs: string[];
  const c = (over: Partial<Context> = {}) => {
    jest.resetModules();
    return ctx({ root, log: (l) => void logs.push(l), ...over });
  };
  const materializeYaml = () =>
    readFileSync(join(root, 'dist', 'example', 'instance', 'materialize-materialize-environment.materialize.yaml'), 'utf8');
  beforeEach(() => {
    root = tempRepo(['prod']);
    file = copyEnvironmentSource(root, 'example');
    logs = [];
    jest.resetModules();
    synthesize({ workspace: workspace(root), renderers: RENDERERS });
    plantTerraformFiles(root, 'example');
    plantTerraformFiles(root, 'prod');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const terraformFiles = () => Object.fromEntries(Object.entries(snapshotTree(root)).filter(([k]) => /\.terraform|tfstate/.test(k)));

  it('rollout writes a new requestRollout and synthesizes only this environment, keeping state and the others as they were', async () => {
    const kept = terraformFiles();
    const prod = snapshotTree(join(root, 'dist', 'prod'));
    const steps = rolloutPlan(c(), { push: false });
    await steps[0].run!();
    const source = readFileSync(file, 'utf8');
    const uuid = readMzopsState('example', join(root, 'environments'))!.materialize.requestRollout!;
    expect(materializeYaml()).toContain(`materialize-azure-gitops/rollout-epoch: ${uuid}`);
    // The TypeScript a person wrote is never edited.
    expect(readFileSync(file, 'utf8')).toBe(source);
    expect(terraformFiles()).toEqual(kept);
    expect(snapshotTree(join(root, 'dist', 'prod'))).toEqual(prod);
    expect(steps[1].command).toEqual([
      'git',
      'status',
      '--short',
      '--',
      'dist/example',
      'environments/example.sealed.json',
      'environments/example.mzops.json',
    ]);
  });

  it('rollout puts the state file back when the synth is refused', () => {
    const state = mzopsStatePath('example', join(root, 'environments'));
    const stateBefore = readFileSync(state, 'utf8');
    const before = readFileSync(file, 'utf8');
    const dist = snapshotTree(join(root, 'dist'));
    writeFileSync(join(root, 'environments', 'example.sealed.json'), '{"certificateSha256": 1}');
    expect(() => rolloutPlan(c(), { push: false })[0].run!()).toThrow(/not a sealed values file/);
    expect(readFileSync(state, 'utf8')).toBe(stateBefore);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(snapshotTree(join(root, 'dist'))).toEqual(dist);
  });

  it('rotate-sas applies only the rotation clock and the SAS it derives, after terraform init; attended unless --auto-approve', async () => {
    const plan = (autoApprove: boolean) => rotateSasPlan(c(), { push: true, autoApprove });
    const steps = plan(false);
    // The targets are found in the synthesized stack when the step runs.
    await steps.find((s) => /find the SAS rotation clock/.test(s.title))!.run!();
    const commands = steps.filter((s) => s.command).map((s) => s.command!.join(' '));
    expect(commands[0]).toBe('terraform -chdir=cdktf.out/stacks/example init -input=false');
    expect(commands[1]).toMatch(
      // The alert rules read the clock too: their SAS expiry warning moves with it.
      /^terraform -chdir=cdktf.out\/stacks\/example apply -replace=time_rotating\.(\w+) -target=azurerm_monitor_alert_prometheus_rule_group\.Alerts_Rules_[0-9A-F]{8} -target=data\.azurerm_storage_account_sas\.PersistStorage_Sas_[0-9A-F]{8} -target=time_rotating\.\1$/,
    );
    // Nothing else: no cluster pass, no full apply, no cdktf deploy.
    expect(commands.filter((x) => /terraform .* apply|cdktf deploy/.test(x))).toHaveLength(1);
    const unattended = plan(true);
    await unattended.find((s) => /find the SAS rotation clock/.test(s.title))!.run!();
    expect(unattended.filter((s) => s.command).map((s) => s.command!.join(' '))[1]).toMatch(
      /^terraform -chdir=cdktf.out\/stacks\/example apply -input=false -auto-approve -replace=time_rotating\.\w+ -target=/,
    );
  });

  it('npm run deploy names a missing subscription, credentials and terraform before it synthesizes or applies anything', async () => {
    // Only node on PATH: no terraform, no az; no ARM_* variables.
    const failed = await run(process.execPath, ['--require', REGISTER, join(REPO_ROOT, 'scripts', 'deploy.ts'), 'example'], {
      cwd: REPO_ROOT,
      env: { PATH: dirname(process.execPath), HOME: root },
      timeout: 30_000,
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: ARM_SUBSCRIPTION_ID is not set/);
    expect(failed.stderr).toMatch(/no Azure credentials/);
    expect(failed.stderr).toMatch(/terraform is not on PATH/);
    expect(failed.stderr).toMatch(/hint: export ARM_SUBSCRIPTION_ID=/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    // No step began: the plan prints each step as it starts.
    expect(failed.stdout).toBe('');
  });

  it('npm run deploy applies the cluster first too: attended, Terraform asks before each pass; --auto-approve is passed to both', () => {
    const commands = (flags: string[]) =>
      stackDeployPlan(c(), flags)
        .filter((s) => s.command)
        .map((s) => s.command!.join(' '));
    const cluster = /-target=azurerm_kubernetes_cluster\.Aks_Cluster_[0-9A-F]{8}$/;
    const attended = commands([]);
    expect(attended).toHaveLength(3);
    expect(attended[0]).toBe('terraform -chdir=cdktf.out/stacks/example init -input=false');
    expect(attended[1]).toMatch(/^terraform -chdir=cdktf.out\/stacks\/example apply -target=/);
    expect(attended[1]).toMatch(cluster);
    expect(attended[2]).toBe('npx cdktf deploy example --skip-synth');
    // The first pass sees the variables the second gets, a file named from the repository root.
    const unattended = commands(['--auto-approve', '--var-file', 'x.tfvars', '--var', 'a=1', '--var=b=2', '--parallelism', '2']);
    expect(unattended[1]).toMatch(
      new RegExp(
        `^terraform -chdir=cdktf.out/stacks/example apply -input=false -auto-approve -var-file=${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/x\\.tfvars -var=a=1 -var=b=2 -target=`,
      ),
    );
    expect(unattended[1]).toMatch(cluster);
    expect(unattended[2]).toBe(
      'npx cdktf deploy example --skip-synth --auto-approve --var-file x.tfvars --var a=1 --var=b=2 --parallelism 2',
    );
  });

  it('rotate-sas finds the rotation clock in the synthesized stack, and refuses workload identity', () => {
    expect(sasRotationAddress(root, 'example')).toMatch(/^time_rotating\.PersistStorage_SasRotation_[0-9A-F]{8}$/);
    expect(() => rotateSasPlan(ctx({ env: env('identity') }), { push: false })).toThrow(
      /uses workload identity: there is no SAS to rotate/,
    );
  });

  it('recreate refuses without the environment name as confirmation', () => {
    expect(() => recreatePlan(c(), { emptyPersist: false, push: false })).toThrow(/recreate starts environment "example" from nothing/);
    let hint: string | undefined;
    try {
      recreatePlan(c(), { confirm: 'prod', emptyPersist: false, push: false });
    } catch (e) {
      hint = (e as { hint?: string }).hint;
    }
    expect(hint).toBe('confirm with --confirm example');
  });

  it('recreate synthesizes the new environmentId, then writes it into the state file; Terraform state survives', async () => {
    const kept = terraformFiles();
    const source = readFileSync(file, 'utf8');
    const steps = recreatePlan(c(), { confirm: 'example', emptyPersist: false, push: false });
    await steps[0].run!();
    const id = readMzopsState('example', join(root, 'environments'))!.materialize.environmentId!;
    expect(readFileSync(file, 'utf8')).toBe(source);
    expect(id).not.toBe('7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17');
    expect(materializeYaml()).toContain(`environmentId: ${id}`);
    expect(terraformFiles()).toEqual(kept);
    // A plain synth afterwards accepts it: the state file and dist/ agree. It notices the .ts's old id.
    jest.resetModules();
    const again = synthesize({ workspace: workspace(root), renderers: RENDERERS });
    expect(again.notices).toEqual([
      `notice: environments/example.ts sets materialize.environmentId, but environments/example.mzops.json (written by mzops) overrides it with ${id}: delete the line from the .ts file`,
    ]);
  });

  it('recreate --empty-persist refuses without the cluster, and while a pod of the instance runs, before deleting anything', async () => {
    const without = recreatePlan(c(), { confirm: 'example', emptyPersist: true, push: false });
    expect(without[1].title).toBe('delete every blob in the persist container');
    await expect(without[0].run!()).rejects.toThrow(/--empty-persist needs the cluster/);
    const running = new RecordedKube({
      'pods materialize-environment - materialize.cloud/organization-name=materialize': {
        items: [{ metadata: { name: 'mz7f615ba39d2c-environmentd-0' } }],
      },
    });
    await expect(recreatePlan(c({ kube: running }), { confirm: 'example', emptyPersist: true, push: false })[0].run!()).rejects.toThrow(
      /Materialize materialize still runs \(mz7f615ba39d2c-environmentd-0\)/,
    );
    // An answer that is not a list (a proxy's error page, the wrong API) must not read as "no pods".
    const garbled = new RecordedKube({
      'pods materialize-environment - materialize.cloud/organization-name=materialize': { kind: 'Status', message: 'forbidden' },
    });
    await expect(recreatePlan(c({ kube: garbled }), { confirm: 'example', emptyPersist: true, push: false })[0].run!()).rejects.toThrow(
      /kubectl get pods -n materialize-environment answered with an unexpected shape \(no items list\)/,
    );
    const stopped = new RecordedKube({ 'pods materialize-environment - materialize.cloud/organization-name=materialize': { items: [] } });
    await expect(
      recreatePlan(c({ kube: stopped }), { confirm: 'example', emptyPersist: true, push: false })[0].run!(),
    ).resolves.toBeUndefined();
    // Checking is not changing: the new environmentId is written only by the last step.
    expect(readMzopsState('example', join(root, 'environments'))?.materialize.environmentId).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toContain('7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17');
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
    await expect(
      runPlan(
        [
          { title: 'a', run: () => void seen.push('a') },
          { title: 'b', command: ['sh', '-c', 'exit 3'] },
          { title: 'c', run: () => void seen.push('c') },
        ],
        { log: (l) => seen.push(l) },
      ),
    ).rejects.toThrow(/`sh -c exit 3` exited with 3/);
    expect(seen).toEqual(['[1/3] a', 'a', '[2/3] b']);
  });
});

describe("the environment's own cluster", () => {
  it('is reached through the context named after it, or not at all', () => {
    const contexts = () => ['other-cluster', 'mzexample-aks'];
    const kube = environmentKube('mzexample-aks', 'mzexample-rg', '/k/config', contexts);
    expect(kube.connectionArgs()).toEqual(['--kubeconfig', '/k/config', '--context', 'mzexample-aks']);
    let hint: string | undefined;
    try {
      environmentKube('mzexample-aks', 'mzexample-rg', '/k/config', () => ['other-cluster']);
    } catch (e) {
      expect((e as Error).message).toBe(
        "no context mzexample-aks in /k/config (it has: other-cluster); mzops talks only to the environment's own cluster",
      );
      hint = (e as { hint?: string }).hint;
    }
    expect(hint).toBe('az aks get-credentials -g mzexample-rg -n mzexample-aks');
  });
});

describe('the CLI as a pipe', () => {
  it('ends quietly when its reader goes away (mzops ... | head)', async () => {
    const { spawn } = await import('node:child_process');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--require', REGISTER, 'cli/main.ts', 'sql', 'plan', 'example'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Read nothing and close: every write after this is an EPIPE.
      child.stdout.destroy();
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toMatch(/EPIPE|Error:|at /);
    expect(result.code).toBe(0);
  });
});

describe('a plan that stops', () => {
  it('names the step that failed and how far it got, runs nothing after it, and says the run can be repeated', async () => {
    for (let failing = 0; failing < 4; failing++) {
      const ran: number[] = [];
      const steps = [0, 1, 2, 3].map((i) => ({
        title: `step ${i}`,
        run: () => {
          if (i === failing) throw new CliError(`cause ${i}`, `fix ${i}`);
          ran.push(i);
        },
      }));
      let error: CliError | undefined;
      await runPlan(steps, { log: () => undefined }).catch((e: CliError) => (error = e));
      expect(ran).toEqual([0, 1, 2, 3].slice(0, failing));
      expect(error?.message).toBe(`step ${failing + 1}/4 (step ${failing}) failed: cause ${failing}`);
      expect(error?.hint).toBe(
        `fix ${failing}; then run the same command again (${['no step had run', 'step 1 is done', 'steps 1-2 are done', 'steps 1-3 are done'][failing]}, and each step is safe to repeat)`,
      );
    }
  });

  it('commit, repeated after a failed push, finds nothing new and goes on', async () => {
    const calls: string[] = [];
    const c = ctx({
      exec: (cmd, args) => {
        calls.push(`${cmd} ${args.join(' ')}`);
        return { status: args[0] === 'diff' ? 0 : 1, stdout: '', stderr: '' };
      },
    });
    const commit = rolloutPlan(c, { push: true }).find((s) => s.title === 'commit')!;
    await commit.run!();
    expect(calls).toEqual([expect.stringMatching(/^git diff --cached --quiet -- dist\/example /)]);
  });
});

describe("deploy's dashboards step", () => {
  const step = (c: Context) =>
    deployPlan(c, { push: false, wait: false }).find((s) => s.title.startsWith("provision Grafana's dashboards"))!;

  it('provisions the dashboards into the Grafana the outputs name, with the token az gives', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mz-dash-'));
    const seen: { url: string; auth?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url!, auth: req.headers.authorization });
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ uid: 'materialize', url: '/d/x' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      mkdirSync(join(root, '.mzops', 'example'), { recursive: true });
      writeFileSync(join(root, '.mzops', 'example', 'outputs.json'), JSON.stringify({ example: { grafana_endpoint: endpoint } }));
      const lines: string[] = [];
      await step(ctx({ root, log: (l) => lines.push(l), responses: { 'az account': { status: 0, stdout: 'grafana-token\n' } } })).run!();
      expect(seen.filter((s) => s.url === '/api/dashboards/db')).toHaveLength(2);
      expect(seen.every((s) => s.auth === 'Bearer grafana-token')).toBe(true);
      expect(lines.filter((l) => l.includes(`${endpoint}/d/x`))).toHaveLength(2);
    } finally {
      server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('warns, and does not fail the deploy, when Grafana cannot be reached yet', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mz-dash-'));
    try {
      const lines: string[] = [];
      await expect(step(ctx({ root, log: (l) => lines.push(l) })).run!()).resolves.toBeUndefined();
      expect(lines).toEqual([
        expect.stringMatching(/^ {3}warning: dashboards not provisioned: .*; run mzops dashboards example once it is fixed$/),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

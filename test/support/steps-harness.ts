import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RENDERERS } from '../../cli/pipeline';
import { CliError } from '../../cli/errors';
import { RecordedKube } from '../../cli/kube';
import { deployPlan, recreatePlan, rolloutPlan, rotateSasPlan, type Context } from '../../cli/operations';
import { runPlan, type Step } from '../../cli/plan';
import { synthesize } from '../../core/synthesize';
import { workspace } from '../../core/workspace';
import { env } from '../helpers';
import { copyEnvironmentSource, plantTerraformFiles, snapshotTree, tempRepo } from './repo';
import { makeSealingKeyPair } from './sealing-key';

/**
 * Every external program a plan runs, failing in turn. No Azure, cluster or Terraform providers
 * run here, so npx (cdktf), terraform and kubectl are stand-ins on PATH that record their
 * arguments and answer as the real ones would (cdktf writes its outputs file, terraform prints
 * `output -json`); git is the real git, wrapped only to count and to fail on request. Each plan
 * runs once through, then once per external call with that call failing, then again to the end.
 */
const FAKES = mkdtempSync(join(tmpdir(), 'mz-fakes-'));
const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
const { certPem } = makeSealingKeyPair();
export const OUTPUTS = {
  sealing_certificate_pem: certPem,
  metadata_backend_url: 'postgres://materialize:pw@mzexample-pg.postgres.database.azure.com/materialize?sslmode=require',
  persist_backend_url:
    'https://mzexamplepersist.blob.core.windows.net/materialize-persist?sv=2022-11-02&ss=b&srt=sco&sp=rwdlacup&se=2027-05-01T00:00:00Z&sig=abc',
};

function writeFake(name: string, body: string): void {
  const file = join(FAKES, name);
  writeFileSync(
    file,
    `#!/bin/sh
n=$(( $(cat "$FAKE_STATE/count" 2>/dev/null || echo 0) + 1 ))
echo $n > "$FAKE_STATE/count"
echo "call ${name} $*" >> "$FAKE_STATE/log"
if [ "$n" = "$FAKE_FAIL_AT" ]; then echo "${name}: injected failure" >&2; exit 128; fi
${body}
`,
  );
  chmodSync(file, 0o755);
}

writeFake(
  'npx',
  `if [ "$1 $2" = "cdktf deploy" ]; then
  while [ $# -gt 0 ]; do [ "$1" = "--outputs-file" ] && out="$2"; shift; done
  mkdir -p "$(dirname "$out")"; cp "$FAKE_STATE/cdktf-outputs.json" "$out"
fi
exit 0`,
);
writeFake('terraform', `case "$*" in *" output -json"*) cat "$FAKE_STATE/terraform-outputs.json";; esac\nexit 0`);
writeFake('kubectl', 'exit 0');
writeFake('git', `exec "${REAL_GIT}" "$@"`);

afterAll(() => rmSync(FAKES, { recursive: true, force: true }));

export const git = (cwd: string, ...args: string[]) => execFileSync(REAL_GIT, args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

/** A repository with one environment synthesized and committed, and an origin to push to. */
function makeRepository(): string {
  const root = tempRepo(['prod']);
  copyEnvironmentSource(root, 'example');
  synthesize({ workspace: workspace(root), renderers: RENDERERS });
  plantTerraformFiles(root, 'example');
  writeFileSync(join(root, '.gitignore'), 'cdktf.out/\nstate/\n.mzops/\n.origin/\n');
  git(root, 'init', '-q', '-b', 'main');
  git(root, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'start');
  git(root, 'add', '-A');
  git(root, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'environments');
  git(root, 'init', '-q', '--bare', join(root, '.origin'));
  // Relative, so that a copy of the folder pushes to its own origin.
  git(root, 'remote', 'add', 'origin', './.origin');
  git(root, 'push', '-q', '-u', 'origin', 'main');
  git(root, 'config', 'user.email', 't@example.com');
  git(root, 'config', 'user.name', 't');
  // One pack per repository instead of a loose file per object: each run copies the folder.
  git(root, 'repack', '-adq');
  git(join(root, '.origin'), 'repack', '-adq');
  return root;
}

/**
 * A fresh copy of that repository: made once per file and copied for each run (synthesizing and
 * committing anew for each of the dozens of runs was most of this file's time).
 */
let template: string | undefined;
export function repository(): string {
  template ??= makeRepository();
  return copyOf(template);
}

function copyOf(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'mz-steps-repo-'));
  cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

/**
 * A copy of the repository after one `mzops deploy --push` went through: sealed, committed and
 * pushed, as rotate-sas, rollout and recreate find an environment in use. Made once per file.
 */
let deployed: Promise<string> | undefined;
export async function deployedRepository(): Promise<string> {
  deployed ??= (async () => {
    const root = repository();
    const outcome = await runWith(root, (c) => deployPlan(c, { push: true, wait: true }));
    if (outcome.error) throw outcome.error;
    return root;
  })();
  return copyOf(await deployed);
}

afterAll(async () => {
  if (template) rmSync(template, { recursive: true, force: true });
  if (deployed) rmSync(await deployed, { recursive: true, force: true });
});

export interface Outcome {
  /** Step titles and external calls, in the order they happened. */
  readonly events: string[];
  readonly error?: CliError;
  /** The working tree (without .git) as each step began, by step index. */
  readonly before: Record<string, string>[];
}

export async function runWith(root: string, plan: (c: Context) => Step[], failAt?: number): Promise<Outcome> {
  const state = mkdtempSync(join(tmpdir(), 'mz-fake-state-'));
  writeFileSync(join(state, 'cdktf-outputs.json'), JSON.stringify({ example: OUTPUTS }));
  writeFileSync(
    join(state, 'terraform-outputs.json'),
    JSON.stringify(Object.fromEntries(Object.entries(OUTPUTS).map(([k, value]) => [k, { value, type: 'string', sensitive: true }]))),
  );
  const saved = { PATH: process.env.PATH, FAKE_STATE: process.env.FAKE_STATE, FAKE_FAIL_AT: process.env.FAKE_FAIL_AT };
  process.env.PATH = `${FAKES}:${process.env.PATH}`;
  process.env.FAKE_STATE = state;
  process.env.FAKE_FAIL_AT = failAt === undefined ? '' : String(failAt);
  const before: Record<string, string>[] = [];
  // The repository's files as a person sees them: git's own folders are not read at all.
  const tree = () => snapshotTree(root, ['.git', '.origin']);
  const kube = new RecordedKube({
    'services materialize-environment - -': {
      items: ['materialize-balancerd', 'materialize-console'].map((name) => ({
        metadata: { name },
        status: { loadBalancer: { ingress: [{ ip: '10.0.15.250' }] } },
      })),
    },
  });
  const ctx: Context = {
    env: env('example'),
    root,
    variables: { MZ_LICENSE_KEY: `eyJ${'b'.repeat(120)}`, ARM_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000' },
    log: (line) => {
      if (/^\[\d+\/\d+\] /.test(line)) {
        appendFileSync(join(state, 'log'), `step ${line}\n`);
        before.push(tree());
      }
    },
    kube,
  };
  let error: CliError | undefined;
  try {
    await runPlan(plan(ctx), { log: ctx.log, cwd: root });
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    error = e;
  } finally {
    Object.assign(process.env, saved);
    if (saved.FAKE_STATE === undefined) delete process.env.FAKE_STATE;
    if (saved.FAKE_FAIL_AT === undefined) delete process.env.FAKE_FAIL_AT;
  }
  const events = existsSync(join(state, 'log')) ? readFileSync(join(state, 'log'), 'utf8').trim().split('\n') : [];
  rmSync(state, { recursive: true, force: true });
  return { events, error, before };
}

/** Each plan, and the repository it starts from: deploy a new environment, the others one deployed. */
export const PLANS: [string, (c: Context) => Step[], () => Promise<string>][] = [
  ['deploy --push', (c) => deployPlan(c, { push: true, wait: true }), async () => repository()],
  ['rotate-sas --push', (c) => rotateSasPlan(c, { push: true }), deployedRepository],
  ['rollout --push', (c) => rolloutPlan(c, { push: true }), deployedRepository],
  ['recreate --push', (c) => recreatePlan(c, { confirm: 'example', emptyPersist: false, push: true }), deployedRepository],
];

/** Runs each plan through, then once per external call with that call failing, then again to the end. */
export function stepsSuite(plans: typeof PLANS): void {
  describe.each(plans)('%s, with each external call failing in turn', (_name, plan, start) => {
    let clean: Outcome;
    let root: string;
    beforeAll(async () => {
      root = await start();
      clean = await runWith(root, plan);
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('runs through, in the repository root whatever the current folder, and leaves everything committed and pushed', () => {
      expect(clean.error).toBeUndefined();
      expect(clean.events.filter((e) => e.startsWith('call ')).length).toBeGreaterThan(2);
      expect(git(root, 'status', '--porcelain')).toBe('');
      expect(git(root, 'rev-parse', 'HEAD')).toBe(git(root, 'rev-parse', 'origin/main'));
    });

    it('stops at the failing call, names its step, runs nothing after it, leaves the files as the step found them, and resumes', async () => {
      const calls = clean.events.filter((e) => e.startsWith('call '));
      for (let i = 1; i <= calls.length; i++) {
        const repo = await start();
        try {
          const failed = await runWith(repo, plan, i);
          // The step the i-th call belongs to, in the clean run.
          const upTo = clean.events.findIndex(
            (e, j) => e.startsWith('call ') && clean.events.slice(0, j + 1).filter((x) => x.startsWith('call ')).length === i,
          );
          const stepLines = clean.events.slice(0, upTo).filter((e) => e.startsWith('step '));
          const step = stepLines.length;
          const title = stepLines[step - 1].replace(/^step \[\d+\/(\d+)\] /, '');
          const total = /^step \[\d+\/(\d+)\]/.exec(stepLines[0])![1];
          expect(failed.error?.message).toMatch(
            new RegExp(`^step ${step}/${total} \\(${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) failed: `),
          );
          expect(failed.error?.hint).toMatch(
            /run the same command again \((no step had run|step 1 is done|steps 1-\d+ are done), and each step is safe to repeat\)$/,
          );
          // Nothing ran after the failing call.
          expect(failed.events.filter((e) => e.startsWith('call '))).toEqual(calls.slice(0, i));
          // A call that fails at the start of its step leaves the tree as that step found it.
          const afterFailure = snapshotTree(repo, ['.git', '.origin']);
          expect(Object.keys(afterFailure).sort()).toEqual(Object.keys(failed.before[step - 1]).sort());
          expect(afterFailure).toEqual(failed.before[step - 1]);
          // Run again: it goes to the end, and what it leaves is committed and pushed.
          const again = await runWith(repo, plan);
          expect(again.error).toBeUndefined();
          expect(git(repo, 'status', '--porcelain')).toBe('');
          expect(git(repo, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'origin/main'));
        } finally {
          rmSync(repo, { recursive: true, force: true });
        }
      }
    }, 240_000);
  });
}

import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runDiff } from '../../../cli/diff/diff';
import { formatJson, formatMarkdown, formatText } from '../../../cli/diff/format';
import { cacheKey, renderCache } from '../../../cli/diff/render-cache';
import type { DiffReport } from '../../../cli/diff/model';
import type { Rendering } from '../../../cli/diff/revision';
import { REPO_ROOT } from '../../helpers';

/**
 * A fixture repository made with git: this repository's files as committed on a `main` branch,
 * and one branch per kind of change, each a single edit of environments/example.ts. mzops diff
 * renders both sides with the revision's own pipeline, as it does for a pull request.
 */
let repo: string;
let scratch: string;
const cache = new Map<string, Rendering>();
const ENV = 'environments/example.ts';
const STATE = 'environments/example.mzops.json';

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

/** A branch off main with each edit applied to its file. */
function branch(name: string, ...edits: [string, (text: string) => string][]): void {
  git('checkout', '-q', '-b', name, 'main');
  for (const [file, edit] of edits) {
    const path = join(repo, file);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const after = edit(before);
    if (after === before) throw new Error(`the edit of ${file} for ${name} changed nothing`);
    writeFileSync(path, after);
  }
  git('add', '-A');
  git('commit', '-q', '-m', name);
  git('checkout', '-q', 'main');
}

function replace(from: string | RegExp, to: string): (text: string) => string {
  return (text) => text.replace(from, to);
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'mz-diff-repo-'));
  scratch = mkdtempSync(join(tmpdir(), 'mz-diff-tmp-'));
  const files = execFileSync('git', ['-C', REPO_ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(REPO_ROOT, f))) continue;
    mkdirSync(dirname(join(repo, f)), { recursive: true });
    copyFileSync(join(REPO_ROOT, f), join(repo, f));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  git('init', '-q', '-b', 'main');
  // .gitignore's `node_modules/` matches a folder, not this symlink.
  writeFileSync(join(repo, '.git', 'info', 'exclude'), 'node_modules\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  branch('docs-only', ['README.md', (t) => `${t}\nA line of prose.\n`]);
  branch('rename-database', [ENV, replace("database: 'materialize',", "database: 'catalog',")]);
  // What mzops rollout writes: a new requestRollout in the state file.
  branch('rollout', [STATE, replace(/"requestRollout": "[^"]+"/, '"requestRollout": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"')]);
  branch('wider-clients', [
    ENV,
    replace("allowedClientRanges: ['203.0.113.0/24']", "allowedClientRanges: ['203.0.113.0/24', '198.51.100.0/24']"),
  ]);
  branch('add-tag', [ENV, replace('  dataProtection: false,', "  tags: { team: 'data' },\n  dataProtection: false,")]);
  branch(
    'new-environment-id',
    [
      ENV,
      replace(/environmentId: '[^']+',/, "environmentId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',\n    forceEnvironmentIdChange: true,"),
    ],
    [STATE, replace(/"requestRollout": "[^"]+"/, '"requestRollout": "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"')],
  );
  branch('broken', [ENV, replace("prefix: 'mzexample',", "prefix: 'MZ EXAMPLE',")]);
  // An environment on the old default, then what mzops upgrade writes for it.
  branch('on-v26.12', [ENV, replace("operatorChartVersion: 'v26.37.0',", "operatorChartVersion: 'v26.12.0',")]);
  git('checkout', '-q', '-b', 'upgrade-to-v26.37', 'on-v26.12');
  writeFileSync(
    join(repo, STATE),
    readFileSync(join(repo, STATE), 'utf8').replace(
      '"materialize": {',
      '"materialize": {\n    "environmentdVersion": "v26.37.0",\n    "operatorChartVersion": "v26.37.0",',
    ),
  );
  git('commit', '-q', '-am', 'mzops upgrade example --to v26.37.0');
  git('checkout', '-q', 'main');
}, 120_000);

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const diff = (head: string, extra: Partial<Parameters<typeof runDiff>[0]> = {}): Promise<DiffReport> =>
  runDiff({ repoRoot: repo, base: 'main', head, tmpParent: scratch, cache, ...extra });

const changes = (r: DiffReport) => r.environments.flatMap((e) => e.changes);
const bySeverity = (r: DiffReport, severity: string) => changes(r).filter((c) => c.severity === severity);

describe('mzops diff on a fixture repository', () => {
  afterEach(() => expect(readdirSync(scratch)).toEqual([]));

  it('fails on an environment name neither revision has, naming the known ones (a misspelt name is not "no change")', async () => {
    await expect(diff('docs-only', { environments: ['exmaple'] })).rejects.toMatchObject({
      message: expect.stringMatching(/^no environment "exmaple" in main or docs-only \(known: example\)$/),
      hint: 'did you mean "example"? mzops diff example',
    });
  }, 60_000);

  it('fails on an unknown --base before rendering anything', async () => {
    const started = Date.now();
    await expect(runDiff({ repoRoot: repo, base: 'no-such-ref', tmpParent: scratch })).rejects.toThrow(/no-such-ref/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports nothing for a change that touches no environment, and is not dangerous', async () => {
    const r = await diff('docs-only');
    expect(changes(r)).toEqual([]);
    expect(r.dangerous).toBe(false);
    expect(formatText(r)).toContain('environment example: no change');
  }, 60_000);

  it('calls a renamed metadata database data loss: the provider replaces it (name forces a new resource)', async () => {
    const r = await diff('rename-database');
    const [loss] = bySeverity(r, 'data loss');
    expect(loss).toMatchObject({ action: 'replace', type: 'azurerm_postgresql_flexible_server_database' });
    expect(loss.findings[0].reason).toMatch(/replaces the metadata database: Materialize's catalog \(name forces a new resource\)/);
    expect(loss.replacement?.source).toMatch(/postgresql_flexible_server_database\.html\.markdown/);
    expect(r.dangerous).toBe(true);
  }, 60_000);

  it('calls a new requestRollout downtime (an environmentd rollout), and nothing dangerous', async () => {
    const r = await diff('rollout');
    expect(bySeverity(r, 'downtime').map((c) => c.address)).toEqual(['Materialize materialize-environment/materialize']);
    expect(bySeverity(r, 'downtime')[0].findings[0].reason).toMatch(/environmentd rolls out to a new generation/);
    expect(r.dangerous).toBe(false);
  }, 60_000);

  it('calls an upgrade (what mzops upgrade writes) downtime: the operator first, environmentd onto the new image with a rollout', async () => {
    const r = await diff('upgrade-to-v26.37', { base: 'on-v26.12' });
    const reasons = bySeverity(r, 'downtime').flatMap((c) => c.findings.map((f) => `${c.address}: ${f.reason}`));
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^HelmRelease materialize-gitops\/materialize-operator: the Materialize operator upgrades "v26\.12\.0" -> "v26\.37\.0": Flux upgrades it before the instance layer/,
        ),
        expect.stringMatching(/^Materialize materialize-environment\/materialize: environmentd upgrades v26\.12\.0 -> v26\.37\.0/),
        expect.stringMatching(/^Materialize materialize-environment\/materialize: environmentd rolls out to a new generation/),
      ]),
    );
    expect(r.dangerous).toBe(false);
  }, 60_000);

  it('calls a wider client range exposure, on the storage and Event Hubs firewalls and on both ingress policies', async () => {
    const r = await diff('wider-clients');
    const exposure = bySeverity(r, 'exposure');
    expect(exposure.map((c) => c.address).sort()).toEqual([
      'NetworkPolicy materialize-environment/materialize-balancerd-ingress',
      'NetworkPolicy materialize-environment/materialize-console-ingress',
      'azurerm_eventhub_namespace.EventHubs_Namespace_33F45067',
      'azurerm_storage_account.PersistStorage_Account_45D248FC',
    ]);
    const reason = (type: string) => exposure.find((c) => c.address.startsWith(type))!.findings[0].reason;
    expect(reason('azurerm_storage_account')).toBe('network_rules.ip_rules now admits 198.51.100.0/24');
    expect(reason('azurerm_eventhub_namespace')).toBe('network_rulesets[0].ip_rule now admits 198.51.100.0/24');
    const policy = exposure.find((c) => c.layer === 'kubernetes')!;
    expect(policy.findings.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^ingress admits more: \{"ipBlock":\{"cidr":"198\.51\.100\.0\/24"\}\} on /),
    ]);
    expect(r.dangerous).toBe(true);
  }, 60_000);

  it('calls a new tag safe: updated in place everywhere', async () => {
    const r = await diff('add-tag');
    expect(changes(r).length).toBeGreaterThan(5);
    expect(changes(r).every((c) => c.severity === 'safe' && c.action === 'update')).toBe(true);
    expect(r.dangerous).toBe(false);
  }, 60_000);

  it('calls a changed environmentId data loss', async () => {
    const r = await diff('new-environment-id');
    expect(bySeverity(r, 'data loss').map((c) => c.findings[0].reason)).toEqual([
      expect.stringMatching(/^environmentId "7f615ba3-[^"]+" -> "1a2b3c4d-[^"]+": a new, empty instance/),
    ]);
  }, 60_000);

  it('exits clean when the dangerous change is acknowledged, and names acknowledgements that match nothing', async () => {
    const id = 'example:terraform:azurerm_postgresql_flexible_server_database.MetadataDatabase_D88793DD:replace';
    const r = await diff('rename-database', { acknowledge: [id, 'example:terraform:azurerm_resource_group.Gone:destroy'] });
    expect(r.dangerous).toBe(false);
    expect(changes(r).find((c) => c.id === id)?.acknowledged).toBe(true);
    expect(r.unusedAcknowledgements).toEqual(['example:terraform:azurerm_resource_group.Gone:destroy']);
  }, 60_000);

  it('reads acknowledgements from the file the change commits', async () => {
    const id = 'example:terraform:azurerm_postgresql_flexible_server_database.MetadataDatabase_D88793DD:replace';
    git('checkout', '-q', '-b', 'rename-acknowledged', 'rename-database');
    writeFileSync(join(repo, 'acknowledged-changes.txt'), `# the catalog is restored from a dump after the rename\n${id}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'acknowledge');
    git('checkout', '-q', 'main');
    const r = await diff('rename-acknowledged');
    expect(r.dangerous).toBe(false);
  }, 60_000);

  it('writes the pull-request comment as markdown: a summary table, then the details per environment', async () => {
    // Only the example: an environment a user adds to the repository must not change this text.
    const r = await diff('rename-database', { environments: ['example'] });
    const md = formatMarkdown(r).replace(/\b[0-9a-f]{12}\b/g, '<commit>');
    expect(md).toMatchSnapshot();
    expect(JSON.parse(formatJson(r))).toMatchObject({ dangerous: true, base: { label: 'main' }, head: { label: 'rename-database' } });
  }, 60_000);

  it('stops with the revision that does not synthesize, and leaves no temporary tree', async () => {
    await expect(diff('broken')).rejects.toThrow(/broken does not synthesize:[\s\S]*prefix/);
  }, 60_000);

  it('compares the working tree when no head is given, and never writes to the repository', async () => {
    const before = git('status', '--porcelain');
    writeFileSync(join(repo, ENV), readFileSync(join(repo, ENV), 'utf8').replace("database: 'materialize',", "database: 'other',"));
    try {
      const r = await runDiff({ repoRoot: repo, base: 'main', tmpParent: scratch, cache });
      expect(r.head.label).toBe('the working tree');
      expect(bySeverity(r, 'data loss')).toHaveLength(1);
      expect(git('status', '--porcelain')).toBe('M environments/example.ts');
    } finally {
      git('checkout', '--', ENV);
    }
    expect(git('status', '--porcelain')).toBe(before);
  }, 60_000);
});

describe('mzops diff with linked folders in the working tree', () => {
  it('renders the working tree with node_modules a symbolic link that only .gitignore hides, and another linked folder', async () => {
    const exclude = join(repo, '.git', 'info', 'exclude');
    const saved = readFileSync(exclude, 'utf8');
    const elsewhere = mkdtempSync(join(tmpdir(), 'mz-linked-'));
    writeFileSync(exclude, '');
    symlinkSync(elsewhere, join(repo, 'linked-tools'), 'dir');
    try {
      // node_modules (a link, as in workspaces and shared installs) is ignored by .gitignore's
      // `node_modules`; a linked folder git lists is skipped, not copied (copyFile answered EISDIR).
      expect(git('status', '--porcelain')).toBe('?? linked-tools');
      const r = await runDiff({ repoRoot: repo, base: 'main', tmpParent: scratch, cache, environments: ['example'] });
      expect(r.head.label).toBe('the working tree');
      expect(changes(r)).toEqual([]);
    } finally {
      rmSync(join(repo, 'linked-tools'));
      rmSync(elsewhere, { recursive: true, force: true });
      writeFileSync(exclude, saved);
    }
  }, 60_000);
});

describe('renderings kept between runs', () => {
  // After the tests above, which rendered every branch and kept each rendering (the in-memory
  // cache aside). --no-cache is the kill test's: with it, the CLI renders although both are kept.
  const kept = () => join(repo, '.cache', 'mzops-diff');
  const logged = async (head: string) => {
    const lines: string[] = [];
    const report = await runDiff({ repoRoot: repo, base: 'main', head, tmpParent: scratch, log: (l) => lines.push(l) });
    return { report, rendered: lines.filter((l) => l.startsWith('rendering ')).map((l) => l.split(' ')[1]) };
  };

  it('render a revision once: a new run reads both sides, a damaged entry is rendered again', async () => {
    const first = await logged('add-tag');
    expect(first.rendered).toEqual([]);
    expect(first.report.base.commit).toBe(git('rev-parse', 'main'));
    expect(changes(first.report).length).toBeGreaterThan(0);
    // Damage every entry but main's: add-tag's is a miss, rendered and written anew.
    const mainEntry = `${cacheKey(renderCache(repo)!, `tree:${git('rev-parse', 'main^{tree}')}`)}.json`;
    const entries = readdirSync(kept()).filter((f) => f.endsWith('.json'));
    expect(entries).toContain(mainEntry);
    for (const f of entries) if (f !== mainEntry) writeFileSync(join(kept(), f), '{"format":');
    const repaired = await logged('add-tag');
    expect(repaired.rendered).toEqual(['add-tag']);
    expect(repaired.report).toEqual(first.report);
  }, 120_000);

  it('render the working tree again once a file in it changed', async () => {
    const lines: string[] = [];
    const once = () => runDiff({ repoRoot: repo, base: 'main', tmpParent: scratch, log: (l) => lines.push(l) });
    const rendersOfWorkingTree = () => lines.filter((l) => l === 'rendering the working tree').length;
    await once();
    const before = rendersOfWorkingTree();
    await once();
    expect(rendersOfWorkingTree()).toBe(before);
    writeFileSync(join(repo, ENV), readFileSync(join(repo, ENV), 'utf8').replace("database: 'materialize',", "database: 'catalog2',"));
    try {
      const changed = await once();
      expect(rendersOfWorkingTree()).toBe(before + 1);
      expect(bySeverity(changed, 'data loss')).toHaveLength(1);
    } finally {
      git('checkout', '--', ENV);
    }
  }, 120_000);
});

describe('mzops diff, the command', () => {
  const run = (tmp: string, args: string[]) =>
    // The fixture's own CLI: it renders the repository it belongs to.
    spawn(process.execPath, ['--require', join(repo, 'core', 'register.js'), join(repo, 'cli', 'main.ts'), 'diff', ...args], {
      cwd: repo,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('prints the report and exits 2 on unacknowledged data loss', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mz-diff-cli-'));
    try {
      const child = run(tmp, ['--base', 'main', '--head', 'rename-database']);
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stdout).toMatch(/DATA LOSS replace azurerm_postgresql_flexible_server_database\.MetadataDatabase_D88793DD/);
      expect(code).toBe(2);
      expect(readdirSync(tmp).filter((f) => f.startsWith('mzops-diff-'))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  it('removes its temporary trees when killed mid-render', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mz-diff-kill-'));
    try {
      // --no-cache: the other tests rendered both sides already, and kept them.
      const child = run(tmp, ['--base', 'main', '--head', 'rename-database', '--no-cache']);
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          // Mid-synth: the link to node_modules is made just before the revision's synth starts.
          const trees = readdirSync(tmp).filter((f) => f.startsWith('mzops-diff-'));
          if (trees.some((t) => existsSync(join(tmp, t, 'node_modules')))) {
            clearInterval(poll);
            child.kill('SIGTERM');
            resolve();
          }
        }, 20);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect([code, stderr]).toEqual([143, expect.any(String)]);
      expect(readdirSync(tmp).filter((f) => f.startsWith('mzops-diff-'))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});

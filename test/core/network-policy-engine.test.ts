import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RENDERERS } from '../../cli/pipeline';
import { recordedNetworkPolicy, selectEnvironments } from '../../core/environments';
import { synthesize } from '../../core/synthesize';
import { workspace } from '../../core/workspace';
import { DIST, NETWORK_POLICY_ENGINE } from '../../model/contract';
import { environmentWarnings } from '../../model/validate';
import { REPO_ROOT } from '../helpers';
import { tempRepo } from '../support/repo';

/**
 * Cilium is the default engine, and changing the engine replaces the AKS cluster: an environment
 * that leaves aks.networkPolicy unset keeps the engine its committed dist/<name>/ was made with.
 */
const at = { now: new Date('2026-12-03T12:00:00Z') };

/** An environment file: the fixture `prod` (it leaves aks.networkPolicy unset), with `aks` overridden. */
function writeProd(root: string, aks?: Record<string, unknown>): void {
  const src = JSON.stringify(join(REPO_ROOT, 'test', 'fixtures', 'environments', 'prod'));
  writeFileSync(
    join(root, 'environments', 'prod.ts'),
    aks
      ? `import base from ${src};\nexport default { ...base, aks: { ...base.aks, ...${JSON.stringify(aks)} } };\n`
      : `export { default } from ${src};\n`,
  );
}

function load(root: string) {
  jest.resetModules();
  const { selected, notices } = selectEnvironments(join(root, 'environments'), ['prod']);
  return { env: selected[0], notices };
}

describe('the network policy engine', () => {
  let root: string;
  beforeEach(() => {
    root = tempRepo([]);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is Cilium for an environment with no committed output, without a notice', () => {
    writeProd(root);
    const { env, notices } = load(root);
    expect(env.aks.networkPolicy).toBe('cilium');
    expect(notices).toEqual([]);
    expect(environmentWarnings(env, at).filter((w) => w.includes('networkPolicy'))).toEqual([]);
  });

  it('stays Azure NPM for committed output from before the record (NPM was the default), and synth says why and what to write', () => {
    writeProd(root);
    mkdirSync(join(root, DIST.root, 'prod', 'infrastructure'), { recursive: true });
    const { env, notices } = load(root);
    expect(env.aks.networkPolicy).toBe('azure');
    expect(notices).toEqual([
      `notice: environments/prod.ts leaves aks.networkPolicy unset and dist/prod/ was made with 'azure'; changing the engine replaces the AKS cluster, so prod keeps 'azure' (new environments get 'cilium'). Write aks: { networkPolicy: 'azure' } in environments/prod.ts to keep it and end this notice, or 'cilium' to move (README: "Moving to Cilium")`,
    ]);
  });

  it('follows the record synth wrote, and an explicit value wins over it without a notice', async () => {
    writeProd(root, { networkPolicy: 'azure' });
    jest.resetModules();
    await synthesize({ workspace: workspace(root), renderers: RENDERERS, environments: ['prod'] });
    // The record lands in the file synth reads it from.
    expect(readFileSync(join(root, DIST.root, 'prod', NETWORK_POLICY_ENGINE.recordFile), 'utf8')).toContain(
      `${NETWORK_POLICY_ENGINE.annotation}: azure`,
    );
    expect(recordedNetworkPolicy(join(root, DIST.root), 'prod')).toBe('azure');

    // The line removed: the committed output keeps it on NPM, with the notice.
    writeProd(root);
    expect(load(root).env.aks.networkPolicy).toBe('azure');
    expect(load(root).notices).toHaveLength(1);

    // Moving is a decision written down: Cilium, no notice (mzops diff shows the cluster replacement).
    writeProd(root, { networkPolicy: 'cilium' });
    expect(load(root)).toEqual({
      env: expect.objectContaining({ aks: expect.objectContaining({ networkPolicy: 'cilium' }) }),
      notices: [],
    });
    jest.resetModules();
    await synthesize({ workspace: workspace(root), renderers: RENDERERS, environments: ['prod'] });
    expect(recordedNetworkPolicy(join(root, DIST.root), 'prod')).toBe('cilium');
    writeProd(root);
    expect(load(root)).toEqual({
      env: expect.objectContaining({ aks: expect.objectContaining({ networkPolicy: 'cilium' }) }),
      notices: [],
    });
  });

  it('warns about Azure NPM with the day its Linux support ends, however it was chosen', () => {
    writeProd(root, { networkPolicy: 'azure' });
    expect(environmentWarnings(load(root).env, at)).toContainEqual(
      `warning: environment "prod": aks.networkPolicy 'azure' is Azure Network Policy Manager, whose Linux support Microsoft ends on 2028-09-30; moving to 'cilium' replaces the AKS cluster (Materialize's data stays in PostgreSQL and Blob Storage): plan it as the README's "Moving to Cilium" says`,
    );
  });

  it('reads an unknown recorded value as output from before the record', () => {
    mkdirSync(join(root, DIST.root, 'prod', 'infrastructure'), { recursive: true });
    writeFileSync(
      join(root, DIST.root, 'prod', NETWORK_POLICY_ENGINE.recordFile),
      `metadata:\n  annotations:\n    ${NETWORK_POLICY_ENGINE.annotation}: calico\n`,
    );
    expect(recordedNetworkPolicy(join(root, DIST.root), 'prod')).toBe('azure');
    expect(recordedNetworkPolicy(join(root, DIST.root), 'staging')).toBeUndefined();
  });
});

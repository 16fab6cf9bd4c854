import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RecordedKube } from '../../cli/kube';
import type { Context } from '../../cli/operations';
import { promotePlan } from '../../cli/operations';
import { RENDERERS } from '../../cli/pipeline';
import { runPlan } from '../../cli/plan';
import { materializeLines } from '../../cli/status';
import { selectEnvironments } from '../../core/environments';
import { readMzopsState } from '../../core/mzops-state';
import { synthesize } from '../../core/synthesize';
import { workspace } from '../../core/workspace';
import { tempRepo, writeEnvironment } from '../support/repo';

/**
 * ManuallyPromote, end to end offline: a committed first generation, a change that waits for
 * promotion, and `mzops promote` writing forcePromote for exactly that rollout through Git. The
 * cluster's answers are recorded in the shape orchestratord writes (no cluster runs here).
 */
describe('mzops promote', () => {
  let root: string;
  const cr = () =>
    parse(readFileSync(join(root, 'dist', 'staging', 'instance', 'materialize-materialize-environment.materialize.yaml'), 'utf8')) as {
      spec: { requestRollout: string; forcePromote?: string };
    };
  const context = (kube?: RecordedKube): Context => ({
    env: selectEnvironments(join(root, 'environments'), ['staging']).selected[0],
    root,
    variables: {},
    log: () => undefined,
    kube,
  });
  const live = (requestRollout: string, reason: string, status = 'Unknown') =>
    new RecordedKube({
      'materializes.materialize.cloud materialize-environment materialize -': {
        metadata: { name: 'materialize', namespace: 'materialize-environment', generation: 2 },
        spec: { requestRollout },
        status: { conditions: [{ type: 'UpToDate', status, reason, observedGeneration: 2 }] },
      },
    });

  beforeEach(() => {
    root = tempRepo(['staging'], { staging: { rolloutStrategy: 'ManuallyPromote' } });
    synthesize({ workspace: workspace(root), renderers: RENDERERS });
    execFileSync('git', ['init', '-q'], { cwd: root });
  });

  it('the first generation is promoted by itself; a later change waits for mzops promote, which promotes exactly it', async () => {
    const first = cr().spec;
    expect(first.forcePromote).toBe(first.requestRollout);
    // A change that rolls out: bigger environmentd.
    writeEnvironment(root, 'staging', { rolloutStrategy: 'ManuallyPromote', environmentdResources: { memoryLimit: '5Gi' } });
    // jest keeps its own module registry: the edited file is read again only after a reset.
    jest.resetModules();
    synthesize({ workspace: workspace(root), renderers: RENDERERS });
    const waiting = cr().spec;
    expect(waiting.requestRollout).not.toBe(first.requestRollout);
    expect(waiting.forcePromote).toBe(first.requestRollout);

    await runPlan(promotePlan(context(live(waiting.requestRollout, 'ReadyToPromote')), { push: false }), {
      log: () => undefined,
      cwd: root,
    });
    expect(readMzopsState('staging', join(root, 'environments'))?.materialize.forcePromote).toBe(waiting.requestRollout);
    expect(cr().spec).toEqual({ ...waiting, forcePromote: waiting.requestRollout });
  });

  it('refuses before the new generation has caught up, or before Flux applied the rollout, unless --now', async () => {
    const request = cr().spec.requestRollout;
    const run = (kube: RecordedKube | undefined, now = false) =>
      runPlan(promotePlan(context(kube), { push: false, now }), { log: () => undefined, cwd: root });
    await expect(run(live(request, 'Applying'))).rejects.toThrow(
      /is Unknown\/Applying, not ReadyToPromote: the new generation has not caught up/,
    );
    await expect(run(live('11111111-1111-4111-8111-111111111111', 'ReadyToPromote'))).rejects.toThrow(
      /the cluster runs requestRollout 11111111-.*, not .*: Flux has not applied this rollout yet/,
    );
    await expect(run(undefined)).rejects.toMatchObject({
      message: expect.stringMatching(/no kubeconfig with the environment's context/),
      hint: expect.stringMatching(/mzops promote staging --now/),
    });
    await run(undefined, true);
    expect(cr().spec.forcePromote).toBe(request);
  });

  it('refuses an environment the operator promotes by itself', () => {
    const c = context();
    expect(() =>
      promotePlan({ ...c, env: { ...c.env, materialize: { ...c.env.materialize, rolloutStrategy: 'WaitUntilReady' } } }, { push: false }),
    ).toThrow(/rolls out with WaitUntilReady: the operator promotes by itself/);
  });

  it('status says a rollout waits for promotion, and what to run', () => {
    const lines = materializeLines(
      {
        metadata: { name: 'materialize' },
        spec: { environmentdImageRef: 'materialize/environmentd:v26.37.0', requestRollout: 'r2' },
        status: {
          lastCompletedRolloutRequest: 'r1',
          lastCompletedRolloutEnvironmentdImageRef: 'materialize/environmentd:v26.12.0',
          conditions: [{ type: 'UpToDate', status: 'Unknown', reason: 'ReadyToPromote' } as never],
        },
      },
      context().env,
    );
    expect(lines).toEqual([
      'image        materialize/environmentd:v26.37.0 (running materialize/environmentd:v26.12.0)',
      'UpToDate     Unknown (ReadyToPromote)',
      'rollout      ready to promote: the new generation has caught up; the old one serves until mzops promote: requested r2, last completed r1',
      'generation   none, resource id none',
      'next         mzops promote staging --push',
    ]);
  });
});

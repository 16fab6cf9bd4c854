import { evaluate } from '@marcbachmann/cel-js';
import { renderEnvironment, RENDERED_OBJECTS } from '../../manifests/render';
import { FLUX } from '../../model/contract';
import { loadEnvironment } from '../../model/load';
import { env, exampleWith } from '../helpers';

/**
 * The instance layer's health checks, evaluated as kustomize-controller does (fluxcd/pkg
 * runtime/cel StatusEvaluator, RFC 0009): a top-level status.observedGeneration that lags means
 * InProgress; then inProgress, failed and current, in that order; none true means InProgress.
 * The statuses are the ones orchestratord writes (controller/materialize.rs) and the
 * sealed-secrets controller reports.
 */
type Exprs = { apiVersion: string; kind: string; current: string; failed?: string; inProgress?: string };

function fluxHealth(e: Exprs, obj: Record<string, any>): 'InProgress' | 'Failed' | 'Current' {
  const observed = obj.status?.observedGeneration;
  if (observed !== undefined && obj.metadata?.generation !== undefined && observed !== obj.metadata.generation) return 'InProgress';
  const vars = { metadata: obj.metadata ?? {}, spec: obj.spec ?? {}, status: obj.status ?? {} };
  const is = (expr?: string) => !!expr && evaluate(expr, vars) === true;
  if (is(e.inProgress)) return 'InProgress';
  if (is(e.failed)) return 'Failed';
  if (is(e.current)) return 'Current';
  return 'InProgress';
}

function exprsOf(e: ReturnType<typeof env>): Exprs[] {
  const tree = renderEnvironment(e, { sealed: null });
  const instance = [...RENDERED_OBJECTS.get(tree)!.values()].find((o) => o.kind === 'Kustomization' && o.metadata.name === FLUX.layers[1])!;
  return (instance.spec as { healthCheckExprs: Exprs[] }).healthCheckExprs;
}
const exprs = exprsOf(env('example'));
const of = (kind: string) => exprs.find((e) => e.kind === kind)!;
const manual = exprsOf(loadEnvironment(exampleWith((d) => (d.materialize.rolloutStrategy = 'ManuallyPromote')))).find(
  (e) => e.kind === 'Materialize',
)!;

const mz = (generation: number, condition?: { status: string; reason: string; observedGeneration: number }) => ({
  metadata: { name: 'materialize', generation },
  spec: {},
  status: condition ? { conditions: [{ type: 'UpToDate', lastTransitionTime: '2026-12-01T00:00:00Z', message: '', ...condition }] } : {},
});

describe('health of the Materialize instance, as Flux computes it', () => {
  it.each([
    ['no status yet', mz(1), 'InProgress'],
    ['a rollout being applied (Unknown/Applying)', mz(2, { status: 'Unknown', reason: 'Applying', observedGeneration: 2 }), 'InProgress'],
    ['the new generation live (True/Applied)', mz(2, { status: 'True', reason: 'Applied', observedGeneration: 2 }), 'Current'],
    [
      'an Applied condition from before the latest spec change',
      mz(3, { status: 'True', reason: 'Applied', observedGeneration: 2 }),
      'InProgress',
    ],
    [
      'a failed rollout (False/FailedDeploy): fails now, not at the timeout',
      mz(2, { status: 'False', reason: 'FailedDeploy', observedGeneration: 2 }),
      'Failed',
    ],
    [
      'a spec change without a new requestRollout (False/WaitingForApproval), which the operator never applies',
      mz(2, { status: 'False', reason: 'WaitingForApproval', observedGeneration: 2 }),
      'Failed',
    ],
    [
      'a rollout caught up and waiting for promotion (Unknown/ReadyToPromote): WaitUntilReady never stops there',
      mz(2, { status: 'Unknown', reason: 'ReadyToPromote', observedGeneration: 2 }),
      'InProgress',
    ],
    [
      'an unpromoted rollout the operator cancelled (False/RolloutTimeout)',
      mz(2, { status: 'False', reason: 'RolloutTimeout', observedGeneration: 2 }),
      'Failed',
    ],
  ])('%s', (_what, obj, expected) => {
    expect(fluxHealth(of('Materialize'), obj)).toBe(expected);
  });

  it.each([
    ['waits for promotion by design (Unknown/ReadyToPromote): healthy, the old generation serves', 'Unknown', 'ReadyToPromote', 'Current'],
    ['still applying (Unknown/Applying)', 'Unknown', 'Applying', 'InProgress'],
    ['promoting (Unknown/Promoting)', 'Unknown', 'Promoting', 'InProgress'],
    ['promoted and live (True/Applied)', 'True', 'Applied', 'Current'],
    ['left unpromoted past rolloutRequestTimeout (False/RolloutTimeout)', 'False', 'RolloutTimeout', 'Failed'],
  ])('ManuallyPromote: %s', (_what, status, reason, expected) => {
    expect(fluxHealth(manual, mz(2, { status, reason, observedGeneration: 2 }))).toBe(expected);
  });
});

describe('health of the backend SealedSecret', () => {
  const sealed = (status?: string) => ({
    metadata: { name: 'materialize-backend', generation: 1 },
    status: status ? { conditions: [{ type: 'Synced', status }], observedGeneration: 1 } : {},
  });
  it.each([
    ['not yet unsealed', sealed(), 'InProgress'],
    ['unsealed', sealed('True'), 'Current'],
    ['sealed for another key', sealed('False'), 'Failed'],
  ])('%s', (_what, obj, expected) => {
    expect(fluxHealth(of('SealedSecret'), obj)).toBe(expected);
  });
});

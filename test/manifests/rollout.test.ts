import { join } from 'node:path';
import { renderGitops } from '../../manifests/gitops';
import { RENDERED_OBJECTS } from '../../manifests/render';
import { nameUuid, uuidV5 } from '../../manifests/instance/rollout';
import type { MaterializeSpec } from '../../imports/materialize.cloud';
import type { EnvironmentDefinition } from '../../model/environment';
import { loadEnvironment } from '../../model/load';
import type { SealedValuesFile } from '../../model/sealed-values';
import { renderEnvironment } from '../../manifests/render';
import { exampleWith, REPO_ROOT } from '../helpers';

/**
 * The CR's rollout fields, derived (manifests/instance/rollout.ts): every change that needs a new
 * generation gets one in Git, and nothing else does. What the operator does with them is read from
 * orchestratord's source; cluster.test.ts checks every operator value against the flags it renders.
 */
function spec(
  change: (d: EnvironmentDefinition) => void = () => {},
  sealed?: SealedValuesFile,
  previous?: { firstGeneration: boolean; forcePromote?: string },
): MaterializeSpec {
  const tree = renderEnvironment(loadEnvironment(exampleWith(change)), { sealed: sealed ?? null, previous });
  return [...RENDERED_OBJECTS.get(tree)!.values()].find((o) => o.kind === 'Materialize')!.spec as MaterializeSpec;
}

const base = spec();
const sealedWith = (fingerprint: string, ciphertext = 'QUJDREVGR0hJSktMTU5PUA=='): SealedValuesFile => ({
  certificateSha256: 'a'.repeat(64),
  scope: 'strict',
  values: { persist_backend_url: { sealed: ciphertext, fingerprint } },
});

describe('the rollout fields of the Materialize resource', () => {
  it('are version-5 UUIDs (RFC 4122: the DNS namespace and www.example.com give its published example)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(nameUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(spec()).toEqual(base);
  });

  it.each<[string, (d: EnvironmentDefinition) => void]>([
    ["environmentd's resources", (d) => (d.materialize.environmentdResources = { memoryLimit: '5Gi' })],
    ['the environmentd image', (d) => (d.materialize.environmentdVersion = 'v26.36.0')],
    ["the operator's version (it generates environmentd's StatefulSet)", (d) => (d.materialize.operatorChartVersion = 'v26.12.0')],
    ["swap, an operator value that reaches clusterd's pods through environmentd's flags", (d) => (d.materialize.swap = false)],
    ['the certificate issuer of internal traffic', (d) => (d.materialize.tls = false)],
    [
      'workload identity (pod labels, service account annotations)',
      (d) => {
        d.materialize.operatorChartVersion = 'v26.39.0';
        d.materialize.allowUnverifiedVersion = true;
        d.storage = { ...d.storage, persistAuth: 'workloadIdentity' };
      },
    ],
  ])('request a rollout when %s change(s)', (_what, change) => {
    const next = spec(change);
    expect(next.requestRollout).not.toBe(base.requestRollout);
    expect(next.forceRollout).toBe(base.forceRollout);
  });

  it.each<[string, (d: EnvironmentDefinition) => void]>([
    ["balancerd's resources (the operator updates balancerd in place)", (d) => (d.materialize.balancerdResources = { cpuRequest: '750m' })],
    ['the rollout strategy', (d) => (d.materialize.rolloutStrategy = 'ImmediatelyPromoteCausingDowntime')],
    ['the client ranges', (d) => (d.allowedClientRanges = ['198.51.100.0/24'])],
  ])('request none when only %s change(s)', (_what, change) => {
    expect(spec(change).requestRollout).toBe(base.requestRollout);
  });

  it('force one on a new epoch (mzops rollout), though nothing the operator hashes changed', () => {
    const next = spec((d) => (d.materialize.requestRollout = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'));
    expect(next.forceRollout).not.toBe(base.forceRollout);
    expect(next.requestRollout).not.toBe(base.requestRollout);
  });

  it('force one when a backend secret value changes (a new SAS), and not when it is only re-encrypted', () => {
    const before = spec(undefined, sealedWith('scrypt$c2FsdA==$aGFzaA=='));
    const rotated = spec(undefined, sealedWith('scrypt$c2FsdA==$bmV3aGFzaA=='));
    const reencrypted = spec(undefined, sealedWith('scrypt$c2FsdA==$aGFzaA==', 'WllYV1ZVVFNSUVBPTk1MSw=='));
    expect(rotated.forceRollout).not.toBe(before.forceRollout);
    expect(rotated.requestRollout).not.toBe(before.requestRollout);
    expect(reencrypted).toEqual({ ...before });
  });
});

describe('promotion under ManuallyPromote', () => {
  const manual = (d: EnvironmentDefinition) => (d.materialize.rolloutStrategy = 'ManuallyPromote');

  it('promotes the first generation at once: there is nothing older to serve meanwhile', () => {
    const first = spec(manual, undefined, { firstGeneration: true });
    expect(first.forcePromote).toBe(first.requestRollout);
    expect(first.rolloutRequestTimeout).toBe('24h');
  });

  it('keeps a later rollout waiting: the committed forcePromote names the previous rollout', () => {
    const first = spec(manual, undefined, { firstGeneration: true });
    const next = spec(
      (d) => {
        manual(d);
        d.materialize.environmentdResources = { memoryLimit: '5Gi' };
      },
      undefined,
      { firstGeneration: false, forcePromote: first.forcePromote },
    );
    expect(next.forcePromote).toBe(first.requestRollout);
    expect(next.forcePromote).not.toBe(next.requestRollout);
  });

  it('promotes what mzops promote wrote, and leaves forcePromote out under the other strategies', () => {
    const waiting = spec(manual, undefined, { firstGeneration: false });
    expect(waiting.forcePromote).toBeUndefined();
    const promoted = spec((d) => {
      manual(d);
      d.materialize.forcePromote = waiting.requestRollout;
    });
    expect(promoted.forcePromote).toBe(waiting.requestRollout);
    expect(promoted.requestRollout).toBe(waiting.requestRollout);
    expect(spec(undefined, undefined, { firstGeneration: true }).forcePromote).toBeUndefined();
  });

  it('sets no rolloutRequestTimeout on v26.12, whose resource has no such field', () => {
    expect(
      spec((d) => {
        manual(d);
        d.materialize.operatorChartVersion = 'v26.12.0';
      }).rolloutRequestTimeout,
    ).toBeUndefined();
  });

  it('reads the committed folder: no instance there is a first generation', () => {
    const env = loadEnvironment(exampleWith(manual));
    const cr = (previousDir: string) => {
      const files = renderGitops(env, {
        environmentsDir: join(REPO_ROOT, 'environments'),
        previousDir,
        environmentIdChangeAccepted: false,
      }).files;
      return [...RENDERED_OBJECTS.get(files as Map<string, string>)!.values()].find((o) => o.kind === 'Materialize')!
        .spec as MaterializeSpec;
    };
    expect(cr('/nonexistent').forcePromote).toBe(cr('/nonexistent').requestRollout);
    expect(cr(join(REPO_ROOT, 'dist', 'example')).forcePromote).toBeUndefined();
  });
});

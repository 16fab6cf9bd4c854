import { BACKEND_SECRET, NAMESPACES } from '../../model/contract';
import type { Environment } from '../../model/environment';
import type { SealedValuesFile } from '../../model/sealed-values';
import { matchesFingerprint } from '../seal/fingerprint';
import { fail, ok, warn, type CheckResult } from './check';

const AREA = 'sas';

/** The rollout fields of a Materialize resource, as committed in dist/ or as the cluster holds it. */
export interface RolloutFields {
  readonly spec?: { readonly requestRollout?: string; readonly forceRollout?: string };
  readonly status?: { readonly lastCompletedRolloutRequest?: string };
}

/**
 * Whether the running environmentd uses the SAS Terraform holds. Materialize reads the backend
 * secret only when environmentd starts and never refreshes a SAS, so the chain is checked link by
 * link: Terraform's SAS is the sealed one (its fingerprint); Git's resource carries the rollout that
 * value derived (synth makes forceRollout from the sealed values' fingerprints); the cluster holds
 * that resource; and its rollout completed, so the pods serving now started with that secret.
 */
export function checkSasInUse(input: {
  env: Environment;
  terraformPersistUrl: string | undefined;
  sealed: SealedValuesFile | undefined;
  committed: RolloutFields | undefined;
  live: RolloutFields | undefined;
}): CheckResult[] {
  const { env } = input;
  if (env.storage.persistAuth !== 'sas' || !input.terraformPersistUrl) return [];
  const fingerprint = input.sealed?.values[BACKEND_SECRET.keys.persistBackendUrl]?.fingerprint;
  if (!matchesFingerprint(input.terraformPersistUrl, fingerprint))
    return [
      fail(
        AREA,
        'the sealed persist_backend_url is not the SAS Terraform holds (a rotation since the last seal)',
        `mzops seal ${env.name}, then npm run synth -- ${env.name} and commit: environmentd rolls out onto it`,
      ),
    ];
  if (!input.committed?.spec?.forceRollout)
    return [
      warn(AREA, `no Materialize resource in dist/${env.name} carries the sealed SAS yet`, `npm run synth -- ${env.name}, then commit`),
    ];
  if (!input.live) return [];
  if (input.live.spec?.forceRollout !== input.committed.spec.forceRollout)
    return [
      warn(
        AREA,
        'the cluster has not applied the Materialize resource that carries the current SAS (its forceRollout differs from dist/)',
        `push dist/${env.name}, then flux reconcile kustomization instance -n ${NAMESPACES.flux}`,
      ),
    ];
  if (input.live.status?.lastCompletedRolloutRequest !== input.live.spec?.requestRollout)
    return [
      warn(
        AREA,
        'the running environmentd started before the current SAS: the rollout onto it has not completed',
        `wait for it (mzops status ${env.name})${env.materialize.rolloutStrategy === 'ManuallyPromote' ? `, or promote it: mzops promote ${env.name}` : ''}`,
      ),
    ];
  return [ok(AREA, 'the running environmentd started with the SAS Terraform holds')];
}

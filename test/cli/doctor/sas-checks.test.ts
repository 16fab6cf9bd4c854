import { checkSasInUse, type RolloutFields } from '../../../cli/doctor/sas-checks';
import { fingerprint } from '../../../cli/seal/fingerprint';
import type { SealedValuesFile } from '../../../model/sealed-values';
import { env } from '../../helpers';

/** Each link of "the running pods have Terraform's SAS", broken in turn. */
const TERRAFORM = 'https://mzexamplepersist.blob.core.windows.net/materialize-persist?sv=2022-11-02&se=2027-06-01T00:00:00Z&sig=new';
const sealedFor = (url: string): SealedValuesFile => ({
  certificateSha256: 'a'.repeat(64),
  scope: 'strict',
  values: { persist_backend_url: { sealed: 'QUJDREVGR0hJSktMTU5PUA==', fingerprint: fingerprint(url) } },
});
const committed: RolloutFields = { spec: { requestRollout: 'r2', forceRollout: 'f2' } };
const rolledOut: RolloutFields = { spec: { requestRollout: 'r2', forceRollout: 'f2' }, status: { lastCompletedRolloutRequest: 'r2' } };

const check = (over: Partial<Parameters<typeof checkSasInUse>[0]>) =>
  checkSasInUse({
    env: env('example'),
    terraformPersistUrl: TERRAFORM,
    sealed: sealedFor(TERRAFORM),
    committed,
    live: rolledOut,
    ...over,
  }).map((r) => `${r.status}: ${r.detail}`);

describe('does the running environmentd use the SAS Terraform holds?', () => {
  it('yes, when every link holds', () => {
    expect(check({})).toEqual(['ok: the running environmentd started with the SAS Terraform holds']);
  });

  it('no: Terraform rotated the SAS since the last seal (a deploy past the rotation date, seal not run)', () => {
    expect(check({ sealed: sealedFor(TERRAFORM.replace('sig=new', 'sig=old')) })).toEqual([
      'fail: the sealed persist_backend_url is not the SAS Terraform holds (a rotation since the last seal)',
    ]);
  });

  it('not yet: the cluster holds an older resource than Git', () => {
    expect(check({ live: { ...rolledOut, spec: { requestRollout: 'r1', forceRollout: 'f1' } } })).toEqual([
      expect.stringMatching(/^warn: the cluster has not applied the Materialize resource that carries the current SAS/),
    ]);
  });

  it('not yet: the rollout onto the new secret has not completed, so the serving pods started with the old one', () => {
    expect(check({ live: { ...rolledOut, status: { lastCompletedRolloutRequest: 'r1' } } })).toEqual([
      'warn: the running environmentd started before the current SAS: the rollout onto it has not completed',
    ]);
  });

  it('says nothing for workload identity, or without Terraform outputs', () => {
    const identity = env('identity');
    expect(checkSasInUse({ env: identity, terraformPersistUrl: TERRAFORM, sealed: undefined, committed, live: rolledOut })).toEqual([]);
    expect(check({ terraformPersistUrl: undefined })).toEqual([]);
  });
});

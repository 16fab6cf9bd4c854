import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCluster, CLUSTER_CHECKS } from '../../../cli/doctor/cluster-checks';
import { RecordedKube } from '../../../cli/kube';
import { statusReport } from '../../../cli/status';
import { containerUsage } from '../../../cli/doctor/blob-checks';
import { createServer } from 'node:net';
import { env } from '../../helpers';

// kubectl get -o json responses, keyed by query, in the shape an AKS cluster returns them.
// No Kubernetes API server runs here; these stand in for one (see README, Testing).
const healthy = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'kube', 'example-healthy.json'), 'utf8')) as Record<
  string,
  any
>;

function cluster(change?: (r: Record<string, any>) => void): RecordedKube {
  const r = structuredClone(healthy);
  change?.(r);
  return new RecordedKube(r);
}

/** The recorded cluster, answering each read after `ms`: an API server under load. */
function slowly(recorded: RecordedKube, ms: number) {
  return {
    get: async (q: Parameters<RecordedKube['get']>[0]) => {
      await new Promise((r) => setTimeout(r, ms));
      return recorded.get(q);
    },
  };
}

const fails = async (kube: RecordedKube) => (await checkCluster(env('example'), kube)).filter((c) => c.status !== 'ok');

describe('doctor: cluster checks', () => {
  it('is a registry of named checks: unique ids, each saying what it checks, every result tagged with its check', async () => {
    const ids = CLUSTER_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CLUSTER_CHECKS) expect(c.what.length).toBeGreaterThan(10);
    const results = await checkCluster(env('example'), cluster());
    expect([...new Set(results.map((r) => r.id))]).toEqual(ids);
    // One check alone, as a caller that wants it would run it.
    const [nodes] = CLUSTER_CHECKS;
    expect((await checkCluster(env('example'), cluster(), [nodes])).map((r) => r.id)).toEqual(['cluster.nodes']);
  });

  it('passes a healthy cluster', async () => {
    const results = await checkCluster(env('example'), cluster());
    expect(results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(results.map((r) => r.detail)).toEqual(
      expect.arrayContaining([
        '2 node(s) in mzpool with the Materialize taint',
        'the operator runs on the system pool',
        'SealedSecret materialize-backend Synced',
        'Materialize materialize UpToDate',
      ]),
    );
  });

  it("fails when no node carries the taint (the predecessor's scheduling issue)", async () => {
    const [r] = await fails(cluster((c) => c['nodes - - -'].items.forEach((n: any) => delete n.spec.taints)));
    expect(r.detail).toBe('no node carries the taint materialize=dedicated:NoSchedule');
  });

  it('fails when swap is on but no pool node has the swap label', async () => {
    const [r] = await fails(cluster((c) => c['nodes - - -'].items.forEach((n: any) => delete n.metadata.labels['materialize.cloud/swap'])));
    expect(r.detail).toMatch(/no mzpool node has materialize.cloud\/swap=true: clusterd pods will stay Pending/);
  });

  it('fails when the operator does not select the system pool', async () => {
    const [r] = await fails(
      cluster(
        (c) =>
          (c['deployments materialize - app.kubernetes.io/name=materialize-operator'].items[0].spec.template.spec.nodeSelector = {
            agentpool: 'mzpool',
          }),
      ),
    );
    expect(r.detail).toBe('the operator does not select the system pool (materialize-azure-gitops/pool=system)');
  });

  it('fails a Kustomization that is not Ready, with its message', async () => {
    const [r] = await fails(
      cluster((c) => {
        c['kustomizations.kustomize.toolkit.fluxcd.io materialize-gitops - -'].items[1].status.conditions[0] = {
          type: 'Ready',
          status: 'False',
          reason: 'HealthCheckFailed',
          message: 'timeout waiting for: [Materialize/materialize-environment/materialize status: InProgress]',
        };
      }),
    );
    expect(r.detail).toMatch(/^kustomization instance not Ready: HealthCheckFailed timeout waiting for/);
  });

  it('fails a SealedSecret that the controller could not decrypt', async () => {
    const [r] = await fails(
      cluster((c) => {
        c['sealedsecrets.bitnami.com materialize-environment materialize-backend -'].status.conditions[0] = {
          type: 'Synced',
          status: 'False',
          message: 'no key could decrypt secret (metadata_backend_url)',
        };
      }),
    );
    expect(r.detail).toBe('SealedSecret materialize-backend not Synced: no key could decrypt secret (metadata_backend_url)');
    expect(r.fix).toMatch(/mzops seal example/);
  });

  it('warns while the instance rolls out and fails when it is missing', async () => {
    const [w] = await fails(
      cluster(
        (c) =>
          (c['materializes.materialize.cloud materialize-environment materialize -'].status.conditions[0] = {
            type: 'UpToDate',
            status: 'False',
            reason: 'Promoting',
            message: '',
          }),
      ),
    );
    expect(w).toMatchObject({ status: 'warn', detail: 'Materialize materialize not UpToDate: Promoting' });
    const [f] = await fails(cluster((c) => delete c['materializes.materialize.cloud materialize-environment materialize -']));
    expect(f).toMatchObject({ status: 'fail', detail: 'Materialize materialize not found' });
  });
});

describe('doctor: an unresponsive cluster', () => {
  it('asks for everything at once: one slow answer costs one wait, not one per check (it took two minutes)', async () => {
    const recorded = cluster();
    const started = Date.now();
    const results = await checkCluster(env('example'), slowly(recorded, 400));
    // Six reads of 400 ms each: one after another they take 2.4 s at least.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(results.map((r) => r.status)).toEqual((await checkCluster(env('example'), recorded)).map((r) => r.status));
  });
});

describe('status', () => {
  it('shows Flux, the rollout, pods and service addresses', async () => {
    const text = (await statusReport(env('example'), cluster(), undefined)).join('\n');
    expect(text).toMatch(/Kustomization\s+instance\s+True\s+Applied revision: main@sha1:4f1c2e9/);
    expect(text).toMatch(/rollout\s+complete: requested 00000000-0000-0000-0000-000000000001/);
    expect(text).toMatch(/materialize-sql\s+LoadBalancer\s+10\.0\.4\.20\s+6875,6876/);
    expect(text).toMatch(/mzk2x9q4m7pz-environmentd-1-0\s+Running\s+1\/1\s+0\s+aks-mzpool/);
    expect(text).toMatch(/Persist container\n {2}unavailable: no persist_backend_url output/);
  });

  it('ends the persist section at its deadline against a storage endpoint that accepts and never answers (it printed nothing for minutes)', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      await expect(
        containerUsage(
          `http://127.0.0.1:${port}/devstoreaccount1/persist?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=x`,
          1500,
        ),
      ).rejects.toThrow(/abort|did not answer within 1.5 s/);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      silent.close();
    }
  });

  it('reads every section at once and prints them in order as they complete: one slow answer costs one wait', async () => {
    const emitted: string[] = [];
    const started = Date.now();
    const lines = await statusReport(env('example'), slowly(cluster(), 400), undefined, (l) => emitted.push(l));
    // Six sections of reads, 400 ms each: sequential would take 2.8 s at least.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(emitted).toEqual(lines);
    expect(lines.filter((l) => /^[A-Z]/.test(l))).toEqual([
      'Flux',
      'Materialize materialize',
      'Pods in materialize-environment',
      'Pods in materialize',
      'Services',
      'Persist container',
    ]);
  });
});

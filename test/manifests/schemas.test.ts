import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_AKS_MINOR } from '../../model/aks-versions';
import { parse } from 'yaml';
import { Materialize } from '../../imports/materialize.cloud';
import { reference } from '../support/reference';
import { env, REGISTER, REPO_ROOT } from '../helpers';
import { AKS_FLUX_CRDS, CRDS, crdValidators, definedMinors, keyOf, kubernetesValidators } from './schemas';
import { objects, rendered } from './render-fixture';

const aks = crdValidators(AKS_FLUX_CRDS);
const latest = crdValidators(CRDS);
const ENVS = ['example', 'staging', 'prod'];
const CERT_MANAGER_CRDS = crdValidators(reference('crds/cert-manager-v1.21.1'));
const AZURE_MONITOR_CRDS = crdValidators(reference('crds/azure-monitor-metrics'));
const minorOf = (version: string) => /^(\d+\.\d+)/.exec(version)![1];
const FLUX_GROUPS = /^(source|kustomize|helm)\.toolkit\.fluxcd\.io\//;

/** Every object has a validator for its kind among these, and passes it. */
function expectValid(objs: ReturnType<typeof objects>, validators: ReturnType<typeof crdValidators>): void {
  for (const o of objs) {
    const validate = validators.get(keyOf(o));
    expect([keyOf(o), validate !== undefined]).toEqual([keyOf(o), true]);
    if (!validate!(structuredClone(o) as unknown)) throw new Error(`${keyOf(o)} ${o.metadata.name}: ${JSON.stringify(validate!.errors)}`);
  }
}

describe.each(ENVS)('%s manifests validate', (name) => {
  const all = [...objects(rendered(name)), ...objects(rendered(name, 'sealed'))];

  it('uses only the Flux API versions the AKS extension serves, and only v1/v2', () => {
    for (const o of all.filter((x) => FLUX_GROUPS.test(x.apiVersion))) {
      expect(['source.toolkit.fluxcd.io/v1', 'kustomize.toolkit.fluxcd.io/v1', 'helm.toolkit.fluxcd.io/v2']).toContain(o.apiVersion);
    }
  });

  it('validates Flux objects against the Flux 2.7.5 (AKS) and 2.9 CRD schemas, strictly', () => {
    for (const o of all.filter((x) => FLUX_GROUPS.test(x.apiVersion))) {
      for (const set of [aks, latest]) {
        const validate = set.get(keyOf(o));
        expect(validate).toBeDefined();
        const ok = validate!(structuredClone(o) as unknown);
        if (!ok) throw new Error(`${keyOf(o)} ${o.metadata.name}: ${JSON.stringify(validate!.errors)}`);
      }
    }
  });

  it('validates SealedSecrets against the sealed-secrets CRD', () => {
    const sealed = all.filter((o) => o.kind === 'SealedSecret');
    expect(sealed.length).toBeGreaterThan(0);
    for (const o of sealed) {
      const validate = latest.get(keyOf(o))!;
      if (!validate(o)) throw new Error(JSON.stringify(validate.errors));
    }
  });

  const coreObjects = all.filter(
    (o) => !o.apiVersion.includes('.') || /^(rbac\.authorization\.k8s\.io|apps|networking\.k8s\.io|policy)\//.test(o.apiVersion),
  );
  const minor = minorOf(env(name).aks.kubernetesVersion);

  it.each(definedMinors().filter((m) => Number(m.split('.')[1]) >= 35))(
    'validates core objects against the Kubernetes %s definitions, strictly (the minor it deploys, and each AKS supports now)',
    (m) => {
      expect(coreObjects.length).toBeGreaterThan(4);
      const core = kubernetesValidators(m);
      for (const o of coreObjects) {
        const validate = core.get(keyOf(o));
        expect([keyOf(o), validate !== undefined]).toEqual([keyOf(o), true]);
        if (!validate!(structuredClone(o) as unknown))
          throw new Error(`${keyOf(o)} ${o.metadata.name}: ${JSON.stringify(validate!.errors)}`);
      }
    },
  );

  it('has the definitions of the Kubernetes minor it deploys in the reference data', () => {
    expect(definedMinors()).toContain(minor);
  });

  it('validates cert-manager objects against the cert-manager v1.21.1 CRDs, strictly', () => {
    const certs = all.filter((o) => o.apiVersion.startsWith('cert-manager.io/'));
    expect(certs.length > 0).toBe(env(name).materialize.tls);
    expectValid(certs, CERT_MANAGER_CRDS);
  });

  it("validates PodMonitors against the CRD AKS's managed Prometheus installs (azmonitoring.coreos.com), strictly", () => {
    const monitors = all.filter((o) => o.kind === 'PodMonitor');
    expect(monitors.length > 0).toBe(env(name).observability.enabled);
    expectValid(monitors, AZURE_MONITOR_CRDS);
  });

  it('renders the Materialize CR with known fields only, and the required ones', () => {
    const cr = all.find((o) => o.kind === 'Materialize')!;
    for (const key of Object.keys(cr.spec)) expect(Materialize.SPEC_FIELDS).toContain(key);
    const fields = JSON.parse(readFileSync(reference('materialize/materialize_crd_descriptions_v1alpha1.json'), 'utf8')) as [
      string,
      { name: string; required: boolean; deprecated: boolean }[],
    ][];
    const spec = fields.find(([n]) => n === 'MaterializeSpec')![1];
    for (const f of spec.filter((x) => x.required)) expect(cr.spec[f.name]).toBeDefined();
    for (const key of Object.keys(cr.spec)) expect(spec.find((f) => f.name === key && !f.deprecated)).toBeDefined();
  });
});

describe('the strict validator', () => {
  it('rejects a field that Flux 2.7.5 does not know (2.9-only waitStrategy)', () => {
    const hr = objects(rendered('example')).find((o) => o.kind === 'HelmRelease')!;
    const tooNew = { ...hr, spec: { ...hr.spec, waitStrategy: { name: 'poller' } } };
    expect(aks.get(keyOf(hr))!(tooNew)).toBe(false);
    expect(latest.get(keyOf(hr))!(tooNew)).toBe(true);
  });

  it('rejects a misspelt core field', () => {
    const svc = objects(rendered('example')).find((o) => o.kind === 'Service')!;
    expect(kubernetesValidators('1.36').get(keyOf(svc))!({ ...svc, spec: { ...svc.spec, loadBalancerSourceRange: ['1.2.3.0/24'] } })).toBe(
      false,
    );
  });

  it('reads the chart values file it checks operator values against', () => {
    expect(parse(readFileSync(reference('materialize/helm-operator-values.v26.12.0.yaml'), 'utf8'))).toHaveProperty('operator');
  });
});

describe('the cert-manager HelmRelease', () => {
  it("sets values its chart's own values.schema.json accepts (v1.21.1), and that a misspelt key fails", () => {
    const schema = JSON.parse(readFileSync(reference('charts/cert-manager-v1.21.1/values.schema.json'), 'utf8')) as Record<string, unknown>;
    const { $schema: _draft, ...rest } = schema;
    void _draft;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(rest);
    const hr = objects(rendered('example')).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cert-manager')!;
    const values = (hr.spec as { values: Record<string, unknown> }).values;
    if (!validate(values)) throw new Error(JSON.stringify(validate.errors));
    expect(validate({ ...values, crd: { enabled: true } })).toBe(false);
  });
});

describe('the core Kubernetes bindings', () => {
  it('imports/k8s.ts is what cdk8s import k8s@<the default AKS minor>.0 makes from the pinned definitions', () => {
    const out = mkdtempSync(join(tmpdir(), 'mz-k8s-import-'));
    try {
      execFileSync(process.execPath, ['--require', REGISTER, 'scripts/import-k8s.ts', `${DEFAULT_AKS_MINOR}.0`, out], {
        cwd: REPO_ROOT,
        stdio: 'pipe',
      });
      expect(readFileSync(join(out, 'k8s.ts'), 'utf8') === readFileSync(join(REPO_ROOT, 'imports', 'k8s.ts'), 'utf8')).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

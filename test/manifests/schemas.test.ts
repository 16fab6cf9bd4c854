import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Materialize } from '../../imports/materialize.cloud';
import { reference } from '../support/reference';
import { AKS_FLUX_CRDS, CRDS, crdValidators, keyOf, kubernetesValidators } from './schemas';
import { objects, rendered } from './render-fixture';

const aks = crdValidators(AKS_FLUX_CRDS);
const latest = crdValidators(CRDS);
const core = kubernetesValidators();
const ENVS = ['example', 'staging', 'prod'];
const FLUX_GROUPS = /^(source|kustomize|helm)\.toolkit\.fluxcd\.io\//;

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

  it('validates core objects against the Kubernetes 1.28 definitions, strictly', () => {
    const coreObjects = all.filter(
      (o) => !o.apiVersion.includes('.') || /^(rbac\.authorization\.k8s\.io|apps|networking\.k8s\.io)\//.test(o.apiVersion),
    );
    expect(coreObjects.length).toBeGreaterThan(4);
    for (const o of coreObjects) {
      const validate = core.get(keyOf(o));
      expect(validate).toBeDefined();
      if (!validate!(structuredClone(o) as unknown)) throw new Error(`${keyOf(o)} ${o.metadata.name}: ${JSON.stringify(validate!.errors)}`);
    }
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
    expect(core.get(keyOf(svc))!({ ...svc, spec: { ...svc.spec, loadBalancerSourceRange: ['1.2.3.0/24'] } })).toBe(false);
  });

  it('reads the chart values file it checks operator values against', () => {
    expect(parse(readFileSync(reference('materialize/helm-operator-values.v26.12.0.yaml'), 'utf8'))).toHaveProperty('operator');
  });
});

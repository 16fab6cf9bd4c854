import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { operatorValues, materializePlacement } from '../../manifests/infrastructure/materialize-operator';
import { valuePaths } from '../../manifests/infrastructure/operator-values';
import { renderEnvironment } from '../../manifests/render';
import { BACKEND_SECRET, BACKEND_SECRET_KEYS } from '../../model/contract';
import { loadEnvironment } from '../../model/load';
import { VERIFIED_OPERATOR_VERSIONS } from '../../model/operator-versions';
import { environmentsAtEveryVerifiedVersion, env, exampleWith } from '../helpers';
import { only, synthesized } from '../infra/stack-fixture';
import { FAKE_SEALED, find, objects, rendered } from './render-fixture';
import { reference } from '../support/reference';

describe.each(['example', 'staging', 'prod'])('%s GitOps folder', (name) => {
  it('renders byte-identical output twice', () => {
    const again = renderEnvironment(env(name), { sealed: null });
    expect([...again.entries()]).toEqual([...rendered(name).entries()]);
  });

  it('never contains a plain Secret', () => {
    expect(objects(rendered(name, 'sealed')).filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('cross-checks with the Terraform stack', () => {
  it.each(['example', 'staging', 'prod'])('%s: tolerations equal the pool taint and nodeSelectors the pool labels', (name) => {
    const pool = only(synthesized(name).parsed, 'azurerm_kubernetes_cluster_node_pool') as {
      node_taints: string[];
      node_labels: Record<string, string>;
    };
    const values = find(rendered(name), 'HelmRelease', 'materialize-operator').spec.values;
    const system = synthesized(name).parsed.resource.azurerm_kubernetes_cluster as Record<
      string,
      { default_node_pool: { node_labels: Record<string, string> } }
    >;
    for (const [k, v] of Object.entries(values.operator.nodeSelector))
      expect(Object.values(system)[0].default_node_pool.node_labels[k]).toBe(v);
    for (const component of ['environmentd', 'clusterd', 'balancerd', 'console']) {
      const { tolerations, nodeSelector } = values[component];
      expect(tolerations.map((t: { key: string; value: string; effect: string }) => `${t.key}=${t.value}:${t.effect}`)).toEqual(
        pool.node_taints,
      );
      for (const [k, v] of Object.entries(nodeSelector)) expect(pool.node_labels[k]).toBe(v);
    }
    expect(values.operator.clusters.swap_enabled).toBe(pool.node_labels['materialize.cloud/swap'] === 'true');
  });

  it.each(['example', 'staging', 'prod'])(
    '%s: Flux objects live in the flux configuration namespace and source its GitRepository',
    (name) => {
      const config = only(synthesized(name).parsed, 'azurerm_kubernetes_flux_configuration') as {
        name: string;
        namespace: string;
        kustomizations: { path: string }[];
      };
      const tree = rendered(name);
      for (const o of objects(tree).filter((x) => /toolkit\.fluxcd\.io/.test(x.apiVersion)))
        expect(o.metadata.namespace).toBe(config.namespace);
      for (const k of objects(tree, 'flux')) {
        expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: config.name });
        expect(tree.has(`${k.spec.path.replace(`./dist/${name}/`, '')}/kustomization.yaml`)).toBe(true);
      }
      expect(config.kustomizations[0].path).toBe(`./dist/${name}/flux`);
    },
  );

  it('backend secret name and keys agree with the CR and the contract', () => {
    const tree = rendered('example', 'sealed');
    const cr = find(tree, 'Materialize');
    const secret = find(tree, 'SealedSecret', BACKEND_SECRET.name);
    expect(secret.metadata.name).toBe(cr.spec.backendSecretName);
    expect(secret.metadata.namespace).toBe(cr.metadata.namespace);
    expect(secret.spec.template.metadata).toMatchObject({ name: secret.metadata.name, namespace: secret.metadata.namespace });
    expect(Object.keys(secret.spec.encryptedData).sort()).toEqual([...BACKEND_SECRET_KEYS].sort());
  });

  it('workload identity subject in Terraform matches the CR service account', () => {
    const cred = only(synthesized('identity').parsed, 'azurerm_federated_identity_credential') as { subject: string };
    const cr = find(rendered('identity', 'sealed'), 'Materialize');
    expect(cred.subject).toBe(`system:serviceaccount:${cr.metadata.namespace}:${cr.metadata.name}`);
    expect(cr.spec.serviceAccountAnnotations).toEqual({ 'azure.workload.identity/client-id': FAKE_SEALED.persistIdentityClientId });
    expect(cr.spec.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
  });
});

describe('the Materialize instance', () => {
  it('pins the image to the operator line and keeps Password auth and RBAC', () => {
    expect(find(rendered('example'), 'Materialize').spec).toMatchObject({
      environmentdImageRef: `materialize/environmentd:${env('example').materialize.environmentdVersion}`,
      authenticatorKind: 'Password',
      enableRbac: true,
      environmentId: '7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17',
      rolloutStrategy: 'WaitUntilReady',
    });
    // The epoch the derived rollout fields came from, for people (rollout.test.ts checks the derivation).
    expect(find(rendered('example'), 'Materialize').metadata.annotations).toEqual({
      'materialize-azure-gitops/rollout-epoch': env('example').materialize.requestRollout,
    });
  });

  it('uses a clearly marked empty placeholder until sealed, then the sealed values', () => {
    const placeholder = find(rendered('example'), 'SealedSecret', BACKEND_SECRET.name);
    expect(placeholder.spec.encryptedData).toEqual({});
    expect(placeholder.metadata.annotations).toEqual({ 'materialize-azure-gitops/sealed': 'false: run mzops seal example' });
    const sealed = find(rendered('example', 'sealed'), 'SealedSecret', BACKEND_SECRET.name);
    expect(sealed.metadata.annotations).toBeUndefined();
    expect(sealed.spec.encryptedData.license_key).toBe('AgBlicense==');
  });
});

describe('access', () => {
  it('selects balancerd and console pods of this instance on internal load balancers by default', () => {
    const tree = rendered('example');
    const sql = find(tree, 'Service', 'materialize-sql');
    expect(sql.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-ipv4': '10.0.15.250',
    });
    // Terraform's private DNS record for the certificate's name points at the same address.
    const record = Object.values(synthesized('example').parsed.resource.azurerm_private_dns_a_record).find((r) => r.name === 'sql') as {
      records: string[];
    };
    expect(record.records).toEqual([
      (sql.metadata.annotations as Record<string, string>)['service.beta.kubernetes.io/azure-load-balancer-ipv4'],
    ]);
    expect(sql.spec.selector).toEqual({ app: 'balancerd', 'materialize.cloud/organization-name': 'materialize' });
    expect(sql.spec.ports.map((p: { port: number }) => p.port)).toEqual([6875, 6876]);
    expect(sql.spec.loadBalancerSourceRanges).toBeUndefined();
    const console = find(tree, 'Service', 'materialize-console');
    expect(console.spec.selector).toEqual({ app: 'console', 'materialize.cloud/organization-name': 'materialize' });
    expect(console.spec.ports.map((p: { port: number }) => p.port)).toEqual([8080]);
  });

  it('opens public load balancers only to the configured ranges', () => {
    const sql = find(rendered('prod'), 'Service', 'production-sql');
    expect(sql.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'false',
      'service.beta.kubernetes.io/azure-dns-label-name': 'acme-prd-sql',
    });
    expect(sql.spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24', '192.0.2.0/28']);
  });

  it('network policies select the pods the services select, and admit only the client ranges and the instance', () => {
    const tree = rendered('prod');
    for (const [svc, pol] of [
      ['production-sql', 'production-balancerd-ingress'],
      ['production-console', 'production-console-ingress'],
    ]) {
      const service = find(tree, 'Service', svc);
      const policy = find(tree, 'NetworkPolicy', pol);
      expect(policy.spec.podSelector.matchLabels).toEqual(service.spec.selector);
      const ports = policy.spec.ingress[0].ports.map((p: { port: number }) => p.port);
      expect(ports).toEqual(service.spec.ports.map((p: { port: number }) => p.port));
      const ipBlocks = policy.spec.ingress[0].from
        .filter((f: { ipBlock?: unknown }) => f.ipBlock)
        .map((f: { ipBlock: { cidr: string } }) => f.ipBlock.cidr);
      expect(ipBlocks).toEqual(['203.0.113.0/24', '192.0.2.0/28']);
    }
  });
});

describe('infrastructure', () => {
  it('pins every chart and remediates installs and upgrades', () => {
    for (const hr of objects(rendered('prod')).filter((o) => o.kind === 'HelmRelease')) {
      expect(hr.spec.chart.spec.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(hr.spec.install.remediation.retries).toBeGreaterThan(0);
      expect(hr.spec.upgrade.remediation).toMatchObject({ remediateLastFailure: true });
    }
  });

  it('with TLS (the default), installs cert-manager first and signs every certificate with a CA clients can trust', () => {
    const tree = rendered('example');
    expect(find(tree, 'HelmRelease', 'materialize-operator').spec.dependsOn).toEqual([{ name: 'cert-manager' }]);
    const issuers = objects(tree).filter((o) => o.kind === 'ClusterIssuer');
    expect(issuers.map((i) => [i.metadata.name, i.spec])).toEqual([
      ['materialize-ca', { ca: { secretName: 'materialize-ca' } }],
      ['materialize-selfsigned', { selfSigned: {} }],
    ]);
    const ca = find(tree, 'Certificate');
    expect(ca.metadata).toMatchObject({ name: 'materialize-ca', namespace: 'cert-manager' });
    expect(ca.spec).toMatchObject({
      isCA: true,
      secretName: 'materialize-ca',
      issuerRef: { name: 'materialize-selfsigned', kind: 'ClusterIssuer' },
    });
    const spec = find(tree, 'Materialize').spec;
    for (const key of ['balancerdExternalCertificateSpec', 'consoleExternalCertificateSpec', 'internalCertificateSpec'])
      expect(spec[key].issuerRef).toEqual({ name: 'materialize-ca', kind: 'ClusterIssuer' });
    // The names clients dial, and the Services that exist.
    expect(spec.balancerdExternalCertificateSpec.dnsNames).toEqual([
      'sql.mzexample.mz.internal',
      'materialize-sql.materialize-environment.svc.cluster.local',
    ]);
    expect(spec.consoleExternalCertificateSpec.dnsNames).toEqual([
      'console.mzexample.mz.internal',
      'materialize-console.materialize-environment.svc.cluster.local',
    ]);
    for (const svc of ['materialize-sql', 'materialize-console']) expect(find(tree, 'Service', svc)).toBeDefined();
    expect(find(rendered('prod'), 'Materialize').spec.balancerdExternalCertificateSpec.dnsNames[0]).toBe(
      'acme-prd-sql.eastus2.cloudapp.azure.com',
    );
  });

  it('without TLS, installs no CA and no certificate specs', () => {
    const plain = renderEnvironment(loadEnvironment(exampleWith((d) => (d.materialize.tls = false))), { sealed: null });
    expect(objects(plain).some((o) => o.kind === 'ClusterIssuer' || o.kind === 'Certificate' || o.metadata.name === 'cert-manager')).toBe(
      false,
    );
    expect(find(plain, 'Materialize').spec.balancerdExternalCertificateSpec).toBeUndefined();
  });

  it('runs the disk setup on the tainted pool only with swap on', () => {
    const ds = find(rendered('example'), 'DaemonSet');
    expect(ds.spec.template.spec.tolerations).toEqual(materializePlacement().tolerations);
    expect(JSON.stringify(ds.spec.template.spec.affinity)).toContain('materialize.cloud/swap');
    expect(objects(rendered('staging')).some((o) => o.kind === 'DaemonSet')).toBe(false);
    expect(find(rendered('staging'), 'HelmRelease', 'materialize-operator').spec.values.operator.clusters.swap_enabled).toBe(false);
  });

  it.each(VERIFIED_OPERATOR_VERSIONS)('sets only operator values the chart %s knows', (version) => {
    const chart = parse(readFileSync(reference(`charts/materialize-operator-${version}/values.yaml`), 'utf8')) as Record<string, unknown>;
    const get = (path: string) =>
      path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), chart);
    for (const [, e] of environmentsAtEveryVerifiedVersion().filter(([label]) => label.endsWith(version))) {
      for (const path of valuePaths(operatorValues(e))) expect([path, get(path) !== undefined]).toEqual([path, true]);
    }
  });
});

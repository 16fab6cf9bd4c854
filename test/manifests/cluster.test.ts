import { join } from 'node:path';
import { renderGitops } from '../../manifests/gitops';
import { RENDERED_OBJECTS, type KubeObject } from '../../manifests/render';
import type { MaterializeSpec } from '../../imports/materialize.cloud';
import type { OperatorValues } from '../../manifests/infrastructure/operator-values';
import { rolloutIds } from '../../manifests/instance/rollout';
import { cidrHost, parseCidr, type Cidr } from '../../model/cidr';
import { CHARTS, CLUSTER_DNS, MATERIALIZE_POOL, NAMESPACES, SYSTEM_POOL } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { environmentsAtEveryVerifiedVersion, REPO_ROOT } from '../helpers';
import { helmTemplate, leaves, mutateLeaf, type RenderedObject } from '../support/helm';
import {
  evaluate,
  matchesSelector,
  type ClusterModel,
  type Endpoint,
  type External,
  type NetworkPolicy,
  type Pod,
} from '../support/netpol';
import { addonWorkload } from '../support/metrics-addon';
import { instancePods, operatorRuntimePolicies } from '../support/operator-runtime';

/**
 * What the cluster will run, checked against the real charts (helm template of the pinned
 * versions, with our HelmReleases' exact values) and the operator's run-time behaviour: every
 * environment of the repository and of the fixtures.
 */
const ENVIRONMENTS = environmentsAtEveryVerifiedVersion();

function gitops(e: Environment): KubeObject[] {
  const tree = renderGitops(e, {
    environmentsDir: join(REPO_ROOT, 'environments'),
    previousDir: '/nonexistent',
    environmentIdChangeAccepted: true,
  }).files as Map<string, string>;
  return [...RENDERED_OBJECTS.get(tree)!.values()];
}

function helmRelease(
  objects: KubeObject[],
  name: string,
): { releaseName: string; targetNamespace: string; chart: { spec: { chart: string; version: string } }; values: Record<string, unknown> } {
  const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
  if (!hr) throw new Error(`no HelmRelease ${name}`);
  return hr.spec as never;
}

function renderOperator(objects: KubeObject[]): { hr: ReturnType<typeof helmRelease>; rendered: RenderedObject[] } {
  const hr = helmRelease(objects, CHARTS.operator.releaseName);
  return { hr, rendered: helmTemplate(`${CHARTS.operator.name}-${hr.chart.spec.version}`, hr.releaseName, hr.targetNamespace, hr.values) };
}

const deploymentOf = (rendered: RenderedObject[]) => rendered.find((o) => o.kind === 'Deployment')!;

/** Values paths already shown to be read by the chart, in an earlier environment of this file. */
const CHECKED_PATHS = new Set<string>();

describe.each(ENVIRONMENTS)('the operator chart, rendered for %s', (_name, e) => {
  const objects = gitops(e);
  const { hr, rendered } = renderOperator(objects);
  const deployment = deploymentOf(rendered);
  const pod = deployment.spec.template.spec;
  const args = pod.containers[0].args as string[];

  it('runs the operator on the system pool, and every Materialize workload on the tainted pool', () => {
    expect(pod.nodeSelector).toEqual({ [SYSTEM_POOL.label.key]: SYSTEM_POOL.label.value });
    expect(pod.tolerations).toBeUndefined();
    const mzSelector = `${MATERIALIZE_POOL.label.key}=${MATERIALIZE_POOL.label.value}`;
    const toleration = JSON.stringify({
      effect: MATERIALIZE_POOL.taint.effect,
      key: MATERIALIZE_POOL.taint.key,
      operator: 'Equal',
      value: MATERIALIZE_POOL.taint.value,
    });
    for (const component of ['environmentd', 'clusterd', 'balancerd', 'console']) {
      expect(args).toContain(`--${component}-node-selector=${mzSelector}`);
      expect(args).toContain(`--${component}-toleration=${toleration}`);
    }
    expect(args).toContain('--cloud-provider=azure');
    expect(args).toContain(`--region=${e.location}`);
  });

  it('passes swap and network-policy settings the operator acts on', () => {
    expect(args).toContain('--network-policies-internal-enabled');
    expect(args).not.toContain('--network-policies-ingress-enabled');
    expect(args).not.toContain('--network-policies-egress-enabled');
    const sizes = JSON.parse(
      args
        .find((a) => a.startsWith('--environmentd-cluster-replica-sizes='))!
        .split('=')
        .slice(1)
        .join('='),
    ) as Record<string, { swap_enabled?: boolean; selectors?: Record<string, string> }>;
    expect(sizes['25cc'].swap_enabled ?? false).toBe(e.materialize.swap);
    expect(sizes['25cc'].selectors?.[MATERIALIZE_POOL.swapLabel.key] === MATERIALIZE_POOL.swapLabel.value).toBe(e.materialize.swap);
  });

  it('serves the Materialize resource as v1alpha1 only: no conversion webhook, so no port for the API server to reach', () => {
    expect(args).not.toContain('--install-v1-crd');
    expect(rendered.filter((o) => o.kind === 'Service')).toEqual([]);
    expect((pod.containers[0].ports ?? []).map((p: { containerPort: number }) => p.containerPort)).not.toContain(8001);
    expect(rendered.filter((o) => o.apiVersion.startsWith('cert-manager.io'))).toEqual([]);
  });

  it('keeps an operator running through a node drain when the chart runs more than one', () => {
    const replicas = deployment.spec.replicas as number;
    const pdb = rendered.find((o) => o.kind === 'PodDisruptionBudget');
    if (replicas > 1) {
      expect(pdb?.spec.maxUnavailable).toBeLessThan(replicas);
      expect(pdb?.spec.selector.matchLabels).toEqual(CHARTS.operator.podLabels);
    } else expect(pdb).toBeUndefined();
  });

  it('selects the operator pod with the labels the contract names', () => {
    expect(deployment.spec.template.metadata.labels).toEqual(CHARTS.operator.podLabels);
  });

  it('reads every value we set, and rolls environmentd out on each one that reaches its generation', () => {
    const baseline = JSON.stringify(rendered);
    const cr = objects.find((o) => o.kind === 'Materialize') as KubeObject & { spec: MaterializeSpec };
    const { requestRollout, forceRollout, forcePromote, ...shape } = cr.spec;
    expect(rolloutIds(e, shape, hr.values as unknown as OperatorValues, undefined)).toEqual({ requestRollout, forceRollout });
    void forcePromote;
    // "--flag value" and "--flag=value" alike, so that a changed value names its flag.
    const normalized = (list: string[]) =>
      list.flatMap((a, i) =>
        !a.startsWith('--') ? [] : !a.includes('=') && list[i + 1] && !list[i + 1].startsWith('--') ? [`${a}=${list[i + 1]}`] : [a],
      );
    const baseArgs = new Set(normalized(args));
    // Each path once across the environments (one helm render per mutated leaf).
    const fresh = leaves(hr.values).filter(({ path }) => !CHECKED_PATHS.has(`${hr.chart.spec.version}:${path.join('.')}`));
    for (const { path } of fresh) CHECKED_PATHS.add(`${hr.chart.spec.version}:${path.join('.')}`);
    const unread: string[] = [];
    const notRolledOut: string[] = [];
    for (const { path } of fresh) {
      const mutated = mutateLeaf(hr.values, path);
      const again = helmTemplate(`${CHARTS.operator.name}-${hr.chart.spec.version}`, hr.releaseName, hr.targetNamespace, mutated);
      if (JSON.stringify(again) === baseline) unread.push(path.join('.'));
      // The flags orchestratord builds environmentd's StatefulSet from (generation.rs): all but these.
      const changed = normalized(deploymentOf(again).spec.template.spec.containers[0].args as string[])
        .filter((a) => !baseArgs.has(a))
        .map((a) => a.split('=')[0])
        .filter(
          (f) =>
            !/^--(balancerd-|console-|network-policies-|create-balancers|create-console|orchestratord-pod-selector|install-v1-crd|webhook-)/.test(
              f,
            ),
        );
      if (changed.length > 0 && rolloutIds(e, shape, mutated as OperatorValues, undefined).requestRollout === requestRollout)
        notRolledOut.push(`${path.join('.')} (${changed.join(', ')})`);
    }
    expect(unread).toEqual([]);
    expect(notRolledOut).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)('the sealed-secrets chart, rendered for %s', (_name, e) => {
  const hr = helmRelease(gitops(e), CHARTS.sealedSecrets.releaseName);
  const rendered = helmTemplate(`${CHARTS.sealedSecrets.name}-${hr.chart.spec.version}`, hr.releaseName, hr.targetNamespace, hr.values);

  it('names the controller as kubeseal expects and never renews the Terraform-made key', () => {
    const deployment = rendered.find((o) => o.kind === 'Deployment')!;
    expect(deployment.metadata.name).toBe(CHARTS.sealedSecrets.releaseName);
    expect(deployment.metadata.namespace).toBe(NAMESPACES.sealedSecrets);
    const args = deployment.spec.template.spec.containers[0].args as string[];
    expect(args[args.indexOf('--key-renew-period') + 1]).toBe('0');
  });
});

// ---- Reachability -------------------------------------------------------------------------------

/** Addresses outside the cluster (documentation and Azure-like ranges; nothing is contacted). */
const OUTSIDE = {
  apiServer: { name: 'AKS API server', ip: '20.62.10.10' },
  blob: { name: 'Blob Storage', ip: '20.60.40.4' },
  eventHubs: { name: 'Event Hubs', ip: '40.70.146.1' },
  publicPostgres: { name: 'PostgreSQL (public)', ip: '20.49.104.7' },
  stranger: { name: 'an address outside every allowed range', ip: '198.18.7.7' },
} satisfies Record<string, External>;

function model(e: Environment) {
  const objects = gitops(e);
  const { rendered } = renderOperator(objects);
  const ours = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
  const chart = rendered.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
  const runtime = operatorRuntimePolicies(deploymentOf(rendered), NAMESPACES.operator, e.materialize.instanceName, NAMESPACES.instance);
  const cluster: ClusterModel = { namespaces: {}, policies: [...ours, ...chart, ...runtime] };
  const mz = instancePods(e.materialize.instanceName, NAMESPACES.instance, e.materialize.operatorChartVersion);
  const collector = addonWorkload('Deployment', 'ama-metrics');
  const pods = {
    ...mz,
    operator: { name: 'operator', namespace: NAMESPACES.operator, labels: deploymentOf(rendered).spec.template.metadata.labels } as Pod,
    dns: { name: 'coredns', namespace: CLUSTER_DNS.namespace, labels: { ...CLUSTER_DNS.podLabels } } as Pod,
    otherPod: { name: 'a pod in another namespace', namespace: 'default', labels: { app: 'something' } } as Pod,
    diskSetup: { name: 'disk-setup', namespace: NAMESPACES.diskSetup, labels: { app: 'disk-setup' } } as Pod,
    // cert-manager's controller, labelled as its v1.21.1 chart labels it (deploy/charts/cert-manager/templates/deployment.yaml).
    certManager: {
      name: 'cert-manager',
      namespace: NAMESPACES.certManager,
      labels: { ...CHARTS.certManager.controllerPodLabels, 'app.kubernetes.io/instance': CHARTS.certManager.releaseName },
    } as Pod,
    // AKS's managed Prometheus collector, as its chart renders it: what scrapes PodMonitor targets.
    scraper: {
      name: 'ama-metrics',
      namespace: collector.metadata.namespace ?? 'kube-system',
      labels: collector.spec.template.metadata.labels,
    } as Pod,
  };
  const host = (cidr: string, n: number) => cidrHost(parseCidr(cidr) as Cidr, n);
  const clientRanges = e.allowedClientRanges.length > 0 ? e.allowedClientRanges : [e.network.vnetCidr];
  const client: External = { name: `a client in ${clientRanges[0]}`, ip: host(clientRanges[0], 10) };
  const postgres: External = e.postgres.publicAccess
    ? OUTSIDE.publicPostgres
    : { name: 'PostgreSQL (delegated subnet)', ip: host(e.network.postgresSubnetCidr, 4) };
  return {
    cluster,
    pods,
    client,
    postgres,
    eventHubs: e.eventHubs.enabled,
    observability: e.observability.enabled,
    certManager: e.materialize.certManager,
    objects,
  };
}

type Flow = [
  string,
  (m: ReturnType<typeof model>) => Endpoint,
  (m: ReturnType<typeof model>) => Endpoint,
  number,
  ('TCP' | 'UDP')?,
  ((m: ReturnType<typeof model>) => boolean)?,
];

/** Flows a working instance needs (deployment-facts.md, section 1). */
const REQUIRED: Flow[] = [
  ['operator -> API server (registers CRDs, reconciles)', (m) => m.pods.operator, () => OUTSIDE.apiServer, 443],
  ['operator -> DNS', (m) => m.pods.operator, (m) => m.pods.dns, 53, 'UDP'],
  ['operator -> environmentd http (promotion)', (m) => m.pods.operator, (m) => m.pods.environmentd, 6876],
  ['operator -> environmentd internal http', (m) => m.pods.operator, (m) => m.pods.environmentd, 6878],
  ['environmentd -> PostgreSQL', (m) => m.pods.environmentd, (m) => m.postgres, 5432],
  ['environmentd -> Blob', (m) => m.pods.environmentd, () => OUTSIDE.blob, 443],
  ['environmentd -> API server (creates clusterd)', (m) => m.pods.environmentd, () => OUTSIDE.apiServer, 443],
  ['environmentd -> DNS (UDP)', (m) => m.pods.environmentd, (m) => m.pods.dns, 53, 'UDP'],
  ['environmentd -> DNS (TCP)', (m) => m.pods.environmentd, (m) => m.pods.dns, 53, 'TCP'],
  ['environmentd -> clusterd', (m) => m.pods.environmentd, (m) => m.pods.clusterd, 2100],
  ['clusterd -> environmentd', (m) => m.pods.clusterd, (m) => m.pods.environmentd, 6878],
  ['clusterd -> Blob', (m) => m.pods.clusterd, () => OUTSIDE.blob, 443],
  ['clusterd -> PostgreSQL (persist consensus)', (m) => m.pods.clusterd, (m) => m.postgres, 5432],
  ['clusterd -> Event Hubs Kafka', (m) => m.pods.clusterd, () => OUTSIDE.eventHubs, 9093, 'TCP', (m) => m.eventHubs],
  [
    'environmentd -> Event Hubs Kafka (source purification)',
    (m) => m.pods.environmentd,
    () => OUTSIDE.eventHubs,
    9093,
    'TCP',
    (m) => m.eventHubs,
  ],
  ['clusterd -> DNS', (m) => m.pods.clusterd, (m) => m.pods.dns, 53, 'UDP'],
  ['balancerd -> environmentd SQL', (m) => m.pods.balancerd, (m) => m.pods.environmentd, 6875],
  ['balancerd -> environmentd http', (m) => m.pods.balancerd, (m) => m.pods.environmentd, 6876],
  ['balancerd -> the next environmentd (rollout)', (m) => m.pods.balancerd, (m) => m.pods.environmentdNext, 6875],
  ['balancerd -> DNS', (m) => m.pods.balancerd, (m) => m.pods.dns, 53, 'UDP'],
  ['console -> balancerd http', (m) => m.pods.console, (m) => m.pods.balancerd, 6876],
  ['console -> DNS', (m) => m.pods.console, (m) => m.pods.dns, 53, 'UDP'],
  ['client -> balancerd SQL', (m) => m.client, (m) => m.pods.balancerd, 6875],
  ['client -> balancerd http', (m) => m.client, (m) => m.pods.balancerd, 6876],
  ['client -> console', (m) => m.client, (m) => m.pods.console, 8080],
  ['disk-setup -> API server (labels its node)', (m) => m.pods.diskSetup, () => OUTSIDE.apiServer, 443],
  ['metrics collector -> environmentd metrics', (m) => m.pods.scraper, (m) => m.pods.environmentd, 6878, 'TCP', (m) => m.observability],
  [
    'metrics collector -> the next environmentd (rollout)',
    (m) => m.pods.scraper,
    (m) => m.pods.environmentdNext,
    6878,
    'TCP',
    (m) => m.observability,
  ],
  ['metrics collector -> clusterd metrics', (m) => m.pods.scraper, (m) => m.pods.clusterd, 6878, 'TCP', (m) => m.observability],
  ['metrics collector -> operator metrics', (m) => m.pods.scraper, (m) => m.pods.operator, 3100, 'TCP', (m) => m.observability],
  [
    'metrics collector -> cert-manager metrics (certificate expiry)',
    (m) => m.pods.scraper,
    (m) => m.pods.certManager,
    CHARTS.certManager.metricsPort.number,
    'TCP',
    (m) => m.observability && m.certManager,
  ],
];

/** Flows that must stay closed. */
const DENIED: Flow[] = [
  ['an address outside the allowed ranges -> balancerd SQL', () => OUTSIDE.stranger, (m) => m.pods.balancerd, 6875],
  ['an address outside the allowed ranges -> console', () => OUTSIDE.stranger, (m) => m.pods.console, 8080],
  ['a client -> environmentd SQL directly (bypassing balancerd)', (m) => m.client, (m) => m.pods.environmentd, 6875],
  ['a client -> environmentd internal http', (m) => m.client, (m) => m.pods.environmentd, 6878],
  ['a pod in another namespace -> environmentd internal http', (m) => m.pods.otherPod, (m) => m.pods.environmentd, 6878],
  ['a pod in another namespace -> environmentd SQL', (m) => m.pods.otherPod, (m) => m.pods.environmentd, 6875],
  ['a pod in another namespace -> clusterd', (m) => m.pods.otherPod, (m) => m.pods.clusterd, 2100],
  ['a pod in another namespace -> clusterd metrics', (m) => m.pods.otherPod, (m) => m.pods.clusterd, 6878],
  ['the metrics collector -> environmentd SQL', (m) => m.pods.scraper, (m) => m.pods.environmentd, 6875],
  ['the metrics collector -> clusterd compute', (m) => m.pods.scraper, (m) => m.pods.clusterd, 2100],
  ['a pod in another namespace -> the operator', (m) => m.pods.otherPod, (m) => m.pods.operator, 3100],
  ['environmentd -> anywhere on SSH', (m) => m.pods.environmentd, () => OUTSIDE.stranger, 22],
  ['clusterd -> anywhere on plain HTTP', (m) => m.pods.clusterd, () => OUTSIDE.stranger, 80],
  ['the operator -> anywhere on plain HTTP', (m) => m.pods.operator, () => OUTSIDE.stranger, 80],
  ['the operator -> PostgreSQL', (m) => m.pods.operator, (m) => m.postgres, 5432],
];

describe.each(ENVIRONMENTS)('network reachability in %s', (_name, e) => {
  const m = model(e);
  const check = (flows: Flow[]) =>
    flows
      .filter(([, , , , , applies]) => !applies || applies(m))
      .map(([what, from, to, port, protocol]) => ({ what, ...evaluate(m.cluster, from(m), to(m), port, protocol ?? 'TCP') }));

  it('allows every flow a working instance needs', () => {
    expect(check(REQUIRED).filter((r) => !r.allowed)).toEqual([]);
  });

  it('denies every flow that must stay closed', () => {
    expect(check(DENIED).filter((r) => r.allowed)).toEqual([]);
  });

  it('selects with each PodMonitor exactly the pods it is for, in the namespace it names', () => {
    const monitors = m.objects.filter((o) => o.kind === 'PodMonitor') as unknown as {
      metadata: { name: string };
      spec: { selector: { matchLabels: Record<string, string> }; namespaceSelector: { matchNames: string[] } };
    }[];
    if (!m.observability) return expect(monitors).toEqual([]);
    const all = Object.values(m.pods);
    const selected = (name: string) => {
      const pm = monitors.find((x) => x.metadata.name === name)!;
      return all
        .filter((p) => pm.spec.namespaceSelector.matchNames.includes(p.namespace) && matchesSelector(pm.spec.selector, p.labels))
        .map((p) => p.name)
        .sort();
    };
    expect(monitors.map((x) => x.metadata.name).sort()).toEqual(
      [...(m.certManager ? ['cert-manager'] : []), 'clusterd', 'environmentd', 'materialize-operator', 'materialize-sql'].sort(),
    );
    if (m.certManager) expect(selected('cert-manager')).toEqual(['cert-manager']);
    expect(selected('environmentd')).toEqual(['environmentd', 'environmentd-2']);
    expect(selected('materialize-sql')).toEqual(['environmentd', 'environmentd-2']);
    expect(selected('clusterd')).toEqual(['clusterd']);
    expect(selected('materialize-operator')).toEqual(['operator']);
  });

  it('allows PostgreSQL only at its own address when it is private', () => {
    const other = { name: 'PostgreSQL elsewhere', ip: OUTSIDE.publicPostgres.ip };
    expect(evaluate(m.cluster, m.pods.environmentd, other, 5432).allowed).toBe(e.postgres.publicAccess);
  });
});

describe('the evaluator', () => {
  const pod = (name: string, namespace: string, labels: Record<string, string>): Pod => ({ name, namespace, labels });
  const a = pod('a', 'ns1', { app: 'a' });
  const b = pod('b', 'ns2', { app: 'b' });
  const policy = (namespace: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({
    metadata: { name: `p-${namespace}`, namespace },
    spec,
  });

  it('defaults policyTypes to Ingress, plus Egress when egress rules exist', () => {
    const egressOnlyRules = policy('ns1', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    const m: ClusterModel = { namespaces: {}, policies: [egressOnlyRules] };
    expect(evaluate(m, b, a, 80).allowed).toBe(false);
    expect(evaluate(m, a, { name: 'x', ip: '10.1.1.1' }, 80).allowed).toBe(true);
    expect(evaluate(m, a, { name: 'y', ip: '11.1.1.1' }, 80).allowed).toBe(false);
  });

  it('ANDs a namespaceSelector with a podSelector in one peer, ORs separate peers', () => {
    const and = policy('ns1', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'c' } } }] }],
    });
    const m: ClusterModel = { namespaces: { ns2: { team: 'x' } }, policies: [and] };
    expect(evaluate(m, b, a, 80).allowed).toBe(false);
    expect(evaluate(m, pod('c', 'ns2', { app: 'c' }), a, 80).allowed).toBe(true);
  });

  it('honours ipBlock except, protocols and port ranges', () => {
    const p = policy('ns1', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 6000, endPort: 6010 }] },
      ],
    });
    const m: ClusterModel = { namespaces: {}, policies: [p] };
    expect(evaluate(m, { name: 'in', ip: '10.1.0.1' }, a, 6005).allowed).toBe(true);
    expect(evaluate(m, { name: 'in', ip: '10.1.0.1' }, a, 6005, 'UDP').allowed).toBe(false);
    expect(evaluate(m, { name: 'in', ip: '10.1.0.1' }, a, 6011).allowed).toBe(false);
    expect(evaluate(m, { name: 'except', ip: '10.9.1.1' }, a, 6005).allowed).toBe(false);
  });

  it('leaves a pod no policy selects open', () => {
    expect(evaluate({ namespaces: {}, policies: [] }, b, a, 1).allowed).toBe(true);
  });
});

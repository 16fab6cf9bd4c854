import { compareVersions } from '../../model/operator-versions';
import type { NetworkPolicy, Pod } from './netpol';
import type { RenderedObject } from './helm';

/**
 * What the operator (orchestratord, v26.37 line: its source at 3de6a5f9) creates at run time from the flags the chart
 * passes it, modelled from upstream's source so the tests can check flows through them:
 * - policies: `create_environmentd_network_policies` in
 *   src/orchestratord/src/controller/materialize/global.rs (MaterializeInc/materialize);
 * - pod labels: `default_labels()` in src/cloud-resources/src/crd/materialize.rs
 *   (materialize.cloud/organization-name = the CR's name, organization-namespace, mz-resource-id,
 *   a random id chosen at first reconcile), `materialize.cloud/app` per component, and `app`,
 *   which our Services select (../shared/reference/README.md, fact 6).
 */

/** A stand-in for the random resource id: no policy of ours may depend on its value. */
export const RESOURCE_ID = 'k3x9q2m7za';

/** The operator's flags, read from the rendered Deployment. */
export function operatorFlags(deployment: RenderedObject): { flags: Set<string>; values: Map<string, string[]> } {
  const args = (deployment.spec.template.spec.containers[0].args as string[]) ?? [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  for (const a of args) {
    const [k, ...rest] = a.split('=');
    if (rest.length === 0) flags.add(k);
    else values.set(k, [...(values.get(k) ?? []), rest.join('=')]);
  }
  return { flags, values };
}

/**
 * `operatorVersion` v26.24.0 and later also set the recommended labels (`recommended_k8s_labels`
 * in src/cloud-resources/src/crd.rs at 3de6a5f9: app.kubernetes.io/name, part-of, managed-by;
 * materialize-monitoring's scrapers date them to v26.24.0). clusterd pods carry
 * `cluster.environmentd.materialize.cloud/type: cluster`, set by environmentd's orchestrator
 * (materialize-monitoring's clusterd scraper selects it; that source is not in the reference data).
 */
export function instancePods(
  instanceName: string,
  namespace: string,
  operatorVersion = 'v26.37.0',
): Record<'environmentd' | 'environmentdNext' | 'clusterd' | 'balancerd' | 'console', Pod> {
  const base = {
    'materialize.cloud/organization-name': instanceName,
    'materialize.cloud/organization-namespace': namespace,
    'materialize.cloud/mz-resource-id': RESOURCE_ID,
  };
  const recommended = compareVersions(operatorVersion, 'v26.24.0') >= 0;
  const pod = (name: string, app: string, extra: Record<string, string> = {}): Pod => ({
    name,
    namespace,
    labels: {
      ...base,
      'materialize.cloud/app': app,
      app,
      ...(recommended
        ? {
            'app.kubernetes.io/name': app,
            'app.kubernetes.io/part-of': 'materialize',
            'app.kubernetes.io/managed-by': 'materialize-operator',
          }
        : {}),
      ...extra,
    },
  });
  return {
    environmentd: pod('environmentd', 'environmentd'),
    // A rollout's second generation, alongside the first until promotion.
    environmentdNext: pod('environmentd-2', 'environmentd'),
    // clusterd pods are created by environmentd: model only the resource id they share.
    clusterd: {
      name: 'clusterd',
      namespace,
      labels: { 'materialize.cloud/mz-resource-id': RESOURCE_ID, 'cluster.environmentd.materialize.cloud/type': 'cluster' },
    },
    balancerd: pod('balancerd', 'balancerd'),
    console: pod('console', 'console'),
  };
}

/** The NetworkPolicies the operator applies in the instance namespace for these flags. */
export function operatorRuntimePolicies(
  deployment: RenderedObject,
  operatorNamespace: string,
  instanceName: string,
  namespace: string,
): NetworkPolicy[] {
  const { flags, values } = operatorFlags(deployment);
  const base = {
    'materialize.cloud/organization-name': instanceName,
    'materialize.cloud/organization-namespace': namespace,
    'materialize.cloud/mz-resource-id': RESOURCE_ID,
  };
  const all = { matchLabels: { 'materialize.cloud/mz-resource-id': RESOURCE_ID } };
  const orchestratord = Object.fromEntries(
    (values.get('--orchestratord-pod-selector-labels') ?? []).map((kv) => kv.split('=') as [string, string]),
  );
  const name = (suffix: string) => ({ name: `mz${RESOURCE_ID}-${suffix}`, namespace });
  const policies: NetworkPolicy[] = [];
  if (flags.has('--network-policies-internal-enabled')) {
    policies.push(
      {
        metadata: name('allow-all-within-environment'),
        spec: {
          podSelector: all,
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: all }] }],
          egress: [{ to: [{ podSelector: all }] }],
        },
      },
      {
        metadata: name('allow-orchestratord'),
        spec: {
          podSelector: { matchLabels: { ...base, 'materialize.cloud/app': 'environmentd' } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': operatorNamespace } },
                  podSelector: { matchLabels: orchestratord },
                },
              ],
              ports: [
                { protocol: 'TCP', port: 6876 },
                { protocol: 'TCP', port: 6878 },
              ],
            },
          ],
        },
      },
    );
  }
  if (flags.has('--network-policies-ingress-enabled')) {
    policies.push({
      metadata: name('sql-and-http-ingress'),
      spec: {
        podSelector: { matchLabels: { ...base, 'materialize.cloud/app': 'balancerd' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: (values.get('--network-policies-ingress-cidrs') ?? []).map((cidr) => ({ ipBlock: { cidr } })),
            ports: [
              { protocol: 'TCP', port: 6876 },
              { protocol: 'TCP', port: 6875 },
            ],
          },
        ],
      },
    });
  }
  if (flags.has('--network-policies-egress-enabled')) {
    policies.push({
      metadata: name('sources-and-sinks-egress'),
      spec: {
        podSelector: { matchLabels: base },
        policyTypes: ['Egress'],
        egress: [{ to: (values.get('--network-policies-egress-cidrs') ?? []).map((cidr) => ({ ipBlock: { cidr } })) }],
      },
    });
  }
  return policies;
}

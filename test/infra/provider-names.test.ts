import { localStatePath, workspace } from '../../core/workspace';
import { loadEnvironment } from '../../model/load';
import { definitions, exampleWith } from '../helpers';
import { stackJson } from './stack-fixture';

/**
 * Every name the stack emits, checked against the azurerm provider's own validation rule for that
 * argument (azurerm 4.x source, read for these tests): a name the provider rejects fails `plan`.
 */
const RULES: { type: string; arg: string; re: RegExp; source: string }[] = [
  {
    type: 'azurerm_kubernetes_cluster',
    arg: 'name',
    re: /^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/,
    source: 'internal/services/containers/validate/kubernetes.go KubernetesClusterName',
  },
  {
    type: 'azurerm_kubernetes_cluster',
    arg: 'dns_prefix',
    re: /^[a-zA-Z\d]$|^[a-zA-Z\d][-a-zA-Z\d]{0,52}[a-zA-Z\d]$/,
    source: 'internal/services/containers/validate/kubernetes.go KubernetesDNSPrefix',
  },
  {
    type: 'azurerm_kubernetes_cluster',
    arg: 'default_node_pool.name',
    re: /^[a-z]{1}[a-z\d]{0,11}$/,
    source: 'internal/services/containers/validate/kubernetes.go KubernetesAgentPoolName',
  },
  {
    type: 'azurerm_kubernetes_cluster_node_pool',
    arg: 'name',
    re: /^[a-z]{1}[a-z\d]{0,11}$/,
    source: 'internal/services/containers/validate/kubernetes.go KubernetesAgentPoolName',
  },
  {
    type: 'azurerm_kubernetes_cluster_node_pool',
    arg: 'node_taints',
    re: /^[^:=]+(=[^:]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/,
    source: 'internal/services/containers/validate/kubernetes.go KubernetesNodeTaint',
  },
  {
    type: 'azurerm_kubernetes_flux_configuration',
    arg: 'git_repository.url',
    re: /^(http:\/\/|https:\/\/|git@|ssh:\/\/)/,
    source: 'internal/services/containers/validate/kubernetes.go KubernetesGitRepositoryUrl',
  },
  {
    type: 'azurerm_dashboard_grafana',
    arg: 'name',
    re: /^[a-zA-Z][-a-zA-Z\d]{0,21}[a-zA-Z\d]$/,
    source: 'internal/services/dashboard/dashboard_grafana_resource.go (v4.55, name)',
  },
  {
    type: 'azurerm_monitor_action_group',
    arg: 'short_name',
    re: /^.{1,12}$/,
    source: 'internal/services/monitor/monitor_action_group_resource.go (v4.55, StringLenBetween(1, 12))',
  },
  {
    type: 'azurerm_storage_account',
    arg: 'name',
    re: /^[a-z0-9]{3,24}$/,
    source: 'internal/services/storage/validate/storage_account_name.go StorageAccountName',
  },
];

function values(resource: Record<string, unknown>, path: string): unknown[] {
  const [head, ...rest] = path.split('.');
  const v = resource[head];
  if (rest.length === 0) return Array.isArray(v) ? v : [v];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => values(x as Record<string, unknown>, rest.join('.')));
}

const environments = [
  ...Object.keys(definitions).map((n) => loadEnvironment(definitions[n])),
  // A cluster name the provider accepts but a DNS prefix may not hold: underscores, 63 characters.
  loadEnvironment(exampleWith((d) => (d.names = { aksCluster: `mz_${'x'.repeat(59)}z` }))),
  // The longest prefix: `<prefix>-grafana` would be 24 characters, one over Grafana's limit.
  loadEnvironment(exampleWith((d) => (d.prefix = 'mzlongestprefix6'))),
];

describe.each(
  environments.map(
    (e) =>
      [
        e.name === 'example' && e.names.aksCluster.includes('_')
          ? 'example (underscored cluster name)'
          : e.name === 'example' && e.prefix.length === 16
            ? 'example (16-character prefix)'
            : e.name,
        e,
      ] as const,
  ),
)('names in %s', (_n, e) => {
  const json = stackJson(e, localStatePath(workspace(), e.name));

  it.each(RULES.map((r) => [`${r.type}.${r.arg}`, r] as const))('%s passes the provider rule', (_key, rule) => {
    const found = Object.values(json.resource[rule.type] ?? {}).flatMap((r) => values(r, rule.arg));
    expect(found.length).toBeGreaterThan(0);
    const bad = found.filter((v) => typeof v !== 'string' || !rule.re.test(v));
    expect([rule.source, bad]).toEqual([rule.source, []]);
  });
});

it('derives a valid DNS prefix from a cluster name with underscores and 63 characters', () => {
  const e = environments[environments.length - 2];
  expect(e.names.aksCluster).toHaveLength(63);
  expect(e.names.aksDnsPrefix).toBe(`mz-${'x'.repeat(51)}`);
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { compareRenderings } from '../../../cli/diff/diff';
import { REPLACEMENT } from '../../../cli/diff/replacement';
import type { Rendering } from '../../../cli/diff/revision';
import { widens } from '../../../cli/diff/rules';
import { compareStacks, type TerraformStack } from '../../../cli/diff/terraform';
import { REPO_ROOT } from '../../helpers';

type Resources = NonNullable<TerraformStack['resource']>;

/** One environment, "e", as a rendering: a Terraform stack and a GitOps folder. */
function rendering(resources: Resources, objects: Record<string, unknown>[] = []): Rendering {
  return {
    label: 'r',
    environments: ['e'],
    stacks: new Map([['e', { resource: resources }]]),
    gitops: new Map([['e', new Map(objects.map((o, i) => [`instance/${i}.yaml`, stringify(o)]))]]),
  };
}

function classify(before: Rendering, after: Rendering) {
  return compareRenderings(before, after, [], new Set())[0].changes;
}

const network: Resources = {
  azurerm_subnet: { Pg: { name: 'postgres', address_prefixes: ['10.0.16.0/24'] } },
  azurerm_postgresql_flexible_server: {
    Server: { name: 'mz-pg', version: '16', storage_mb: 65536, delegated_subnet_id: '${azurerm_subnet.Pg.id}' },
  },
  azurerm_postgresql_flexible_server_database: {
    Db: { name: 'materialize', server_id: '${azurerm_postgresql_flexible_server.Server.id}' },
  },
};

function withServer(attrs: Record<string, unknown>): Resources {
  return { ...network, azurerm_postgresql_flexible_server: { Server: { ...network.azurerm_postgresql_flexible_server.Server, ...attrs } } };
}

describe('what Terraform will do, from the rendered stacks', () => {
  it('replaces what refers to a replaced resource through a replacing argument, transitively: a renamed subnet loses the catalog', () => {
    const changes = compareStacks(
      { resource: network },
      { resource: { ...network, azurerm_subnet: { Pg: { name: 'pg2', address_prefixes: ['10.0.16.0/24'] } } } },
    );
    expect(Object.fromEntries(changes.map((c) => [c.address, c.action]))).toEqual({
      'azurerm_subnet.Pg': 'replace',
      'azurerm_postgresql_flexible_server.Server': 'replace',
      'azurerm_postgresql_flexible_server_database.Db': 'replace',
    });
    expect(changes.find((c) => c.type === 'azurerm_postgresql_flexible_server_database')!.replacement!.reasons).toEqual([
      'server_id refers to azurerm_postgresql_flexible_server.Server, which gets a new id',
    ]);
    const losses = classify(
      rendering(network),
      rendering({ ...network, azurerm_subnet: { Pg: { name: 'pg2', address_prefixes: ['10.0.16.0/24'] } } }),
    );
    expect(losses.filter((c) => c.severity === 'data loss').map((c) => c.address)).toEqual([
      'azurerm_postgresql_flexible_server.Server',
      'azurerm_postgresql_flexible_server_database.Db',
    ]);
  });

  it('updates in place what the table does not mark, and follows the provider CustomizeDiff for version and storage', () => {
    const action = (attrs: Record<string, unknown>) => compareStacks({ resource: network }, { resource: withServer(attrs) })[0];
    expect(action({ version: '17' })).toMatchObject({ action: 'update' });
    expect(action({ version: '15' })).toMatchObject({
      action: 'replace',
      replacement: { reasons: ['version 16 -> 15 is a downgrade, which forces a new resource'] },
    });
    expect(action({ storage_mb: 131072 })).toMatchObject({ action: 'update' });
    expect(action({ storage_mb: 32768 })).toMatchObject({ action: 'replace' });
    expect(action({ sku_name: 'GP_Standard_D2ds_v5' })).toMatchObject({ action: 'update' });
  });

  it('treats a renamed construct as destroy and create: the stack declares no moved blocks', () => {
    const moved = {
      ...network,
      azurerm_postgresql_flexible_server_database: { Catalog: network.azurerm_postgresql_flexible_server_database.Db },
    };
    const changes = classify(rendering(network), rendering(moved));
    expect(changes.map((c) => [c.address, c.action, c.severity])).toEqual([
      ['azurerm_postgresql_flexible_server_database.Catalog', 'create', 'safe'],
      ['azurerm_postgresql_flexible_server_database.Db', 'destroy', 'data loss'],
    ]);
  });

  it('calls a partition change a failing apply, not a replacement: fewer never, more only on Premium (azurerm 4.55)', () => {
    const hub = (partitions: number): Resources => ({
      azurerm_eventhub: { Orders: { name: 'orders', namespace_id: '${azurerm_eventhub_namespace.Ns.id}', partition_count: partitions } },
    });
    const [more] = classify(rendering(hub(4)), rendering(hub(8)));
    expect(more).toMatchObject({ action: 'update', severity: 'downtime' });
    expect(more.replacement).toBeUndefined();
    expect(more.findings.map((f) => f.reason)).toEqual([
      "fails at apply unless the namespace is Premium: partition_count 4 -> 8 (azurerm changes it only on Premium); on Standard keep 4, or set eventHubs.sku: 'Premium', or create a new topic",
    ]);
    const [fewer] = classify(rendering(hub(8)), rendering(hub(4)));
    expect(fewer.findings[0].reason).toMatch(/^fails at apply: partition_count 8 -> 4, and Event Hubs never lowers a partition count/);
  });

  it('knows the storage account kind upgrade that keeps the account', () => {
    const account = (kind: string): Resources => ({
      azurerm_storage_account: { A: { name: 'mzpersist', account_kind: kind, account_tier: 'Standard' } },
    });
    expect(compareStacks({ resource: account('Storage') }, { resource: account('StorageV2') })[0].action).toBe('update');
    expect(compareStacks({ resource: account('StorageV2') }, { resource: account('BlockBlobStorage') })[0].action).toBe('replace');
  });

  it('replaces an Event Hubs namespace moved to or from Premium, not one scaled within Standard', () => {
    const ns = (sku: string, capacity = 1): Resources => ({ azurerm_eventhub_namespace: { N: { name: 'mz-ehn', sku, capacity } } });
    expect(compareStacks({ resource: ns('Standard') }, { resource: ns('Premium') })[0].action).toBe('replace');
    expect(compareStacks({ resource: ns('Premium') }, { resource: ns('Standard') })[0].action).toBe('replace');
    expect(compareStacks({ resource: ns('Standard', 1) }, { resource: ns('Standard', 4) })[0].action).toBe('update');
  });

  it('has a row for every resource type the stacks can emit: a new resource fails here until its row is written', () => {
    // Every provider resource module infra/ imports (deep imports are the only way it imports them).
    const infra = join(REPO_ROOT, 'infra');
    const modules = new Set<string>();
    for (const file of readdirSync(infra, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      for (const m of readFileSync(join(infra, file), 'utf8').matchAll(/from '(@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+)'/g))
        modules.add(m[1]);
    }
    const types = [...modules]
      .filter((m) => !/\/lib\/(provider|data-[a-z0-9-]+)$/.test(m))
      .flatMap((m) =>
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        Object.values(require(m) as Record<string, { tfResourceType?: unknown }>)
          .map((c) => c?.tfResourceType)
          .filter((t): t is string => typeof t === 'string'),
      );
    expect(types.length).toBeGreaterThan(20);
    expect(types).toContain('azurerm_role_assignment');
    expect(types.filter((t) => !(t in REPLACEMENT)).sort()).toEqual([]);
  });

  it('replaces the cluster when its policy engine or data plane changes once set, and the Flux extension on a new version', () => {
    const aks = (profile: Record<string, string>): Resources => ({
      azurerm_kubernetes_cluster: { C: { name: 'mz-aks', network_profile: { network_plugin: 'azure', ...profile } } },
    });
    expect(compareStacks({ resource: aks({ network_policy: 'azure' }) }, { resource: aks({ network_policy: 'cilium' }) })[0].action).toBe(
      'replace',
    );
    expect(
      compareStacks({ resource: aks({ network_data_plane: 'azure' }) }, { resource: aks({ network_data_plane: 'cilium' }) })[0].action,
    ).toBe('replace');
    // Unset before: AKS installs it in place.
    expect(compareStacks({ resource: aks({}) }, { resource: aks({ network_policy: 'calico' }) })[0].action).toBe('update');
    const flux = (version: string): Resources => ({
      azurerm_kubernetes_cluster_extension: { F: { name: 'flux', extension_type: 'microsoft.flux', version } },
    });
    expect(compareStacks({ resource: flux('1.16.1') }, { resource: flux('1.17.0') })[0].action).toBe('replace');
  });

  it('replaces a role assignment whose role changes, and updates a subnet whose prefixes change', () => {
    const role = (name: string): Resources => ({
      azurerm_role_assignment: { R: { scope: '/s', principal_id: 'p', role_definition_name: name } },
    });
    expect(compareStacks({ resource: role('Reader') }, { resource: role('Storage Blob Data Contributor') })[0].action).toBe('replace');
    const subnet = (prefix: string): Resources => ({
      azurerm_subnet: { S: { name: 'aks', virtual_network_name: 'v', resource_group_name: 'g', address_prefixes: [prefix] } },
    });
    expect(compareStacks({ resource: subnet('10.0.0.0/22') }, { resource: subnet('10.0.0.0/21') })[0].action).toBe('update');
  });

  it('cites a provider source for every resource type the table lists', () => {
    for (const [type, rule] of Object.entries(REPLACEMENT))
      expect([type, rule.source]).toEqual([type, expect.stringMatching(/terraform-provider-|Azure:/)]);
  });
});

describe('exposure, downtime and safe, with the reason', () => {
  const severities = (before: Resources, after: Resources) =>
    classify(rendering(before), rendering(after)).map((c) => [c.address, c.severity, c.findings[0].reason]);

  it('public access, TLS and firewall switches', () => {
    expect(severities(withServer({ public_network_access_enabled: false }), withServer({ public_network_access_enabled: true }))).toEqual([
      ['azurerm_postgresql_flexible_server.Server', 'exposure', 'public_network_access_enabled switches to true'],
    ]);
    const tls = (value: string): Resources => ({
      azurerm_postgresql_flexible_server_configuration: { Tls: { name: 'require_secure_transport', value, server_id: 'x' } },
    });
    expect(severities(tls('on'), tls('off'))[0]).toEqual([
      'azurerm_postgresql_flexible_server_configuration.Tls',
      'exposure',
      'PostgreSQL stops requiring TLS (require_secure_transport)',
    ]);
    const rule = (start: string, end: string): Resources => ({
      azurerm_postgresql_flexible_server_firewall_rule: { R: { name: 'r', server_id: 'x', start_ip_address: start, end_ip_address: end } },
    });
    expect(severities(rule('203.0.113.0', '203.0.113.255'), rule('203.0.113.0', '203.0.113.127'))[0][1]).toBe('safe');
    expect(severities(rule('203.0.113.0', '203.0.113.255'), rule('203.0.0.0', '203.0.255.255'))[0][2]).toBe(
      'the PostgreSQL firewall now admits 203.0.0.0-203.0.255.255',
    );
    const api = (ranges?: string[]): Resources => ({
      azurerm_kubernetes_cluster: { C: { name: 'c', api_server_access_profile: ranges ? { authorized_ip_ranges: ranges } : undefined } },
    });
    expect(severities(api(['198.51.100.7/32']), api())[0][2]).toBe(
      'the API server no longer limits its clients (authorized_ip_ranges removed)',
    );
    expect(severities(api(['198.51.100.0/24']), api(['198.51.100.7/32']))[0][1]).toBe('safe');
  });

  it('a firewall that starts refusing by default cuts off whoever it does not list: downtime, with the field that admits them', () => {
    const namespace = (rulesets?: unknown): Resources => ({
      azurerm_eventhub_namespace: { N: { name: 'ns', sku: 'Standard', ...(rulesets ? { network_rulesets: rulesets } : {}) } },
    });
    const closed = [
      {
        default_action: 'Deny',
        ip_rule: [
          { ip_mask: '${azurerm_public_ip.Egress.ip_address}', action: 'Allow' },
          { ip_mask: '203.0.113.0/24', action: 'Allow' },
        ],
      },
    ];
    expect(severities(namespace(), namespace(closed))).toEqual([
      [
        'azurerm_eventhub_namespace.N',
        'downtime',
        "the firewall starts refusing every network it does not list (it admits the cluster's egress address, 203.0.113.0/24): a producer elsewhere stops publishing: add its range to eventHubs.producerRanges, or set eventHubs.publicNetworkAccess: true",
      ],
    ]);
    // Already closed: a new range admits more, which is exposure, not this rule's.
    const wider = [{ ...closed[0], ip_rule: [...closed[0].ip_rule, { ip_mask: '198.51.100.0/24', action: 'Allow' }] }];
    expect(severities(namespace(closed), namespace(wider))).toEqual([
      ['azurerm_eventhub_namespace.N', 'exposure', 'network_rulesets[0].ip_rule now admits 198.51.100.0/24'],
    ]);
    // A new namespace has no one to cut off.
    expect(classify(rendering({}), rendering(namespace(closed))).map((c) => c.severity)).toEqual(['safe']);
    // The storage account's block is one object.
    const account = (rules?: unknown): Resources => ({
      azurerm_storage_account: { A: { name: 'a', account_tier: 'Standard', ...(rules ? { network_rules: rules } : {}) } },
    });
    expect(severities(account(), account({ default_action: 'Deny', ip_rules: ['203.0.113.0/24'] }))[0][2]).toMatch(
      /^the firewall starts refusing every network it does not list \(it admits 203.0.113.0\/24\)/,
    );
  });

  it('names a change that turns observability off or lets one more principal read the metrics', () => {
    const observed = (on: boolean, readers: string[]): Resources => ({
      azurerm_kubernetes_cluster: { C: { name: 'c', ...(on ? { monitor_metrics: {} } : {}) } },
      ...(on
        ? {
            azurerm_monitor_workspace: { W: { name: 'w', resource_group_name: 'rg', location: 'eastus2' } },
            azurerm_monitor_alert_prometheus_rule_group: { R: { name: 'r', resource_group_name: 'rg', location: 'eastus2', rule: [] } },
            azurerm_role_assignment: Object.fromEntries(
              [
                ['G', '${azurerm_dashboard_grafana.G.identity[0].principal_id}', 'Monitoring Data Reader'],
                ...readers.map((r, i) => [`A${i}`, r, 'Grafana Viewer']),
              ].map(([k, principal, role]) => [k, { scope: 's', role_definition_name: role, principal_id: principal }]),
            ),
          }
        : {}),
    });
    const off = classify(rendering(observed(true, [])), rendering(observed(false, [])));
    expect(off.map((c) => [c.address, c.severity])).toEqual(
      expect.arrayContaining([
        ['azurerm_kubernetes_cluster.C', 'downtime'],
        ['azurerm_monitor_workspace.W', 'data loss'],
        ['azurerm_monitor_alert_prometheus_rule_group.R', 'downtime'],
      ]),
    );
    const wider = classify(rendering(observed(true, [])), rendering(observed(true, ['3f2504e0-4f89-41d3-9a0c-0305e82c3301'])));
    expect(wider.map((c) => [c.address, c.severity, c.findings[0]?.reason])).toEqual([
      [
        'azurerm_role_assignment.A0',
        'exposure',
        'Grafana Viewer for "3f2504e0-4f89-41d3-9a0c-0305e82c3301": one more principal reads the environment\'s metrics',
      ],
    ]);
    // Grafana's own identity reading the workspace, created with it, is no new reader.
    expect(classify(rendering({}), rendering(observed(true, []))).filter((c) => c.severity === 'exposure')).toEqual([]);
  });

  it('a rebuilt cluster is downtime, naming the cluster-first apply the kubernetes provider needs', () => {
    const aks = (dnsPrefix: string): Resources => ({ azurerm_kubernetes_cluster: { C: { name: 'mz-aks', dns_prefix: dnsPrefix } } });
    expect(severities(aks('mz'), aks('mz2'))).toEqual([
      [
        'azurerm_kubernetes_cluster.C',
        'downtime',
        'rebuilds the AKS cluster: every workload stops (dns_prefix forces a new resource); the kubernetes provider that writes the sealing key is configured from this cluster, so deploy with npm run deploy or mzops deploy, which apply the cluster alone first (cdktf deploy alone fails on the sealing key)',
      ],
    ]);
  });

  it('a removed prevent_destroy is exposure: nothing refuses the next destroy', () => {
    const db = (protect: boolean): Resources => ({
      azurerm_postgresql_flexible_server_database: { Db: { name: 'm', server_id: 'x', lifecycle: { prevent_destroy: protect } } },
    });
    expect(severities(db(true), db(false))).toEqual([
      [
        'azurerm_postgresql_flexible_server_database.Db',
        'exposure',
        'prevent_destroy is removed: Terraform will no longer refuse to destroy it',
      ],
    ]);
  });

  it('widens(): which new ranges admit an address the old ones did not', () => {
    expect(widens(['10.0.0.0/8'], ['10.1.0.0/16', '10.2.3.4'])).toEqual([]);
    expect(widens(['10.0.0.0/8'], ['10.0.0.0/8', '11.0.0.0/8'])).toEqual(['11.0.0.0/8']);
    expect(widens([], ['0.0.0.0/0'])).toEqual(['0.0.0.0/0']);
  });

  it('never prints a secret: sensitive arguments and sealed values are masked', () => {
    const pw = (v: string): Resources => ({ azurerm_postgresql_flexible_server: { S: { name: 's', administrator_password: v } } });
    const sealed = (v: string) => ({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'b', namespace: 'n' },
      spec: { encryptedData: { license_key: v } },
    });
    const changes = classify(
      rendering(pw('hunter2-old'), [sealed('AgBc1phertext0ld')]),
      rendering(pw('hunter2-new'), [sealed('AgBc1phertextNew')]),
    );
    const text = JSON.stringify(changes);
    for (const secret of ['hunter2', 'AgBc1phertext']) expect(text).not.toContain(secret);
    expect(changes.map((c) => c.attributes[0].path)).toEqual(['administrator_password', 'spec.encryptedData.license_key']);
  });
});

describe('what Flux applying the new dist/ does', () => {
  const service = (internal: string, ip: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'materialize-sql',
      namespace: 'm',
      annotations: {
        'service.beta.kubernetes.io/azure-load-balancer-internal': internal,
        'service.beta.kubernetes.io/azure-load-balancer-ipv4': ip,
      },
    },
    spec: { type: 'LoadBalancer', ports: [{ port: 6875 }] },
  });
  const operator = (version: string) => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'materialize-operator', namespace: 'f' },
    spec: { chart: { spec: { version } } },
  });
  const policy = (from: unknown[]) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'm' },
    spec: { podSelector: {}, ingress: [{ from, ports: [{ port: 6875 }] }] },
  });
  const findings = (before: unknown[], after: unknown[]) =>
    classify(rendering({}, before as Record<string, unknown>[]), rendering({}, after as Record<string, unknown>[])).flatMap((c) =>
      c.findings.map((f) => `${f.severity}: ${f.reason}`),
    );

  it('a load balancer made public is exposure; a new address is downtime', () => {
    expect(findings([service('true', '10.0.15.250')], [service('false', '10.0.15.250')])).toEqual([
      'exposure: a public load balancer: the endpoint is reachable from the internet',
    ]);
    expect(findings([service('true', '10.0.15.250')], [service('true', '10.0.15.249')])).toEqual([
      'downtime: the load balancer\'s address changes (service.beta.kubernetes.io/azure-load-balancer-ipv4: "10.0.15.250" -> "10.0.15.249")',
    ]);
  });

  const materialize = (spec: Record<string, unknown>) => ({
    apiVersion: 'materialize.cloud/v1alpha1',
    kind: 'Materialize',
    metadata: { name: 'materialize', namespace: 'm' },
    spec: {
      environmentId: 'e',
      requestRollout: 'r1',
      forceRollout: 'f1',
      environmentdImageRef: 'materialize/environmentd:v26.12.0',
      ...spec,
    },
  });

  it('an environmentd upgrade is downtime with its reason; a rollback is named as what the operator refuses', () => {
    const upgrade = { environmentdImageRef: 'materialize/environmentd:v26.37.0', requestRollout: 'r2' };
    expect(findings([materialize({})], [materialize(upgrade)])).toEqual([
      expect.stringMatching(/^downtime: environmentd upgrades v26\.12\.0 -> v26\.37\.0: a new generation starts beside the old one/),
      expect.stringMatching(/^downtime: environmentd rolls out to a new generation \(requestRollout "r2"\)$/),
    ]);
    expect(findings([materialize(upgrade)], [materialize({ requestRollout: 'r3' })])[0]).toMatch(
      /^downtime: environmentd goes back v26\.37\.0 -> v26\.12\.0: the operator refuses a rollback \(FailedDeploy\)/,
    );
  });

  it('says why environmentd rolls out: a forced restart, a spec change, or the operator alone', () => {
    expect(findings([materialize({})], [materialize({ requestRollout: 'r2', forceRollout: 'f2' })])).toEqual([
      'downtime: environmentd rolls out to a new generation (requestRollout "r2"): a restart is forced (mzops rollout, or a new backend secret value such as a rotated SAS)',
    ]);
    expect(findings([materialize({})], [materialize({ requestRollout: 'r2', podLabels: { a: 'b' } })])).toEqual([
      'downtime: environmentd rolls out to a new generation (requestRollout "r2"): the spec changes (podLabels)',
    ]);
    expect(findings([materialize({})], [materialize({ requestRollout: 'r2', rolloutStrategy: 'ManuallyPromote' })])).toEqual([
      'downtime: environmentd rolls out to a new generation (requestRollout "r2"): the spec changes (rolloutStrategy); it waits at ReadyToPromote for mzops promote',
    ]);
    expect(findings([materialize({})], [materialize({ requestRollout: 'r2' })])).toEqual([
      'downtime: environmentd rolls out to a new generation (requestRollout "r2"): the operator\'s version or values change what it generates for environmentd',
    ]);
  });

  it('a promotion is downtime: the waiting generation takes over', () => {
    expect(
      findings(
        [materialize({ rolloutStrategy: 'ManuallyPromote' })],
        [materialize({ rolloutStrategy: 'ManuallyPromote', forcePromote: 'r1' })],
      ),
    ).toEqual(['downtime: promotes the waiting generation (forcePromote "r1"): it takes over now']);
  });

  it('an operator upgrade is downtime; a pruned network policy is exposure; a narrowed one cuts flows', () => {
    expect(findings([operator('v26.12.0')], [operator('v26.13.0')])).toEqual([
      'downtime: the Materialize operator upgrades "v26.12.0" -> "v26.13.0": Flux upgrades it before the instance layer, and environmentd rolls out onto what the new operator generates',
    ]);
    expect(findings([policy([{ podSelector: {} }])], [])).toEqual([
      'exposure: the policy is deleted: pods only it selected are no longer isolated',
    ]);
    expect(findings([policy([{ podSelector: {} }, { ipBlock: { cidr: '203.0.113.0/24' } }])], [policy([{ podSelector: {} }])])).toEqual([
      'downtime: ingress admits less, cutting what it allowed: {"ipBlock":{"cidr":"203.0.113.0/24"}} on [{"port":6875}]',
    ]);
  });
});

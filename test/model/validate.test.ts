import { loadEnvironment, loadEnvironments } from '../../model/load';
import { EnvironmentValidationError } from '../../model/validate';
import type { EnvironmentDefinition } from '../../model/environment';
import { definitions, exampleWith } from '../helpers';

/** The day these cases were written: the calendars (AKS, cert-manager) are read against it. */
const NOW = { now: new Date('2026-12-03T12:00:00Z') };

function problemsOf(d: EnvironmentDefinition): string[] {
  try {
    loadEnvironment(d, NOW);
  } catch (e) {
    if (e instanceof EnvironmentValidationError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('a credential in the repository URL', () => {
  it('is never repeated in any message', () => {
    const messages = problemsOf(exampleWith((d) => (d.gitops.repositoryUrl = 'https://flux:ghp_secret123@github.com/acme/gitops')));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).not.toContain('ghp_secret123');
  });
});

describe('environment validation', () => {
  it.each(Object.keys(definitions))('accepts the %s environment', (name) => {
    expect(problemsOf(definitions[name])).toEqual([]);
  });

  // Each case: what the user got wrong, and the field + rule the message must name.
  const corpus: [string, (d: EnvironmentDefinition) => void, string, RegExp][] = [
    [
      'storage account name too long',
      (d) => (d.names = { storageAccount: 'averyveryverylongstorageaccount1' }),
      'names.storageAccount',
      /3-24 lowercase letters and digits/,
    ],
    ['storage account name with uppercase', (d) => (d.names = { storageAccount: 'MzPersist' }), 'names.storageAccount', /lowercase/],
    [
      'node pool name with hyphen',
      (d) => (d.aks!.materializePool!.name = 'mz-pool'),
      'aks.materializePool.name',
      /1-12 lowercase letters and digits/,
    ],
    ['node pool name too long', (d) => (d.aks!.materializePool!.name = 'materializepool'), 'aks.materializePool.name', /1-12/],
    [
      'postgres server name with underscore',
      (d) => (d.names = { postgresServer: 'mz_pg' }),
      'names.postgresServer',
      /3-63 lowercase letters, digits or hyphens/,
    ],
    [
      'postgres server name ending with hyphen',
      (d) => (d.names = { postgresServer: 'mz-pg-' }),
      'names.postgresServer',
      /not starting or ending with a hyphen/,
    ],
    ['vnet CIDR syntax', (d) => (d.network = { vnetCidr: '10.0.0/16' }), 'network.vnetCidr', /IPv4 CIDR/],
    ['unaligned subnet', (d) => (d.network = { aksSubnetCidr: '10.0.1.0/20' }), 'network.aksSubnetCidr', /network address/],
    [
      'overlapping subnets',
      (d) => (d.network = { postgresSubnetCidr: '10.0.8.0/24' }),
      'network.postgresSubnetCidr',
      /must not overlap network.aksSubnetCidr/,
    ],
    [
      'service CIDR inside the VNet',
      (d) => (d.network = { serviceCidr: '10.0.128.0/17' }),
      'network.serviceCidr',
      /must not overlap network.vnetCidr/,
    ],
    [
      'subnet outside the VNet',
      (d) => (d.network = { postgresSubnetCidr: '10.9.0.0/24' }),
      'network.postgresSubnetCidr',
      /inside network.vnetCidr/,
    ],
    [
      'too many partitions on Standard',
      (d) => (d.eventHubs!.topics![0].partitions = 33),
      'eventHubs.topics[0].partitions',
      /1 to 32 on Standard/,
    ],
    ['zero partitions', (d) => (d.eventHubs!.topics![1].partitions = 0), 'eventHubs.topics[1].partitions', /1 to 32/],
    [
      'a plural grant Materialize does not parse',
      (d) => (d.eventHubs!.roles = [{ name: 'analyst', selectOn: ['MATERIALIZED VIEWS'] }]),
      'eventHubs.roles[0].selectOn[0]',
      /parses only for TABLES in Materialize; for every relation set selectOnAll: true/,
    ],
    [
      'a grant on an object nobody declares',
      (d) => (d.eventHubs!.roles = [{ name: 'analyst', selectOn: ['ordrs'] }]),
      'eventHubs.roles[0].selectOn[0]',
      /must name a source or view of eventHubs.topics \(orders_raw, orders, customers_raw, customers\)/,
    ],
    [
      'a null filter under the upsert envelope',
      (d) => (d.eventHubs!.topics![1].views![0].skipNullRecords = true),
      'eventHubs.topics[1].views[0].skipNullRecords',
      /no effect with the upsert envelope/,
    ],
    [
      'a source on an undeclared cluster',
      (d) => (d.eventHubs!.topics![0].source!.cluster = 'quickstrt'),
      'eventHubs.topics[0].source.cluster',
      /must name one of eventHubs.clusters \(ingest\)/,
    ],
    [
      'a cluster size the operator does not offer',
      (d) => (d.eventHubs!.clusters = [{ name: 'ingest', size: '30cc' }]),
      'eventHubs.clusters[0].size',
      /one of the operator's replica sizes \(25cc, 50cc/,
    ],
    [
      'workload identity before environmentd refreshes its token',
      (d) => (d.storage!.persistAuth = 'workloadIdentity'),
      'storage.persistAuth',
      /needs environmentd v26.39.0 or later \(before it, persist loses Blob access when the token rotates; materialize.environmentdVersion is v26.37.0\)/,
    ],
    [
      'a cluster in the mz_ namespace',
      (d) => (d.eventHubs!.clusters = [{ name: 'mz_ingest' }]),
      'eventHubs.clusters[0].name',
      /not starting with mz_/,
    ],
    [
      'VM size in the wrong form',
      (d) => (d.aks!.materializePool!.vmSize = 'E2pds_v6'),
      'aks.materializePool.vmSize',
      /Standard_<series><size>/,
    ],
    [
      'a VM size the capacity check does not know',
      (d) => (d.aks!.materializePool!.vmSize = 'Standard_E4pds_v9'),
      'aks.materializePool.vmSize',
      /a size the capacity check knows \(.*\); add yours with its vCPUs and memory to model\/vm-sizes.ts/,
    ],
    [
      "a Materialize pool too small for its pods (the predecessor's 2 x E2pds_v6)",
      (d) => (d.aks!.materializePool = { vmSize: 'Standard_E2pds_v6', nodeCount: 2 }),
      'aks.materializePool',
      /must hold its pods: 2 x Standard_E2pds_v6 \(1180m CPU and 14506Mi free per node after AKS's reservations and DaemonSets\) cannot place .*console/,
    ],
    [
      "a pool without autoscaling that cannot run a rollout's two generations (the example's 2 x E4pds_v6 at maxCount 2)",
      (d) => (d.aks!.materializePool = { vmSize: 'Standard_E4pds_v6', nodeCount: 2, maxCount: 2 }),
      'aks.materializePool',
      /must hold its pods: during a rollout \(both generations until promotion\), 2 x Standard_E4pds_v6 \(no autoscaling: maxCount is nodeCount\) \(3140m CPU .*\) cannot place .*\(all pods request 7000m CPU/,
    ],
    [
      'an autoscaler maximum too low for a rollout',
      (d) => {
        d.aks!.materializePool = { vmSize: 'Standard_E4pds_v6', nodeCount: 3, maxCount: 4 };
        d.eventHubs!.clusters = [{ name: 'ingest', size: '100cc', replicationFactor: 2 }];
      },
      'aks.materializePool',
      /during a rollout \(both generations until promotion\), 4 x Standard_E4pds_v6 at the autoscaler's maximum .* cannot place .*\(next generation\)/,
    ],
    [
      'a policy suppression without a reason worth printing',
      (d) => (d.policy = { suppressions: [{ rule: 'MZ-EH-2', reason: 'because' }] }),
      'policy.suppressions[0].reason',
      /must say why in at least 20 characters: the suppression report prints it \(got "because"\); for example "producers publish/,
    ],
    [
      'a policy suppression with no reason at all',
      (d) => (d.policy = { suppressions: [{ rule: 'MZ-EH-2' } as never] }),
      'policy.suppressions[0].reason',
      /is required \(a string\) \(missing\)/,
    ],
    [
      'a policy suppression of a rule that does not exist',
      (d) => (d.policy = { suppressions: [{ rule: 'MZ-EH-9', reason: 'producers publish from partner networks' }] }),
      'policy.suppressions[0].rule',
      /must be a policy rule id \(MZ-STG-1, .*MZ-DATA-1\)/,
    ],
    [
      'an operator chart version nobody rendered here',
      (d) => (d.materialize.operatorChartVersion = 'v26.39.0'),
      'materialize.operatorChartVersion',
      /is not a version this project renders and checks \(v26\.12\.0, v26\.37\.0\); to run it anyway, set materialize.allowUnverifiedVersion: true/,
    ],
    [
      'cert-manager on a line out of support',
      (d) => (d.charts = { certManager: 'v1.17.1' }),
      'charts.certManager',
      /is on a cert-manager line out of support since 2025-10-07 \(supported now: 1\.20, 1\.21; model\/cert-manager-versions.ts\)/,
    ],
    [
      'cert-manager on a line the calendar does not know',
      (d) => (d.charts = { certManager: 'v1.25.0' }),
      'charts.certManager',
      /is not on a released cert-manager line of model\/cert-manager-versions.ts/,
    ],
    [
      'a pool that fits only without headroom',
      (d) => {
        d.aks!.materializePool = { vmSize: 'Standard_E8pds_v6', nodeCount: 1, maxCount: 3 };
        d.materialize.environmentdResources = { cpuRequest: '3450m' };
      },
      'aks.materializePool',
      /must keep 10% headroom: 1 x Standard_E8pds_v6 \(7100m CPU .*\) would have 2% CPU and 72% memory left/,
    ],
    [
      'an AKS subnet too small for its pools at their maximum (a /26 with a Materialize pool that grows to 4 nodes)',
      (d) => {
        d.network = { aksSubnetCidr: '10.0.0.0/26' };
        d.aks!.materializePool = { vmSize: 'Standard_E4pds_v6', nodeCount: 2, maxCount: 4 };
      },
      'network.aksSubnetCidr',
      /must hold every node and pod address \(Azure CNI: 31 per node\): up to 14 nodes at once \(every pool at its maxCount, plus an upgrade surge or a pool rotation\) need 441 addresses with Azure's 5 and the 2 load-balancer frontends; a \/26 has 64: use a \/23 or larger \(got "10\.0\.0\.0\/26"\); for example "10\.0\.0\.0\/23"/,
    ],
    [
      'a load-balancer address among those nodes take first',
      (d) => (d.network = { sqlLoadBalancerIp: '10.0.0.40' }),
      'network.sqlLoadBalancerIp',
      /must lie past the first 434 addresses of network.aksSubnetCidr after Azure's 4/,
    ],
    [
      'two topics that differ only in case (one hub to Event Hubs)',
      (d) => (d.eventHubs!.topics![1].name = 'Orders'),
      'eventHubs.topics[1].name',
      /must be unique among topics, compared without case as Event Hubs compares them/,
    ],
    [
      'a view named like a source',
      (d) => (d.eventHubs!.topics![1].views![0].name = 'orders_raw'),
      'eventHubs.topics[1].views[0].name',
      /must differ from eventHubs.topics\[0\].source.name: sources and views share one schema/,
    ],
    [
      'two views of one name',
      (d) => (d.eventHubs!.topics![1].views![0].name = 'orders'),
      'eventHubs.topics[1].views[0].name',
      /must differ from eventHubs.topics\[0\].views\[0\].name/,
    ],
    [
      'two columns of one name',
      (d) => (d.eventHubs!.topics![0].views![0].columns[1].name = 'order_id'),
      'eventHubs.topics[0].views[0].columns[1].name',
      /must be unique among the columns of its view/,
    ],
    [
      'the service range broadcast address as the DNS service address',
      (d) => (d.network = { serviceCidr: '10.1.0.0/16', dnsServiceIp: '10.1.255.255' }),
      'network.dnsServiceIp',
      /not its network or broadcast address/,
    ],
    [
      'a service range wider than Kubernetes takes',
      (d) => (d.network = { serviceCidr: '10.64.0.0/10', dnsServiceIp: '10.64.0.10' }),
      'network.serviceCidr',
      /must be a \/12 or narrower/,
    ],
    [
      'a memory request above its limit',
      (d) => (d.materialize.environmentdResources = { memoryRequest: '6Gi', memoryLimit: '4Gi' }),
      'materialize.environmentdResources.memoryRequest',
      /must not exceed its memoryLimit 4Gi/,
    ],
    [
      'a repository URL that carries credentials (never echoed)',
      (d) => (d.gitops.repositoryUrl = 'https://flux:ghp_secret123@github.com/acme/gitops'),
      'gitops.repositoryUrl',
      /must not carry credentials .*\(got "https:\/\/<credentials>@github.com\/acme\/gitops"\)/,
    ],
    [
      'a repository Flux would fetch in clear',
      (d) => (d.gitops.repositoryUrl = 'http://git.example.com/acme/gitops'),
      'gitops.repositoryUrl',
      /must be https:\/\/ or ssh:\/\/: over http:\/\/ Flux would fetch the GitOps folder in clear/,
    ],
    [
      'a node count that is NaN',
      (d) => (d.aks!.materializePool!.nodeCount = NaN),
      'aks.materializePool.nodeCount',
      /must be a whole number, not NaN \(got NaN\)/,
    ],
    [
      'a fractional node count',
      (d) => (d.aks!.materializePool!.nodeCount = 1.5),
      'aks.materializePool.nodeCount',
      /must be a whole number, not a fraction \(got 1\.5\)/,
    ],
    [
      'an autoscaler maximum below the node count',
      (d) => (d.aks!.materializePool!.maxCount = 1),
      'aks.materializePool.maxCount',
      /from nodeCount \(2\) to 1000/,
    ],
    ['a region name with a space', (d) => (d.location = 'East US'), 'location', /must be an Azure region name \(lowercase, no spaces\)/],
    [
      'a region that does not exist, with the one meant',
      (d) => (d.location = 'westeuropa'),
      'location',
      /is not an Azure region \(model\/azure-regions.ts, from az account list-locations\): did you mean "westeurope"\?/,
    ],
    ["a region spelt in another tool's style", (d) => (d.location = 'us-east-2'), 'location', /must be an Azure region name/],
    ['a system pool of no nodes', (d) => (d.aks!.systemPool = { nodeCount: 0 }), 'aks.systemPool.nodeCount', /from 1 to 1000/],
    [
      "the predecessor's single system node (AKS supports no system pool of one node)",
      (d) => (d.aks!.systemPool = { vmSize: 'Standard_D4ds_v5', nodeCount: 1 }),
      'aks.systemPool.nodeCount',
      /must be 2 or more: AKS supports no system pool of one node \(or, for an environment meant to be thrown away, aks.throwawaySystemPool: true\)/,
    ],
    [
      'a B-series system pool',
      (d) => (d.aks!.systemPool = { vmSize: 'Standard_B4ms', nodeCount: 2 }),
      'aks.systemPool.vmSize',
      /must not be B-series: AKS does not support burstable VMs for system pools/,
    ],
    [
      'a system pool of two vCPUs',
      (d) => (d.aks!.systemPool = { vmSize: 'Standard_D2s_v5', nodeCount: 2 }),
      'aks.systemPool.vmSize',
      /must have at least 4 vCPUs and 4 GB \(AKS's system pool minimum; Standard_D2s_v5 has 2 vCPUs, 8 GB/,
    ],
    ['an OS disk AKS refuses', (d) => (d.aks!.materializePool!.osDiskSizeGb = 10), 'aks.materializePool.osDiskSizeGb', /from 30 to 2048/],
    ['backups kept less than Azure allows', (d) => (d.postgres!.backupRetentionDays = 3), 'postgres.backupRetentionDays', /from 7 to 35/],
    [
      'backups kept longer than Azure allows',
      (d) => (d.postgres!.backupRetentionDays = 40),
      'postgres.backupRetentionDays',
      /from 7 to 35/,
    ],
    [
      'a PostgreSQL version Azure does not offer',
      (d) => (d.postgres!.version = '12'),
      'postgres.version',
      /must be one of 13, 14, 15, 16, 17/,
    ],
    [
      'a storage size Azure does not offer',
      (d) => (d.postgres!.storageMb = 50000),
      'postgres.storageMb',
      /must be one of Azure's sizes 32768/,
    ],
    ['a database name with uppercase', (d) => (d.postgres!.database = 'Catalog'), 'postgres.database', /lowercase PostgreSQL identifier/],
    ['an admin login Azure reserves', (d) => (d.postgres!.adminLogin = 'azure_owner'), 'postgres.adminLogin', /azure_\*/],
    ['a container name with a double hyphen', (d) => (d.storage!.container = 'mz--persist'), 'storage.container', /single hyphens/],
    ['a container name too short', (d) => (d.storage!.container = 'mz'), 'storage.container', /3-63 lowercase/],
    ['a storage tier Azure does not have', (d) => (d.storage!.tier = 'Gold' as 'Standard'), 'storage.tier', /"Standard", "Premium"/],
    ['a SAS valid longer than a year', (d) => (d.storage!.sasValidityDays = 400), 'storage.sasValidityDays', /from 7 to 365/],
    [
      'a persist auth Materialize does not know',
      (d) => (d.storage!.persistAuth = 'key' as 'sas'),
      'storage.persistAuth',
      /"sas", "workloadIdentity"/,
    ],
    [
      'Event Hubs Basic, which has no Kafka endpoint',
      (d) => (d.eventHubs!.sku = 'Basic' as 'Standard'),
      'eventHubs.sku',
      /"Standard", "Premium"/,
    ],
    [
      'a topic name with a space',
      (d) => (d.eventHubs!.topics![0].name = 'my orders'),
      'eventHubs.topics[0].name',
      /starting and ending alphanumeric/,
    ],
    ['two topics of one name', (d) => (d.eventHubs!.topics![1].name = 'orders'), 'eventHubs.topics[1].name', /must be unique among topics/],
    [
      'retention past what Standard keeps',
      (d) => (d.eventHubs!.topics![0].retentionDays = 8),
      'eventHubs.topics[0].retentionDays',
      /from 1 to 7 on Standard/,
    ],
    [
      'a column name SQL cannot use unquoted',
      (d) => (d.eventHubs!.topics![0].views![0].columns![0].name = 'Order ID'),
      'eventHubs.topics[0].views[0].columns[0].name',
      /lowercase SQL identifier/,
    ],
    [
      'a view without a column',
      (d) => (d.eventHubs!.topics![0].views![0].columns = []),
      'eventHubs.topics[0].views[0].columns',
      /at least one column/,
    ],
    [
      'a view name with a hyphen',
      (d) => (d.eventHubs!.topics![0].views![0].name = 'orders-view'),
      'eventHubs.topics[0].views[0].name',
      /lowercase SQL identifier/,
    ],
    [
      'a source name starting with a digit',
      (d) => (d.eventHubs!.topics![0].source!.name = '1orders'),
      'eventHubs.topics[0].source.name',
      /lowercase SQL identifier/,
    ],
    ['a role name with uppercase', (d) => (d.eventHubs!.roles![0].name = 'Analyst'), 'eventHubs.roles[0].name', /not starting with mz_/],
    ['a Git auth Flux does not have', (d) => (d.gitops.auth = 'token' as 'none'), 'gitops.auth', /"none", "https", "ssh"/],
    ['a Flux interval shorter than 30 s', (d) => (d.gitops.syncIntervalSeconds = 5), 'gitops.syncIntervalSeconds', /from 30 to 86400/],
    ['a tag key with a slash', (d) => (d.tags = { 'team/name': 'data' }), 'tags.team/name', /without <>%&/],
    [
      'a DNS service address outside the service range',
      (d) => (d.network = { ...d.network!, dnsServiceIp: '10.99.0.10' }),
      'network.dnsServiceIp',
      /inside network.serviceCidr/,
    ],
    [
      'a CPU request that is not a quantity',
      (d) => (d.materialize.environmentdResources = { cpuRequest: '1 core' }),
      'materialize.environmentdResources.cpuRequest',
      /must be a Kubernetes quantity.*for example "1" or "500m"/,
    ],
    [
      'an instance name with uppercase',
      (d) => (d.materialize.instanceName = 'Materialize'),
      'materialize.instanceName',
      /a Kubernetes name/,
    ],
    ['a requestRollout that is not a UUID', (d) => (d.materialize.requestRollout = 'now'), 'materialize.requestRollout', /lowercase UUID/],
    ['a prefix too long for Azure names', (d) => (d.prefix = 'a-very-long-prefix-here'), 'prefix', /3-16 lowercase letters/],
    ['an empty Git branch', (d) => (d.gitops.branch = ''), 'gitops.branch', /a Git branch name/],
    [
      'a load balancer address outside its subnet',
      (d) => (d.network = { ...d.network!, sqlLoadBalancerIp: '10.9.9.9' }),
      'network.sqlLoadBalancerIp',
      /an address of network.aksSubnetCidr/,
    ],
    [
      'reserved admin login prefix',
      (d) => (d.postgres!.adminLogin = 'pg_admin'),
      'postgres.adminLogin',
      /not admin, administrator, root, guest, public, postgres, azure_\*, pg_\*/,
    ],
    [
      'a database every server already has',
      (d) => (d.postgres!.database = 'azure_sys'),
      'postgres.database',
      /must not be one of the databases every Flexible Server has/,
    ],
    [
      'a service range AKS reserves',
      (d) => (d.network = { ...d.network, serviceCidr: '172.30.0.0/16', dnsServiceIp: '172.30.0.10' }),
      'network.serviceCidr',
      /must not overlap 172\.30\.0\.0\/16, which AKS reserves/,
    ],
    [
      'more tags than Azure allows',
      (d) => (d.tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, 'x']))),
      'tags',
      /at most 48 tags \(Azure allows 50 per resource; the stack sets 2\)/,
    ],
    [
      'PostgreSQL SKU without tier',
      (d) => (d.postgres!.skuName = 'Standard_B1ms'),
      'postgres.skuName',
      /a Flexible Server SKU azurerm accepts/,
    ],
    // Both have the old loose rule's shape; neither exists, and azurerm's own SKU rule refuses both at plan.
    [
      'PostgreSQL SKU that does not exist',
      (d) => (d.postgres!.skuName = 'GP_Standard_D3ds_v5'),
      'postgres.skuName',
      /a Flexible Server SKU azurerm accepts/,
    ],
    [
      'Burstable SKU that does not exist',
      (d) => (d.postgres!.skuName = 'B_Standard_B3ms'),
      'postgres.skuName',
      /a Flexible Server SKU azurerm accepts/,
    ],
    [
      'Premium Event Hubs capacity between the steps',
      (d) => {
        d.eventHubs!.sku = 'Premium';
        d.eventHubs!.capacity = 3;
      },
      'eventHubs.capacity',
      /must be one of 1, 2, 4, 8, 16 processing units on Premium/,
    ],
    ['Standard Event Hubs capacity over 40', (d) => (d.eventHubs!.capacity = 41), 'eventHubs.capacity', /from 1 to 40 on Standard/],
    [
      'operator chart range',
      (d) => (d.materialize.operatorChartVersion = '>=25.2.0'),
      'materialize.operatorChartVersion',
      /exact chart version vX.Y.Z, no ranges/,
    ],
    ['sealed-secrets chart caret', (d) => (d.charts = { sealedSecrets: '^2.18.5' }), 'charts.sealedSecrets', /exact chart version/],
    [
      'environmentd off the operator line',
      (d) => (d.materialize.environmentdVersion = 'v0.147.4'),
      'materialize.environmentdVersion',
      /operator's version line v26/,
    ],
    [
      'max_connections above what B1ms can take',
      (d) => (d.postgres!.maxConnections = 1000),
      'postgres.maxConnections',
      /25 to 200 for SKU B_Standard_B1ms/,
    ],
    [
      'public load balancers without ranges',
      (d) => {
        d.access = { publicLoadBalancers: true };
        d.allowedClientRanges = [];
      },
      'allowedClientRanges',
      /public without ranges/,
    ],
    [
      'public PostgreSQL without ranges',
      (d) => {
        d.postgres!.publicAccess = true;
        d.allowedClientRanges = [];
      },
      'allowedClientRanges',
      /postgres.publicAccess/,
    ],
    [
      'client range open to everyone',
      (d) => (d.allowedClientRanges = ['0.0.0.0/0']),
      'allowedClientRanges[0]',
      /must be a \/8 or narrower/,
    ],
    [
      'client range wider than a /8 (what policy MZ-PG-1 refuses as a firewall rule)',
      (d) => (d.allowedClientRanges = ['10.0.0.0/7']),
      'allowedClientRanges[0]',
      /must be a \/8 or narrower: list the client networks, not the internet/,
    ],
    ['environmentId not a UUID', (d) => (d.materialize.environmentId = 'production'), 'materialize.environmentId', /lowercase UUID/],
    ['HA on Burstable', (d) => (d.postgres!.highAvailability = true), 'postgres.highAvailability', /Burstable/],
    ['git URL without scheme', (d) => (d.gitops.repositoryUrl = 'github.com/acme/repo'), 'gitops.repositoryUrl', /https:\/\/ or ssh:\/\//],
    ['SAS rotation after expiry', (d) => (d.storage!.sasRotationDays = 200), 'storage.sasRotationDays', /before the SAS expires/],
    ['storage size Azure does not offer', (d) => (d.postgres!.storageMb = 40000), 'postgres.storageMb', /one of Azure's sizes/],
    ['Kubernetes version range', (d) => (d.aks = { kubernetesVersion: '1.x' }), 'aks.kubernetesVersion', /exact AKS version/],
    [
      'missing environmentId',
      (d) => (d.materialize = {} as EnvironmentDefinition['materialize']),
      'materialize.environmentId',
      /lowercase UUID/,
    ],
    [
      'ssh auth with an https URL',
      (d) => (d.gitops.auth = 'ssh'),
      'gitops.repositoryUrl',
      /must be an ssh:\/\/ URL with gitops.auth "ssh"/,
    ],
    [
      'upsert source with text values',
      (d) => (d.eventHubs!.topics![1].source!.valueFormat = 'text'),
      'eventHubs.topics[1].source.valueFormat',
      /upsert envelope/,
    ],
  ];

  it('has a corpus of at least 15 distinct bad environments', () => {
    expect(new Set(corpus.map((c) => c[0])).size).toBeGreaterThanOrEqual(15);
  });

  it.each(corpus)('rejects %s with a message naming environment, field, rule and example', (_name, change, field, rule) => {
    const messages = problemsOf(exampleWith(change));
    const line = messages.find((m) => m.includes(` ${field} `));
    expect(line).toBeDefined();
    expect(line).toMatch(/^environment "example": /);
    expect(line).toMatch(rule);
    expect(line).toMatch(/; for example \S/);
  });

  it('reports every problem of a file at once', () => {
    const messages = problemsOf(
      exampleWith((d) => {
        d.aks!.materializePool!.name = 'mz-pool';
        d.materialize.environmentId = 'nope';
      }),
    );
    expect(messages).toHaveLength(2);
  });

  it('rejects environments that would clash side by side', () => {
    const twin = exampleWith((d) => {
      d.name = 'twin';
      d.materialize.environmentId = '11111111-2222-4333-8444-555555555555';
    });
    expect(() => loadEnvironments([definitions.example, twin])).toThrow(
      /environment "twin": prefix must differ from environment "example"[\s\S]*names.storageAccount must differ/,
    );
  });

  it('compares resource group names across environments as Azure does, ignoring case', () => {
    const sameGroup = exampleWith((d) => {
      d.name = 'neighbour';
      d.prefix = 'mzneighbour';
      d.names = { resourceGroup: 'MZEXAMPLE-RG' };
      d.materialize.environmentId = '11111111-2222-4333-8444-555555555555';
    });
    expect(() => loadEnvironments([definitions.example, sameGroup])).toThrow(
      /environment "neighbour": names.resourceGroup must differ from environment "example" \(Azure names ignore case\)/,
    );
  });

  it('loads every fixture side by side', () => {
    const envs = loadEnvironments(Object.values(definitions));
    expect(envs.map((e) => e.names.storageAccount)).toEqual(['mzexamplepersist', 'acmestgpersist', 'acmeprdpersist', 'acmeidpersist']);
  });
});

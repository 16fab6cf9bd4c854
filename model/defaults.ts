import { DEFAULT_AKS_MINOR } from './aks-versions';
import { cidrHost, formatIp, parseCidr } from './cidr';
import type { AzureNames, Environment, EnvironmentDefinition, ResolvedTopic } from './environment';

/** Every default of the model, in one place, mirrored by the `@default` docs in environment.ts. */
export const DEFAULTS = {
  location: 'eastus2',
  network: {
    vnetCidr: '10.0.0.0/16',
    aksSubnetCidr: '10.0.0.0/20',
    postgresSubnetCidr: '10.0.16.0/24',
    serviceCidr: '10.1.0.0/16',
  },
  aks: {
    kubernetesVersion: DEFAULT_AKS_MINOR,
    networkPolicy: 'azure' as const,
    systemPool: { name: 'system', vmSize: 'Standard_B2s', nodeCount: 1, osDiskSizeGb: 64 },
    // Upstream's Azure example: E4pds_v6; two E2pds_v6 cannot hold environmentd, balancerd, console and clusterd.
    materializePool: { name: 'mzpool', vmSize: 'Standard_E4pds_v6', nodeCount: 2, osDiskSizeGb: 100 },
  },
  postgres: {
    version: '15',
    skuName: 'B_Standard_B1ms',
    storageMb: 32768,
    backupRetentionDays: 7,
    highAvailability: false,
    maxConnections: 200,
    publicAccess: false,
    adminLogin: 'materialize',
    database: 'materialize',
    generatePassword: true,
  },
  storage: {
    tier: 'Standard' as const,
    replication: 'LRS' as const,
    container: 'materialize-persist',
    persistAuth: 'sas' as const,
    sasValidityDays: 180,
    sasRotationDays: 90,
    publicNetworkAccess: false,
  },
  eventHubs: {
    sku: 'Standard' as const,
    capacity: 1,
    partitions: 2,
    retentionDays: 1,
    cluster: { name: 'ingest', size: '25cc', replicationFactor: 1 },
  },
  materialize: {
    instanceName: 'materialize',
    operatorChartVersion: 'v26.12.0',
    requestRollout: '00000000-0000-0000-0000-000000000001',
    rolloutStrategy: 'WaitUntilReady' as const,
    swap: true,
    tls: true,
    environmentdResources: { cpuRequest: '1', memoryRequest: '4095Mi', memoryLimit: '4Gi' },
    balancerdResources: { cpuRequest: '500m', memoryRequest: '256Mi', memoryLimit: '256Mi' },
  },
  charts: { sealedSecrets: '2.18.5', certManager: 'v1.17.1', diskSetupImage: 'v0.4.1' },
  gitops: { branch: 'main', syncIntervalSeconds: 60, fluxExtensionVersion: '1.23.0', auth: 'none' as const, httpsUser: 'git' },
} as const;

/**
 * Operator charts from this version on render a cert-manager Certificate for the
 * operator's webhook by default, so cert-manager must be installed first. The exact
 * first version was not determined upstream; v26.30 introduced the v1 CRD webhook.
 */
export const OPERATOR_NEEDS_CERT_MANAGER_FROM = 'v26.30.0';

function semverTuple(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split(/[.-]/)
    .slice(0, 3)
    .map((p) => Number(p));
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [semverTuple(a), semverTuple(b)];
  for (let i = 0; i < 3; i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

function withMaxCount<P extends { nodeCount: number; maxCount?: number }>(pool: P): P & { maxCount: number } {
  return { ...pool, maxCount: pool.maxCount ?? pool.nodeCount };
}

function resolveTopic(
  t: NonNullable<NonNullable<EnvironmentDefinition['eventHubs']>['topics']>[number],
  defaultCluster: string,
): ResolvedTopic {
  const envelope = t.source?.envelope ?? 'none';
  const cluster = t.source?.cluster ?? defaultCluster;
  return {
    name: t.name,
    partitions: t.partitions ?? DEFAULTS.eventHubs.partitions,
    retentionDays: t.retentionDays ?? DEFAULTS.eventHubs.retentionDays,
    source: {
      name: t.source?.name ?? `${t.name}_raw`,
      valueFormat: t.source?.valueFormat ?? 'json',
      envelope,
      keyFormat: t.source?.keyFormat ?? (envelope === 'upsert' ? 'text' : 'bytes'),
      cluster,
    },
    views: (t.views ?? []).map((v) => ({
      name: v.name,
      cluster: v.cluster ?? cluster,
      skipNullRecords: v.skipNullRecords ?? false,
      columns: v.columns.map((c) => ({ name: c.name, type: c.type, field: c.field ?? c.name })),
    })),
  };
}

/** Applies defaults; does not validate (see validateEnvironment). Tolerates missing sections so validation can name them. */
export function resolveEnvironment(d: EnvironmentDefinition): Environment {
  const n = { ...DEFAULTS.network, ...d.network };
  const aks = d.aks ?? {};
  const pg = { ...DEFAULTS.postgres, ...d.postgres };
  const mz = d.materialize ?? ({} as EnvironmentDefinition['materialize']);
  const operatorChartVersion = mz.operatorChartVersion ?? DEFAULTS.materialize.operatorChartVersion;
  const tls = mz.tls ?? DEFAULTS.materialize.tls;
  const eh = d.eventHubs;
  const clusters = (eh?.clusters ?? [DEFAULTS.eventHubs.cluster]).map((c) => ({
    name: c.name,
    size: c.size ?? DEFAULTS.eventHubs.cluster.size,
    replicationFactor: c.replicationFactor ?? DEFAULTS.eventHubs.cluster.replicationFactor,
  }));
  const state = d.state?.azurerm;
  return {
    name: d.name,
    prefix: d.prefix,
    location: d.location ?? DEFAULTS.location,
    tags: { ...(d.tags ?? {}) },
    allowedClientRanges: [...(d.allowedClientRanges ?? [])],
    network: {
      ...n,
      dnsServiceIp: n.dnsServiceIp ?? tenthAddress(n.serviceCidr),
      sqlLoadBalancerIp: n.sqlLoadBalancerIp ?? fromEnd(n.aksSubnetCidr, 6),
      consoleLoadBalancerIp: n.consoleLoadBalancerIp ?? fromEnd(n.aksSubnetCidr, 7),
    },
    aks: {
      kubernetesVersion: aks.kubernetesVersion ?? DEFAULTS.aks.kubernetesVersion,
      longTermSupport: aks.longTermSupport ?? false,
      nodeOsMaintenance: { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4, ...aks.nodeOsMaintenance },
      networkPolicy: aks.networkPolicy ?? DEFAULTS.aks.networkPolicy,
      systemPool: withMaxCount({ ...DEFAULTS.aks.systemPool, ...aks.systemPool }),
      materializePool: withMaxCount({ ...DEFAULTS.aks.materializePool, ...aks.materializePool }),
      apiServerAuthorizedRanges: [...(aks.apiServerAuthorizedRanges ?? [])],
    },
    postgres: pg,
    storage: { ...DEFAULTS.storage, ...d.storage },
    eventHubs: {
      enabled: (eh?.topics ?? []).length > 0,
      sku: eh?.sku ?? DEFAULTS.eventHubs.sku,
      capacity: eh?.capacity ?? DEFAULTS.eventHubs.capacity,
      topics: (eh?.topics ?? []).map((t) => resolveTopic(t, clusters[0]?.name ?? DEFAULTS.eventHubs.cluster.name)),
      roles: (eh?.roles ?? []).map((r) => ({ name: r.name, selectOn: [...(r.selectOn ?? [])], selectOnAll: r.selectOnAll ?? false })),
      clusters,
    },
    materialize: {
      environmentId: mz.environmentId,
      instanceName: mz.instanceName ?? DEFAULTS.materialize.instanceName,
      operatorChartVersion,
      environmentdVersion: mz.environmentdVersion ?? operatorChartVersion,
      requestRollout: mz.requestRollout ?? DEFAULTS.materialize.requestRollout,
      rolloutStrategy: mz.rolloutStrategy ?? DEFAULTS.materialize.rolloutStrategy,
      swap: mz.swap ?? DEFAULTS.materialize.swap,
      tls,
      certManager: tls || compareVersions(operatorChartVersion, OPERATOR_NEEDS_CERT_MANAGER_FROM) >= 0,
      environmentdResources: { ...DEFAULTS.materialize.environmentdResources, ...mz.environmentdResources },
      balancerdResources: { ...DEFAULTS.materialize.balancerdResources, ...mz.balancerdResources },
      forceEnvironmentIdChange: mz.forceEnvironmentIdChange ?? false,
    },
    charts: { ...DEFAULTS.charts, ...d.charts },
    access: { publicLoadBalancers: d.access?.publicLoadBalancers ?? false },
    gitops: {
      repositoryUrl: d.gitops?.repositoryUrl,
      branch: d.gitops?.branch ?? DEFAULTS.gitops.branch,
      syncIntervalSeconds: d.gitops?.syncIntervalSeconds ?? DEFAULTS.gitops.syncIntervalSeconds,
      fluxExtensionVersion: d.gitops?.fluxExtensionVersion ?? DEFAULTS.gitops.fluxExtensionVersion,
      auth: d.gitops?.auth ?? DEFAULTS.gitops.auth,
      httpsUser: d.gitops?.httpsUser ?? DEFAULTS.gitops.httpsUser,
    },
    names: resolveNames(d),
    dataProtection: d.dataProtection ?? true,
    state: state
      ? {
          azurerm: {
            resourceGroupName: state.resourceGroupName,
            storageAccountName: state.storageAccountName,
            containerName: state.containerName ?? 'tfstate',
            key: state.key ?? `${d.name}.terraform.tfstate`,
          },
        }
      : {},
  };
}

/** AKS's convention for the cluster DNS address; empty when the CIDR is invalid, which validation then names. */
/** The n-th address before the end of a range (Azure reserves the last one). */
function fromEnd(cidr: string, n: number): string {
  const parsed = parseCidr(cidr ?? '');
  return typeof parsed === 'string' ? '' : formatIp(parsed.last - n + 1);
}

function tenthAddress(cidr: string): string {
  const parsed = parseCidr(cidr ?? '');
  return typeof parsed === 'string' ? '' : cidrHost(parsed, 10);
}

/**
 * Azure names derived from the prefix. Storage accounts, PostgreSQL servers and Event Hubs
 * namespaces are global DNS names: when the derived one is taken, override it in `names`.
 */
export function resolveNames(d: EnvironmentDefinition): AzureNames {
  const prefix = d.prefix ?? '';
  const compact = prefix.replace(/-/g, '');
  return {
    resourceGroup: d.names?.resourceGroup ?? `${prefix}-rg`,
    virtualNetwork: `${prefix}-vnet`,
    aksCluster: d.names?.aksCluster ?? `${prefix}-aks`,
    postgresServer: d.names?.postgresServer ?? `${prefix}-pg`,
    storageAccount: d.names?.storageAccount ?? `${compact}persist`,
    eventHubsNamespace: d.names?.eventHubsNamespace ?? `${prefix}-events`,
    /** Flexible Server private DNS zones must end in this suffix. */
    privateDnsZone: `${prefix}.private.postgres.database.azure.com`,
    aksDnsPrefix: aksDnsPrefix(d.names?.aksCluster ?? `${prefix}-aks`),
    aksIdentity: `${prefix}-aks-control-plane`,
    aksEgressIp: `${prefix}-aks-egress`,
    accessDnsZone: `${prefix}.mz.internal`,
    sqlDnsLabel: `${prefix}-sql`,
    consoleDnsLabel: `${prefix}-console`,
  };
}

/**
 * A DNS prefix the provider accepts (`^[a-zA-Z\d][-a-zA-Z\d]{0,52}[a-zA-Z\d]$`,
 * internal/services/containers/validate/kubernetes.go) from a cluster name, which may hold `_`
 * and 63 characters.
 */
export function aksDnsPrefix(clusterName: string): string {
  return (
    clusterName
      .replace(/[^a-zA-Z0-9-]/g, '-')
      .slice(0, 54)
      .replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '') || 'aks'
  );
}

/**
 * The environment model: what a platform engineer writes in `environments/<name>.ts`.
 * Only what nobody but the user can know is required; everything else has a default
 * documented here and applied by `resolveEnvironment`.
 */

export type PersistAuth = 'sas' | 'workloadIdentity';
export type NetworkPolicyEngine = 'azure' | 'cilium';
export type RolloutStrategy = 'WaitUntilReady' | 'ManuallyPromote' | 'ImmediatelyPromoteCausingDowntime';
export type StorageReplication = 'LRS' | 'ZRS' | 'GRS' | 'RAGRS' | 'GZRS' | 'RAGZRS';
export type SourceValueFormat = 'json' | 'text' | 'bytes';
export type SourceEnvelope = 'none' | 'upsert';
export type ColumnType = 'text' | 'int' | 'bigint' | 'double' | 'numeric' | 'boolean' | 'timestamp' | 'timestamptz' | 'jsonb';

export interface NetworkDefinition {
  /** @default '10.0.0.0/16' */
  vnetCidr?: string;
  /** @default '10.0.0.0/20' */
  aksSubnetCidr?: string;
  /** Delegated to PostgreSQL Flexible Server. @default '10.0.16.0/24' */
  postgresSubnetCidr?: string;
  /** Kubernetes Service CIDR; must not overlap the VNet. @default '10.1.0.0/16' */
  serviceCidr?: string;
  /** Must sit inside serviceCidr. @default - the tenth address of serviceCidr */
  dnsServiceIp?: string;
  /**
   * Internal load balancers only: the fixed address of the SQL endpoint, in the AKS subnet (its
   * certificate names `sql.<prefix>.mz.internal`, which a private DNS zone resolves to this).
   * @default - the sixth address from the end of aksSubnetCidr (Azure CNI hands out pod addresses from the start)
   */
  sqlLoadBalancerIp?: string;
  /** Internal load balancers only: the console endpoint's fixed address. @default - the seventh from the end */
  consoleLoadBalancerIp?: string;
}

export interface NodePoolDefinition {
  /**
   * One of model/vm-sizes.ts (synth checks that the pool's pods fit, with 10% headroom, including
   * a rollout's second environmentd). @default 'Standard_B2s' (system pool), 'Standard_E4pds_v6' (Materialize pool)
   */
  vmSize?: string;
  /** Nodes at start (the autoscaler's minimum when maxCount is larger). @default 1 (system pool), 2 (Materialize pool) */
  nodeCount?: number;
  /** Lets the cluster autoscaler add nodes up to this many. @default - nodeCount: no autoscaling */
  maxCount?: number;
  /** @default 'system' (system pool), 'mzpool' (Materialize pool) */
  name?: string;
  /** @default 64 (system pool), 100 (Materialize pool) */
  osDiskSizeGb?: number;
}

export interface AksDefinition {
  /**
   * Pinned, so that Azure never upgrades the control plane behind the repository's back. Synth
   * refuses a minor past AKS's end of life (model/aks-versions.ts) unless longTermSupport is on,
   * and warns 60 days before it. @default '1.36'
   */
  kubernetesVersion?: string;
  /** Long-term support: Premium tier and the AKSLongTermSupport plan, for a minor past its end of life. @default false */
  longTermSupport?: boolean;
  /**
   * When AKS may reimage nodes with a new OS image (its NodeImage channel, which restarts every pod
   * of the Materialize pool): a weekly window, UTC. @default { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4 }
   */
  nodeOsMaintenance?: {
    dayOfWeek?: 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';
    startTime?: string;
    durationHours?: number;
  };
  systemPool?: NodePoolDefinition;
  /** Tainted `materialize=dedicated:NoSchedule`, labelled `materialize-azure-gitops/pool=materialize`. */
  materializePool?: NodePoolDefinition;
  /** Without a network policy engine, NetworkPolicies are ignored. @default 'azure' */
  networkPolicy?: NetworkPolicyEngine;
  /**
   * CIDRs allowed to reach the Kubernetes API server. When set, they must include the machine that
   * runs `cdktf deploy` (Terraform's kubernetes provider writes the sealing key through the API
   * server) and every machine that runs `mzops status`, `doctor` or `deploy --push`.
   * @default - no restriction
   */
  apiServerAuthorizedRanges?: string[];
}

export interface PostgresDefinition {
  /** @default '15' */
  version?: string;
  /** Flexible Server SKU, one azurerm accepts: `B_Standard_B1ms`..`B20ms`, `GP_Standard_D<n>ds_v5`, `MO_Standard_E<n>ds_v5`, ... @default 'B_Standard_B1ms' */
  skuName?: string;
  /** @default 32768 */
  storageMb?: number;
  /** @default 7 */
  backupRetentionDays?: number;
  /** Zone-redundant high availability (not available on Burstable). @default false */
  highAvailability?: boolean;
  /** The seed's troubleshooting raised it to 200. @default 200 */
  maxConnections?: number;
  /**
   * Public endpoint with firewall rules from `allowedClientRanges`, as the seed did.
   * @default false - private access through the delegated subnet and a private DNS zone
   */
  publicAccess?: boolean;
  /** @default 'materialize' */
  adminLogin?: string;
  /** @default 'materialize' */
  database?: string;
  /**
   * Generate the admin password in Terraform. When false, it comes from the sensitive
   * variable TF_VAR_postgres_admin_password.
   * @default true
   */
  generatePassword?: boolean;
}

export interface StorageDefinition {
  /** @default 'Standard' */
  tier?: 'Standard' | 'Premium';
  /** @default 'LRS' */
  replication?: StorageReplication;
  /** @default 'materialize-persist' */
  container?: string;
  /** How Materialize authenticates to Blob Storage. @default 'sas' */
  persistAuth?: PersistAuth;
  /** SAS lifetime; Materialize never refreshes it, so rotate before it ends. @default 180 */
  sasValidityDays?: number;
  /** Terraform issues a new SAS this often, well before the old one expires. @default 90 */
  sasRotationDays?: number;
  /**
   * Reachable from every network. Off, the account admits only the AKS subnet (service endpoint)
   * and the public addresses of allowedClientRanges (for `mzops doctor` and `status`).
   * @default false
   */
  publicNetworkAccess?: boolean;
}

export interface ViewColumnDefinition {
  name: string;
  type: ColumnType;
  /** The JSON field the column is read from. @default - the column name */
  field?: string;
}

export interface ViewDefinition {
  name: string;
  columns: ViewColumnDefinition[];
  /**
   * Skip records whose value is null (`WHERE data IS NOT NULL`). Only for the `none` envelope:
   * under `upsert` a null value deletes its key, so the source never holds one. @default false
   */
  skipNullRecords?: boolean;
  /** The cluster that maintains the view. @default - its source's cluster */
  cluster?: string;
}

export interface SourceDefinition {
  /** @default '<topic>_raw' */
  name?: string;
  /** @default 'json' */
  valueFormat?: SourceValueFormat;
  /** @default 'none' */
  envelope?: SourceEnvelope;
  /** Required by the upsert envelope. @default 'text' when envelope is upsert */
  keyFormat?: SourceValueFormat;
  /** The cluster that ingests the source: one of `eventHubs.clusters`. @default - the first of them */
  cluster?: string;
}

export interface TopicDefinition {
  /** The event hub (Kafka topic) name. */
  name: string;
  /** @default 2 */
  partitions?: number;
  /** @default 1 */
  retentionDays?: number;
  /** The Materialize source reading this topic. @default - a JSON source named `<topic>_raw` */
  source?: SourceDefinition;
  views?: ViewDefinition[];
}

/**
 * A Materialize cluster for the streaming objects. `mz_system`, the default cluster of the
 * `mz_system` login, has no replicas: anything placed there would never run.
 */
export interface ClusterDefinition {
  /** A lowercase SQL identifier, not `mz_*`. */
  name: string;
  /** One of the operator's replica sizes (its chart's `operator.clusters.sizes`). @default '25cc' */
  size?: string;
  /** Replicas; 0 stops the cluster. @default 1 */
  replicationFactor?: number;
}

export interface RoleDefinition {
  name: string;
  /** SELECT on these views or sources, one GRANT each (`GRANT SELECT ON TABLE <name>`). @default [] */
  selectOn?: string[];
  /**
   * SELECT on every relation of schema public, present and future alike
   * (`GRANT SELECT ON ALL TABLES IN SCHEMA public`: in Materialize that covers sources, views and
   * materialized views; no other plural form parses). @default false
   */
  selectOnAll?: boolean;
}

export interface EventHubsDefinition {
  /** The Kafka endpoint needs Standard or above. @default 'Standard' */
  sku?: 'Standard' | 'Premium';
  /** Throughput units on Standard (1-40); processing units on Premium (1, 2, 4, 8 or 16). @default 1 */
  capacity?: number;
  /** @default [] */
  topics?: TopicDefinition[];
  /** Materialize roles created by `mzops sql apply`. @default [] */
  roles?: RoleDefinition[];
  /** Clusters `mzops sql apply` creates for the sources and views. @default [{ name: 'ingest', size: '25cc', replicationFactor: 1 }] */
  clusters?: ClusterDefinition[];
}

export interface ResourceSizing {
  cpuRequest?: string;
  memoryRequest?: string;
  memoryLimit?: string;
}

export interface MaterializeDefinition {
  /**
   * The instance's identity in persist and metadata. Changing it orphans all data:
   * synth refuses a change unless `forceEnvironmentIdChange` is set.
   */
  environmentId: string;
  /** @default 'materialize' */
  instanceName?: string;
  /** Exact chart version, no ranges. @default 'v26.12.0' */
  operatorChartVersion?: string;
  /** environmentd image tag; must be on the operator's version line. @default - the operator chart version */
  environmentdVersion?: string;
  /**
   * A new UUID rolls environmentd out. Leave it to `mzops rollout`, which keeps it in
   * `environments/<name>.mzops.json` (that file wins over this one). @default '00000000-0000-0000-0000-000000000001'
   */
  requestRollout?: string;
  /** @default 'WaitUntilReady' */
  rolloutStrategy?: RolloutStrategy;
  /** Swap on the pool's local NVMe (disk-setup DaemonSet + node label). @default true */
  swap?: boolean;
  /**
   * TLS for balancerd, the console and internal traffic, from a CA cert-manager creates in the
   * cluster (`mzops ca <env>` fetches it for clients). Without it, passwords cross the load
   * balancer in clear. @default true
   */
  tls?: boolean;
  /** @default { cpuRequest: '1', memoryRequest: '4095Mi', memoryLimit: '4Gi' } */
  environmentdResources?: ResourceSizing;
  /** @default { cpuRequest: '500m', memoryRequest: '256Mi', memoryLimit: '256Mi' } */
  balancerdResources?: ResourceSizing;
  /** Acknowledge that environmentId changed on purpose (a fresh start). @default false */
  forceEnvironmentIdChange?: boolean;
}

export interface ChartVersionsDefinition {
  /** @default '2.18.5' */
  sealedSecrets?: string;
  /** @default 'v1.17.1' */
  certManager?: string;
  /** @default 'v0.4.1' */
  diskSetupImage?: string;
}

export interface AccessDefinition {
  /**
   * Public Azure load balancers for SQL and the console, limited to `allowedClientRanges`.
   * @default false - internal load balancers, reachable from the VNet only
   */
  publicLoadBalancers?: boolean;
}

export interface GitOpsDefinition {
  /** The repository Flux pulls, `https://` or `ssh://`. */
  repositoryUrl: string;
  /** @default 'main' */
  branch?: string;
  /** @default 60 */
  syncIntervalSeconds?: number;
  /** Pinned microsoft.flux extension version. @default '1.23.0' */
  fluxExtensionVersion?: string;
  /**
   * How Flux authenticates to the repository. 'https': user `httpsUser` with a token from
   * TF_VAR_git_https_token; 'ssh': a key from TF_VAR_git_ssh_private_key and known hosts from
   * TF_VAR_git_ssh_known_hosts. Secrets enter only as sensitive Terraform variables.
   * @default 'none' - a public repository
   */
  auth?: 'none' | 'https' | 'ssh';
  /** The HTTPS user name (for GitHub, any non-empty name). @default 'git' */
  httpsUser?: string;
}

export interface AzurermStateDefinition {
  resourceGroupName: string;
  storageAccountName: string;
  /** @default 'tfstate' */
  containerName?: string;
  /** @default '<environment>.terraform.tfstate' */
  key?: string;
}

/** Overrides for Azure names that are derived from the prefix. */
export interface AzureNameOverrides {
  /** @default '<prefix>-rg' */
  resourceGroup?: string;
  /** @default '<prefix>-aks' */
  aksCluster?: string;
  /** Global DNS name, 3-63 lowercase letters, digits and hyphens. @default '<prefix>-pg' */
  postgresServer?: string;
  /** Global DNS name, 3-24 lowercase letters and digits. @default '<prefix without hyphens>persist' */
  storageAccount?: string;
  /** Global DNS name, 6-50 letters, digits and hyphens. @default '<prefix>-events' */
  eventHubsNamespace?: string;
}

export interface AzureNames extends Required<AzureNameOverrides> {
  virtualNetwork: string;
  privateDnsZone: string;
  /** The cluster's DNS prefix: cluster names may hold `_` and 63 characters, prefixes neither. */
  aksDnsPrefix: string;
  /** The AKS control plane's user-assigned identity (it needs rights on the subnet before the cluster exists). */
  aksIdentity: string;
  /** The static public IP AKS egress leaves from (what public PostgreSQL admits). */
  aksEgressIp: string;
  /** Internal load balancers: the private DNS zone that names the endpoints. */
  accessDnsZone: string;
  /** Public load balancers: the Azure DNS labels (`<label>.<region>.cloudapp.azure.com`). */
  sqlDnsLabel: string;
  consoleDnsLabel: string;
}

export interface EnvironmentDefinition {
  /** Stack name and `dist/` folder: lowercase letters, digits and hyphens. */
  name: string;
  /** Naming prefix for every Azure resource; globally unique names (storage, PostgreSQL, Event Hubs) derive from it. */
  prefix: string;
  /** @default 'eastus2' */
  location?: string;
  /** @default - derived from the prefix */
  names?: AzureNameOverrides;
  /** Extra tags on every taggable resource (environment and managed-by are always set). @default {} */
  tags?: Record<string, string>;
  /** CIDRs of the clients allowed to reach SQL and the console (and public PostgreSQL). @default [] */
  allowedClientRanges?: string[];
  network?: NetworkDefinition;
  aks?: AksDefinition;
  postgres?: PostgresDefinition;
  storage?: StorageDefinition;
  eventHubs?: EventHubsDefinition;
  materialize: MaterializeDefinition;
  charts?: ChartVersionsDefinition;
  access?: AccessDefinition;
  gitops: GitOpsDefinition;
  /**
   * `prevent_destroy` on the PostgreSQL server, the storage account and its container.
   * @default true
   */
  dataProtection?: boolean;
  /** @default - local state in `terraform.<environment>.tfstate` */
  state?: { azurerm?: AzurermStateDefinition };
}

type DeepRequired<T> = T extends (infer U)[] ? DeepRequired<U>[] : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

/** A validated environment with every default applied. */
export interface Environment {
  name: string;
  prefix: string;
  location: string;
  names: AzureNames;
  tags: Record<string, string>;
  allowedClientRanges: string[];
  network: Required<NetworkDefinition>;
  aks: {
    kubernetesVersion: string;
    longTermSupport: boolean;
    nodeOsMaintenance: { dayOfWeek: string; startTime: string; durationHours: number };
    systemPool: Required<NodePoolDefinition>;
    materializePool: Required<NodePoolDefinition>;
    networkPolicy: NetworkPolicyEngine;
    apiServerAuthorizedRanges: string[];
  };
  postgres: Required<PostgresDefinition>;
  storage: Required<StorageDefinition>;
  eventHubs: {
    enabled: boolean;
    sku: 'Standard' | 'Premium';
    capacity: number;
    topics: ResolvedTopic[];
    roles: DeepRequired<RoleDefinition>[];
    clusters: Required<ClusterDefinition>[];
  };
  materialize: Required<Omit<MaterializeDefinition, 'environmentdResources' | 'balancerdResources'>> & {
    environmentdResources: Required<ResourceSizing>;
    balancerdResources: Required<ResourceSizing>;
    /** cert-manager is installed when TLS is on or the operator chart needs it. */
    certManager: boolean;
  };
  charts: Required<ChartVersionsDefinition>;
  access: Required<AccessDefinition>;
  gitops: Required<GitOpsDefinition>;
  dataProtection: boolean;
  state: { azurerm?: Required<AzurermStateDefinition> };
}

export interface ResolvedTopic {
  name: string;
  partitions: number;
  retentionDays: number;
  source: Required<SourceDefinition>;
  views: { name: string; columns: Required<ViewColumnDefinition>[]; skipNullRecords: boolean; cluster: string }[];
}

/** Identity function that gives `environments/*.ts` files type checking and editor help. */
export function defineEnvironment(definition: EnvironmentDefinition): EnvironmentDefinition {
  return definition;
}

/**
 * The environment model: what a platform engineer writes in `environments/<name>.ts`, declared once.
 * Each field below carries its type, its default, its rules and an example in one declaration, and
 * the JSDoc on it is what editors show while the file is written (`EnvironmentDefinition` maps over
 * these very properties). Only what nobody but the user can know is required.
 *
 * Rules that read one field live on the field; rules that relate fields or environments live in
 * validate.ts and load.ts, where they all sit together.
 */
import { DEFAULT_AKS_MINOR } from './aks-versions';
import { AZURE_REGIONS } from './azure-regions';
import { cidrHost, formatIp, parseCidr } from './cidr';
import { WIDEST_CLIENT_PREFIX } from './contract';
import { REPLICA_SIZES } from './generated/operator-chart-defaults';
import { DEFAULT_CERT_MANAGER_VERSION } from './cert-manager-versions';
import { DEFAULT_OPERATOR_VERSION } from './operator-versions';
import { nearestKey } from './nearest';
import { MIN_SUPPRESSION_REASON, POLICY_RULES } from './policy';
import { s, type Infer, type ResolveContext, type Resolved } from './shape';

/** A lowercase UUID: environmentId, requestRollout. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const VM_SIZE = /^Standard_[A-Z][A-Za-z0-9]*(_v\d+)?$/;
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
export const EXACT_V_SEMVER = /^v\d+\.\d+\.\d+$/;
const EXACT_SEMVER = /^\d+\.\d+\.\d+$/;
const K8S_QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
/**
 * Flexible Server SKUs exactly as azurerm 4.x accepts them
 * (internal/services/postgres/validate/flexible_server_sku_name.go): a SKU outside it fails plan.
 */
const PG_SKU =
  /^((B_Standard_B((1|2|4|8|12|16|20)ms|2s))|(GP_Standard_D(((2|4|8|16|32|48|64)s_v3)|((2|4|8|16|32|48|64)ds_v4)|((2|4|8|16|32|48|64|96)ds_v5)|((2|4|8|16|32|48|64|96)ads_v5)|(C(2|4|8|16|32|48|64|96)ads_v5)))|(MO_Standard_E((((2|4|8|16|20|32|48|64)s)_v3)|((2|4|6|8|16|20|32|48|64)ds_v4)|((2|4|8|16|20|32|48|64|96)ds_v5)|((2|4|8|16|32|48|64|96)ads_v5))))$/;
const PG_VERSIONS = ['13', '14', '15', '16', '17'];
const PG_STORAGE_MB = [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408];
/** Every Flexible Server has these databases (PostgreSQL's own and Azure's): the catalog needs a database of its own. */
const PG_EXISTING_DATABASES = ['postgres', 'template0', 'template1', 'azure_maintenance', 'azure_sys'];
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const REGION_SYNTAX = /^[a-z]+[a-z0-9]*$/;
/** Azure CNI powered by Cilium, as Materialize's own modules default to (NPM's Linux support ends 2028-09-30). */
export const DEFAULT_NETWORK_POLICY = 'cilium';
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

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

/** The n-th address before the end of a range (Azure reserves the last one); empty when the CIDR is invalid, which its rule names. */
function fromEnd(cidr: string, n: number): string {
  const parsed = parseCidr(cidr);
  return typeof parsed === 'string' ? '' : formatIp(parsed.last - n + 1);
}

/** A CIDR field: well-formed, then aligned (the second rule stays quiet on a syntax error). */
const cidr = (example: string) =>
  s
    .string()
    .rule((v) => parseCidr(v) !== 'syntax', 'must be an IPv4 CIDR a.b.c.d/n')
    .rule((v) => parseCidr(v) !== 'unaligned', 'must start at its network address (host bits zero)')
    .example(example);

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const entraObjectId = s
  .string()
  .pattern(UUID, 'must be an Entra object ID (a UUID: az ad user show --id <upn> --query id)')
  .example('"3f2504e0-4f89-41d3-9a0c-0305e82c3301"');
const clientRange = cidr('"203.0.113.0/24"').rule((v) => {
  const c = parseCidr(v);
  return typeof c === 'string' || c.prefix >= WIDEST_CLIENT_PREFIX;
}, `must be a /${WIDEST_CLIENT_PREFIX} or narrower: list the client networks, not the internet`);

const nodePoolName = (name: string) =>
  s
    .string()
    .pattern(/^[a-z][a-z0-9]{0,11}$/, 'must be 1-12 lowercase letters and digits, starting with a letter (Linux node pool rule)')
    .default(name)
    .example(`"${name}"`);

/** A node pool; the system and the Materialize pool differ only in their defaults. */
type PoolDefault<T> = T | ((context: ResolveContext) => T);

/** A node pool; the system and the Materialize pool differ only in their defaults. */
const nodePool = (d: {
  name: string;
  vmSize: PoolDefault<string>;
  vmSizeExample: string;
  nodeCount: PoolDefault<number>;
  maxCount: PoolDefault<number>;
  osDiskSizeGb: number;
}) =>
  s.object({
    /**
     * One of model/vm-sizes.ts (synth checks that the pool's pods fit, with 10% headroom, including a
     * rollout's next generation). @default 'Standard_D4ds_v5' (system pool; 'Standard_B2s' with
     * aks.throwawaySystemPool), 'Standard_E4pds_v6' (Materialize pool)
     */
    vmSize: s
      .string()
      .pattern(VM_SIZE, 'must be an Azure VM size of the form Standard_<series><size>[_v<n>]')
      .default(d.vmSize)
      .example(`"${d.vmSizeExample}"`),
    /** Nodes at start (the autoscaler's minimum when maxCount is larger). @default 2 (system pool; 1 with aks.throwawaySystemPool), 2 (Materialize pool) */
    nodeCount: s.int().range(1, 1000).default(d.nodeCount).example('2'),
    /** Lets the cluster autoscaler add nodes up to this many. @default 5 (system pool, as Materialize's Azure example; nodeCount with aks.throwawaySystemPool), - nodeCount (Materialize pool): no autoscaling */
    maxCount: s.int().default(d.maxCount).example('4'),
    /** @default 'system' (system pool), 'mzpool' (Materialize pool) */
    name: nodePoolName(d.name),
    /** @default 64 (system pool), 100 (Materialize pool) */
    osDiskSizeGb: s.int().range(30, 2048).default(d.osDiskSizeGb).example(String(d.osDiskSizeGb)),
  });

const quantity = (value: string, example: string) =>
  s.string().pattern(K8S_QUANTITY, 'must be a Kubernetes quantity').default(value).example(example);

/** Requests and limits of one Materialize pod. */
const sizing = (d: { cpuRequest: string; memoryRequest: string; memoryLimit: string }) =>
  s
    .object({
      /** A Kubernetes CPU quantity. @default '1' (environmentd), '500m' (balancerd) */
      cpuRequest: quantity(d.cpuRequest, '"1" or "500m"'),
      /** @default '4095Mi' (environmentd), '256Mi' (balancerd) */
      memoryRequest: quantity(d.memoryRequest, '"4Gi"'),
      /** @default '4Gi' (environmentd), '256Mi' (balancerd) */
      memoryLimit: quantity(d.memoryLimit, '"4Gi"'),
    })
    .defaultEmpty();

const valueFormat = s.enum(['json', 'text', 'bytes']);
const sqlName = (example: string) => s.string().pattern(SQL_IDENTIFIER, 'must be a lowercase SQL identifier').example(example);
const notMz = (example: string) =>
  s
    .string()
    .rule((v) => SQL_IDENTIFIER.test(v) && !v.startsWith('mz_'), 'must be a lowercase SQL identifier not starting with mz_')
    .example(example);

const column = s.object({
  /** The column's name in the view, a lowercase SQL identifier. */
  name: sqlName('"order_id"'),
  /** The SQL type the JSON field is cast to. */
  type: s.enum(['text', 'int', 'bigint', 'double', 'numeric', 'boolean', 'timestamp', 'timestamptz', 'jsonb']),
  /** The JSON field the column is read from. @default - the column name */
  field: s.string().default(({ parent }) => parent.name),
});

const view = s.object({
  /** The view's name, a lowercase SQL identifier. */
  name: sqlName('"orders"'),
  /** What the view selects from the JSON value, one column per field. */
  columns: s
    .array(column)
    .rule((c) => c.length > 0, 'must list at least one column')
    .example('[{ name: "order_id", type: "text" }]'),
  /**
   * Skip records whose value is null (`WHERE data IS NOT NULL`). Only for the `none` envelope:
   * under `upsert` a null value deletes its key, so the source never holds one. @default false
   */
  skipNullRecords: s.boolean().default(false),
  /** The cluster that maintains the view. @default - its source's cluster */
  cluster: s.string().default(({ ancestors }) => ancestors[ancestors.length - 1].source.cluster),
});

const source = s
  .object({
    /** @default '<topic>_raw' */
    name: sqlName('"orders_raw"').default(({ ancestors }) => `${ancestors[ancestors.length - 1].name}_raw`),
    /** @default 'json' */
    valueFormat: valueFormat.default('json'),
    /** @default 'none' */
    envelope: s.enum(['none', 'upsert']).default('none'),
    /** Required by the upsert envelope. @default 'text' when envelope is upsert, else 'bytes' */
    keyFormat: valueFormat.default(({ parent }) => (parent.envelope === 'upsert' ? 'text' : 'bytes')),
    /** The cluster that ingests the source: one of `eventHubs.clusters`. @default - the first of them */
    cluster: s.string().default(({ root }) => root.eventHubs.clusters[0]?.name ?? 'ingest'),
  })
  .defaultEmpty();

const topic = s.object({
  /** The event hub (Kafka topic) name. */
  name: s
    .string()
    .pattern(
      /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,254}[a-zA-Z0-9])?$/,
      'must be 1-256 letters, digits, periods, hyphens or underscores, starting and ending alphanumeric',
    )
    .example('"orders"'),
  /** @default 2 */
  partitions: s.int().default(2).example('4'),
  /** @default 1 */
  retentionDays: s.int().default(1).example('1'),
  /** The Materialize source reading this topic. @default - a JSON source named `<topic>_raw` */
  source,
  /** @default [] */
  views: s.array(view).default([]),
});

/**
 * A Materialize cluster for the streaming objects. `mz_system`, the default cluster of the
 * `mz_system` login, has no replicas: anything placed there would never run.
 */
const cluster = s.object({
  /** A lowercase SQL identifier, not `mz_*`. */
  name: notMz('"ingest"'),
  /** One of the operator's replica sizes (its chart's `operator.clusters.sizes`). @default '25cc' */
  size: s
    .string()
    .rule(
      (v) => v in REPLICA_SIZES && v !== 'mz_probe',
      `must be one of the operator's replica sizes (${Object.keys(REPLICA_SIZES)
        .filter((x) => x !== 'mz_probe')
        .join(', ')})`,
    )
    .default('25cc')
    .example('"25cc"'),
  /** Replicas; 0 stops the cluster. @default 1 */
  replicationFactor: s.int().range(0, 5).default(1).example('1'),
});

const role = s.object({
  /** A lowercase SQL identifier, not `mz_*`. Its password comes from MZ_ROLE_PASSWORD_<NAME>. */
  name: notMz('"analyst"'),
  /** SELECT on these views or sources, one GRANT each (`GRANT SELECT ON TABLE <name>`). @default [] */
  selectOn: s.array(s.string()).default([]),
  /**
   * SELECT on every relation of schema public, present and future alike
   * (`GRANT SELECT ON ALL TABLES IN SCHEMA public`: in Materialize that covers sources, views and
   * materialized views; no other plural form parses). @default false
   */
  selectOnAll: s.boolean().default(false),
});

export const ENVIRONMENT_SCHEMA = s.object({
  /** Stack name and `dist/` folder: lowercase letters, digits and hyphens. */
  name: s
    .string()
    .pattern(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, 'must be 2-24 lowercase letters, digits or hyphens, starting with a letter')
    .required('is required: the environment name, as the file is named')
    .example('"staging"'),
  /** Naming prefix for every Azure resource; globally unique names (storage, PostgreSQL, Event Hubs) derive from it. */
  prefix: s
    .string()
    .pattern(/^[a-z][a-z0-9-]{1,14}[a-z0-9]$/, 'must be 3-16 lowercase letters, digits or hyphens, starting with a letter')
    .required('is required: the prefix every Azure name derives from')
    .example('"mzstaging"'),
  /** An Azure region's programmatic name (`az account list-locations -o table`, column Name). @default 'eastus2' */
  location: s
    .string()
    .pattern(REGION_SYNTAX, 'must be an Azure region name (lowercase, no spaces)')
    // A name of the wrong form has its own message above; this one is for a well-formed name Azure lacks.
    .rule(
      (v) => !REGION_SYNTAX.test(v) || AZURE_REGIONS.includes(v),
      (v) => {
        const near = nearestKey(v, AZURE_REGIONS);
        return `is not an Azure region (model/azure-regions.ts, from az account list-locations)${near ? `: did you mean "${near}"?` : ''}`;
      },
    )
    .default('eastus2')
    .example('"eastus2"'),
  /**
   * Azure names, derived from the prefix; override one when it is taken. Storage accounts,
   * PostgreSQL servers and Event Hubs namespaces are global DNS names. @default - derived from the prefix
   */
  names: s
    .object({
      /** @default '<prefix>-rg' */
      resourceGroup: s
        .string()
        .pattern(RESOURCE_GROUP, 'must be 1-90 letters, digits, hyphens, underscores, periods or parentheses, not ending in a period')
        .default(({ root }) => `${root.prefix}-rg`)
        .example('"mzstaging-rg"'),
      virtualNetwork: s.computed(({ root }) => `${root.prefix}-vnet`),
      /** @default '<prefix>-aks' */
      aksCluster: s
        .string()
        .pattern(
          /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9]$/,
          'must be 2-63 letters, digits, hyphens or underscores, starting and ending alphanumeric',
        )
        .default(({ root }) => `${root.prefix}-aks`)
        .example('"mzstaging-aks"'),
      /** Global DNS name, 3-63 lowercase letters, digits and hyphens. @default '<prefix>-pg' */
      postgresServer: s
        .string()
        .pattern(
          /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
          'must be 3-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
        )
        .default(({ root }) => `${root.prefix}-pg`)
        .example('"mzstaging-pg"'),
      /** Global DNS name, 3-24 lowercase letters and digits. @default '<prefix without hyphens>persist' */
      storageAccount: s
        .string()
        .pattern(STORAGE_ACCOUNT, 'must be 3-24 lowercase letters and digits (set names.storageAccount or shorten the prefix)')
        .default(({ root }) => `${root.prefix.replace(/-/g, '')}persist`)
        .example('"mzstagingpersist"'),
      /** Global DNS name, 6-50 letters, digits and hyphens. @default '<prefix>-events' */
      eventHubsNamespace: s
        .string()
        .pattern(
          /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/,
          'must be 6-50 letters, digits or hyphens, starting with a letter and ending with a letter or digit',
        )
        .default(({ root }) => `${root.prefix}-events`)
        .example('"mzstaging-events"'),
      /** Flexible Server private DNS zones must end in this suffix. */
      privateDnsZone: s.computed(({ root }) => `${root.prefix}.private.postgres.database.azure.com`),
      /** The cluster's DNS prefix: cluster names may hold `_` and 63 characters, prefixes neither. */
      aksDnsPrefix: s.computed(({ parent }) => aksDnsPrefix(parent.aksCluster)),
      /** The AKS control plane's user-assigned identity (it needs rights on the subnet before the cluster exists). */
      aksIdentity: s.computed(({ root }) => `${root.prefix}-aks-control-plane`),
      /** The static public IP AKS egress leaves from (what public PostgreSQL admits). */
      aksEgressIp: s.computed(({ root }) => `${root.prefix}-aks-egress`),
      /** Internal load balancers: the private DNS zone that names the endpoints. */
      accessDnsZone: s.computed(({ root }) => `${root.prefix}.mz.internal`),
      /** Public load balancers: the Azure DNS labels (`<label>.<region>.cloudapp.azure.com`). */
      sqlDnsLabel: s.computed(({ root }) => `${root.prefix}-sql`),
      consoleDnsLabel: s.computed(({ root }) => `${root.prefix}-console`),
      /** The Azure Monitor workspace, its data collection endpoint and rule (observability). */
      metrics: s.computed(({ root }) => `${root.prefix}-metrics`),
      /** Azure Managed Grafana: 2-23 letters, digits and hyphens (azurerm), so a 16-character prefix gets `-gf`. */
      grafana: s.computed(({ root }) => (`${root.prefix}-grafana`.length <= 23 ? `${root.prefix}-grafana` : `${root.prefix}-gf`)),
      /** The alerts' action group; its short name (at most 12 characters) is the prefix's first 12. */
      alertActionGroup: s.computed(({ root }) => `${root.prefix}-alerts`),
    })
    .defaultEmpty(),
  /** Extra tags on every taggable resource (environment and managed-by are always set). @default {} */
  tags: s.record(s.string()).default({}),
  /** CIDRs of the clients allowed to reach SQL and the console (and public PostgreSQL). @default [] */
  allowedClientRanges: s.array(clientRange).default([]),
  /** The VNet and its subnets, the cluster's service range and the internal load balancers' addresses. */
  network: s
    .object({
      /** @default '10.0.0.0/16' */
      vnetCidr: cidr('"10.0.0.0/16"').default('10.0.0.0/16'),
      /** @default '10.0.0.0/20' */
      aksSubnetCidr: cidr('"10.0.0.0/20"').default('10.0.0.0/20'),
      /** Delegated to PostgreSQL Flexible Server. @default '10.0.16.0/24' */
      postgresSubnetCidr: cidr('"10.0.16.0/24"')
        .rule((v) => {
          const c = parseCidr(v);
          return typeof c === 'string' || c.prefix <= 28;
        }, 'must be /28 or larger (Flexible Server needs room in its delegated subnet)')
        .default('10.0.16.0/24'),
      /** Kubernetes Service CIDR; must not overlap the VNet. @default '10.1.0.0/16' */
      serviceCidr: cidr('"10.1.0.0/16"').default('10.1.0.0/16'),
      /** Must sit inside serviceCidr. @default - the tenth address of serviceCidr */
      dnsServiceIp: s
        .string()
        .default(({ parent }) => {
          const c = parseCidr(parent.serviceCidr);
          return typeof c === 'string' ? '' : cidrHost(c, 10);
        })
        .example('"10.1.0.10"'),
      /**
       * Internal load balancers only: the fixed address of the SQL endpoint, in the AKS subnet (its
       * certificate names `sql.<prefix>.mz.internal`, which a private DNS zone resolves to this).
       * @default - the sixth address from the end of aksSubnetCidr (Azure CNI hands out pod addresses from the start)
       */
      sqlLoadBalancerIp: s
        .string()
        .default(({ parent }) => fromEnd(parent.aksSubnetCidr, 6))
        .example('"10.0.15.250"'),
      /** Internal load balancers only: the console endpoint's fixed address. @default - the seventh from the end */
      consoleLoadBalancerIp: s
        .string()
        .default(({ parent }) => fromEnd(parent.aksSubnetCidr, 7))
        .example('"10.0.15.249"'),
    })
    .defaultEmpty(),
  /** The AKS cluster: version, maintenance window, node pools, network policy, API server access. */
  aks: s
    .object({
      /**
       * Pinned, so that Azure never upgrades the control plane behind the repository's back. Synth
       * refuses a minor past AKS's end of life (model/aks-versions.ts) unless longTermSupport is on,
       * and warns 60 days before it. @default '1.36'
       */
      kubernetesVersion: s
        .string()
        .pattern(/^1\.(2[89]|[3-9]\d)(\.\d+)?$/, 'must be an exact AKS version 1.28 or newer (major.minor or major.minor.patch)')
        .default(DEFAULT_AKS_MINOR)
        .example(`"${DEFAULT_AKS_MINOR}"`),
      /** Long-term support: Premium tier and the AKSLongTermSupport plan, for a minor past its end of life. @default false */
      longTermSupport: s.boolean().default(false),
      /**
       * When AKS may reimage nodes with a new OS image (its NodeImage channel, which restarts every pod
       * of the Materialize pool): a weekly window, UTC. @default { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4 }
       */
      nodeOsMaintenance: s
        .object({
          /** @default 'Sunday' */
          dayOfWeek: s.enum(DAYS).default('Sunday'),
          /** HH:MM, UTC. @default '02:00' */
          startTime: s
            .string()
            .pattern(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, UTC')
            .default('02:00')
            .example('"02:00"'),
          /** AKS requires at least 4 hours. @default 4 */
          durationHours: s
            .int()
            .range(4, 24, 'must be a whole number of hours from 4 to 24 (AKS requires at least 4)')
            .default(4)
            .example('4'),
        })
        .defaultEmpty(),
      /**
       * The predecessor's single Standard_B2s system node, for an environment meant to be thrown away:
       * AKS supports no system pool under two nodes, four vCPUs and 4 GB, nor a B-series one
       * (MicrosoftDocs/azure-aks-docs, use-system-pools.md), and one reimage takes CoreDNS, Flux,
       * sealed-secrets, cert-manager and the operator down together. Synth warns on every run.
       * @default false
       */
      throwawaySystemPool: s.boolean().default(false),
      /** Runs AKS's add-ons and the Materialize operator: two or more nodes of four or more vCPUs, not B-series, autoscaling. */
      systemPool: nodePool({
        name: 'system',
        vmSize: ({ ancestors }) =>
          (ancestors[ancestors.length - 1] as { throwawaySystemPool: boolean }).throwawaySystemPool ? 'Standard_B2s' : 'Standard_D4ds_v5',
        vmSizeExample: 'Standard_D4ds_v5',
        nodeCount: ({ ancestors }) => ((ancestors[ancestors.length - 1] as { throwawaySystemPool: boolean }).throwawaySystemPool ? 1 : 2),
        maxCount: ({ parent, ancestors }) =>
          (ancestors[ancestors.length - 1] as { throwawaySystemPool: boolean }).throwawaySystemPool ? (parent.nodeCount as number) : 5,
        osDiskSizeGb: 64,
      }).defaultEmpty(),
      /** Tainted `materialize=dedicated:NoSchedule`, labelled `materialize-azure-gitops/pool=materialize`. */
      // Upstream's Azure example: E4pds_v6; two E2pds_v6 cannot hold environmentd, balancerd, console and clusterd.
      materializePool: nodePool({
        name: 'mzpool',
        vmSize: 'Standard_E4pds_v6',
        vmSizeExample: 'Standard_E4pds_v6',
        nodeCount: 2,
        maxCount: ({ parent }) => parent.nodeCount as number,
        osDiskSizeGb: 100,
      }).defaultEmpty(),
      /**
       * What enforces NetworkPolicies: 'cilium' (Azure CNI powered by Cilium, as Materialize's
       * modules default to) or 'azure' (Azure Network Policy Manager, whose Linux support ends
       * 2028-09-30). Changing it replaces the AKS cluster, so an environment that leaves it unset
       * keeps the engine its committed `dist/<environment>/` was made with ('azure' for output
       * from before this default), and synth says so.
       * @default 'cilium' (a new environment), else the engine its committed output records
       */
      networkPolicy: s.enum(['azure', 'cilium']).default(DEFAULT_NETWORK_POLICY),
      /**
       * CIDRs allowed to reach the Kubernetes API server. When set, they must include the machine that
       * runs `cdktf deploy` (Terraform's kubernetes provider writes the sealing key through the API
       * server) and every machine that runs `mzops status`, `doctor` or `deploy --push`.
       * @default [] - no restriction
       */
      apiServerAuthorizedRanges: s.array(clientRange).default([]),
    })
    .defaultEmpty(),
  /** The PostgreSQL Flexible Server that holds Materialize's metadata. */
  postgres: s
    .object({
      /** @default '15' */
      version: s.string().oneOf(PG_VERSIONS).default('15').example('"15"'),
      /** Flexible Server SKU, one azurerm accepts: `B_Standard_B1ms`..`B20ms`, `GP_Standard_D<n>ds_v5`, `MO_Standard_E<n>ds_v5`, ... @default 'B_Standard_B1ms' */
      skuName: s
        .string()
        .pattern(
          PG_SKU,
          'must be a Flexible Server SKU azurerm accepts (B_Standard_B1ms..B20ms, GP_Standard_D<n>ds_v5, MO_Standard_E<n>ds_v5, ...)',
        )
        .default('B_Standard_B1ms')
        .example('"B_Standard_B1ms"'),
      /** One of Azure's storage sizes. @default 32768 */
      storageMb: s
        .int()
        .oneOf(PG_STORAGE_MB, `must be one of Azure's sizes ${PG_STORAGE_MB.join(', ')}`)
        .default(32768)
        .example('32768'),
      /** @default 7 */
      backupRetentionDays: s.int().range(7, 35).default(7).example('7'),
      /** Zone-redundant high availability (not available on Burstable). @default false */
      highAvailability: s.boolean().default(false),
      /** The seed's troubleshooting raised it to 200; at most four times the SKU's own default. @default 200 */
      maxConnections: s.int().default(200).example('200'),
      /**
       * Public endpoint with firewall rules from `allowedClientRanges`, as the seed did.
       * @default false - private access through the delegated subnet and a private DNS zone
       */
      publicAccess: s.boolean().default(false),
      /**
       * statement_timeout of Materialize's catalog connection (added to metadata_backend_url, as
       * Materialize's own Azure example does). A PostgreSQL duration. @default '15min'
       */
      statementTimeout: s
        .string()
        .pattern(/^\d+(ms|s|min|h|d)$/, 'must be a PostgreSQL duration such as "15min" or "900s"')
        .default('15min')
        .example('"15min"'),
      /** @default 'materialize' */
      adminLogin: s
        .string()
        // azurerm's AdminUsernames (internal/services/postgres/validate/admin_usernames.go) refuses these
        // and the pg_ prefix; postgres is PostgreSQL's own superuser.
        .pattern(
          /^(?!azure_|pg_|admin$|administrator$|root$|guest$|public$|postgres$)[a-z][a-z0-9_]{0,62}$/,
          'must be a lowercase PostgreSQL role name that Azure allows (not admin, administrator, root, guest, public, postgres, azure_*, pg_*)',
        )
        .default('materialize')
        .example('"materialize"'),
      /** @default 'materialize' */
      database: s
        .string()
        .pattern(SQL_IDENTIFIER, 'must be a lowercase PostgreSQL identifier')
        .rule(
          (v) => !PG_EXISTING_DATABASES.includes(v),
          `must not be one of the databases every Flexible Server has (${PG_EXISTING_DATABASES.join(', ')})`,
        )
        .default('materialize')
        .example('"materialize"'),
      /**
       * Generate the admin password in Terraform. When false, it comes from the sensitive
       * variable TF_VAR_postgres_admin_password.
       * @default true
       */
      generatePassword: s.boolean().default(true),
    })
    .defaultEmpty(),
  /** The Blob Storage account and container that hold Materialize's persist data. */
  storage: s
    .object({
      /** @default 'Standard' */
      tier: s.enum(['Standard', 'Premium']).default('Standard'),
      /** @default 'LRS' */
      replication: s.enum(['LRS', 'ZRS', 'GRS', 'RAGRS', 'GZRS', 'RAGZRS']).default('LRS'),
      /** @default 'materialize-persist' */
      container: s
        .string()
        .pattern(/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'must be 3-63 lowercase letters, digits or single hyphens')
        .default('materialize-persist')
        .example('"materialize-persist"'),
      /** How Materialize authenticates to Blob Storage. @default 'sas' */
      persistAuth: s.enum(['sas', 'workloadIdentity']).default('sas'),
      /** SAS lifetime; Materialize never refreshes it, so rotate before it ends. @default 180 */
      sasValidityDays: s.int().range(7, 365).default(180).example('180'),
      /** Terraform issues a new SAS this often, well before the old one expires. @default 90 */
      sasRotationDays: s.int().default(90).example('90'),
      /**
       * Reachable from every network. Off, the account admits only the AKS subnet (service endpoint)
       * and the public addresses of allowedClientRanges (for `mzops doctor` and `status`).
       * @default false
       */
      publicNetworkAccess: s.boolean().default(false),
      /**
       * Keep deleted and overwritten persist blobs for postgres.backupRetentionDays + 7 days (blob
       * versioning, a lifecycle rule that removes older versions, container soft delete), so a
       * point-in-time restore of the metadata database can bring back the blobs it references:
       * Materialize's backup-and-restore guide asks for versioning before the first start and
       * noncurrent versions kept for the backup retention plus at least 7 days. Off saves the
       * storage those versions take; a restore then finds blobs missing.
       * @default true
       */
      blobRecovery: s.boolean().default(true),
    })
    .defaultEmpty(),
  /** Event Hubs as Kafka: topics, and the Materialize sources, views, clusters and roles `mzops sql apply` creates. */
  eventHubs: s
    .object({
      /** Whether there is anything to stream: a namespace is created only for topics. */
      enabled: s.computed(({ root }) => (root.eventHubs.topics as unknown[]).length > 0),
      /** The Kafka endpoint needs Standard or above (Basic has none). @default 'Standard' */
      sku: s.enum(['Standard', 'Premium']).default('Standard'),
      /** Throughput units on Standard (1-40); processing units on Premium (1, 2, 4, 8 or 16). @default 1 */
      capacity: s.int().default(1).example('1'),
      /**
       * Reachable from every network, as the predecessor left it. Off, the namespace's firewall
       * admits the cluster's egress address, `allowedClientRanges` (sample data, mzops) and
       * `producerRanges` only.
       * @default false
       */
      publicNetworkAccess: s.boolean().default(false),
      /** Public ranges of the applications that publish to the topics, admitted beside allowedClientRanges. @default [] */
      producerRanges: s.array(clientRange).default([]),
      /** @default [] */
      topics: s.array(topic).default([]),
      /** Materialize roles created by `mzops sql apply`. @default [] */
      roles: s.array(role).default([]),
      /** Clusters `mzops sql apply` creates for the sources and views. @default [{ name: 'ingest', size: '25cc', replicationFactor: 1 }] */
      clusters: s.array(cluster).default([{ name: 'ingest', size: '25cc', replicationFactor: 1 }]),
    })
    .defaultEmpty(),
  /** The Materialize instance: its identity, versions, rollout and pod sizes. */
  materialize: s.object({
    /**
     * The instance's identity in persist and metadata. Changing it orphans all data:
     * synth refuses a change unless `forceEnvironmentIdChange` is set.
     */
    environmentId: s
      .string()
      .pattern(UUID, 'must be a lowercase UUID, generated once and never changed')
      .required('is required: a lowercase UUID, generated once and never changed')
      .example('"7f615ba3-1c4e-4f5a-9d1b-3a2c5e8f9b01" (node -e "console.log(crypto.randomUUID())")'),
    /** @default 'materialize' */
    instanceName: s
      .string()
      .pattern(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'must be 2-32 lowercase letters, digits or hyphens (a Kubernetes name)')
      .default('materialize')
      .example('"materialize"'),
    /**
     * Exact chart version, no ranges: one this project renders and checks (model/operator-versions.ts:
     * v26.12.0, v26.37.0), or any other with `allowUnverifiedVersion`. Change it with
     * `mzops upgrade <env> --to <version>`. @default 'v26.37.0'
     */
    operatorChartVersion: s
      .string()
      .pattern(EXACT_V_SEMVER, 'must be an exact chart version vX.Y.Z, no ranges')
      .default(DEFAULT_OPERATOR_VERSION)
      .example(`"${DEFAULT_OPERATOR_VERSION}"`),
    /**
     * Run an operator chart version this project has not rendered and checked (its values,
     * policies and capacity are those written for the newest verified version below it). Synth
     * warns on every run while it is on. Needed for environmentd v26.39.0 and later, which
     * workload identity needs. @default false
     */
    allowUnverifiedVersion: s.boolean().default(false),
    /** environmentd image tag; must be on the operator's version line. @default - the operator chart version */
    environmentdVersion: s
      .string()
      .pattern(EXACT_V_SEMVER, 'must be an exact image tag vX.Y.Z')
      .default(({ parent }) => parent.operatorChartVersion)
      .example(`"${DEFAULT_OPERATOR_VERSION}"`),
    /**
     * The rollout epoch: a new UUID forces environmentd onto a new generation even when nothing
     * else changed. Leave it to `mzops rollout`, which keeps it in `environments/<name>.mzops.json`
     * (that file wins over this one). Changes to what shapes environmentd (its spec, the operator's
     * version and values, the backend secret) roll out by themselves: the CR's requestRollout and
     * forceRollout are derived from this and from them. @default '00000000-0000-0000-0000-000000000001'
     */
    requestRollout: s
      .string()
      .pattern(UUID, 'must be a lowercase UUID')
      .default('00000000-0000-0000-0000-000000000001')
      .example('"00000000-0000-0000-0000-000000000001"'),
    /**
     * `ManuallyPromote`: a rollout stops at ReadyToPromote until `mzops promote <env>`; the
     * operator cancels it after `rolloutRequestTimeout`. The first generation is always promoted.
     * @default 'WaitUntilReady'
     */
    rolloutStrategy: s.enum(['WaitUntilReady', 'ManuallyPromote', 'ImmediatelyPromoteCausingDowntime']).default('WaitUntilReady'),
    /**
     * ManuallyPromote only: how long a rollout may wait for promotion before the operator cancels
     * it and keeps the old generation (an unpromoted generation holds back compaction). A
     * humantime duration. @default '24h' (the operator's own default)
     */
    rolloutRequestTimeout: s
      .string()
      .pattern(/^\d+(ms|s|m|h|d)( \d+(ms|s|m|h|d))*$/, 'must be a duration such as "24h", "90m" or "1h 30m"')
      .default('24h')
      .example('"24h"'),
    /**
     * Promotes the rollout whose requestRollout it equals (the operator's forcePromote). Written by
     * `mzops promote` into `environments/<name>.mzops.json`; not for the environment file.
     */
    forcePromote: s
      .string()
      .pattern(UUID, 'must be a lowercase UUID (mzops promote writes it)')
      .example('"cbe79de0-2b4b-5995-8870-3b1e059d542c" (mzops promote <env> writes it)')
      .optional(),
    /** Swap on the pool's local NVMe (disk-setup DaemonSet + node label). @default true */
    swap: s.boolean().default(true),
    /**
     * TLS for balancerd, the console and internal traffic, from a CA cert-manager creates in the
     * cluster (`mzops ca <env>` fetches it for clients). Without it, passwords cross the load
     * balancer in clear. @default true
     */
    tls: s.boolean().default(true),
    /**
     * cert-manager is installed when TLS is on. The operator charts need it only for the v1 CRD's
     * conversion webhook (`operator.args.installV1CRD`), which this project leaves off.
     */
    certManager: s.computed(({ parent }) => parent.tls),
    /** @default { cpuRequest: '1', memoryRequest: '4095Mi', memoryLimit: '4Gi' } */
    environmentdResources: sizing({ cpuRequest: '1', memoryRequest: '4095Mi', memoryLimit: '4Gi' }),
    /** @default { cpuRequest: '500m', memoryRequest: '256Mi', memoryLimit: '256Mi' } */
    balancerdResources: sizing({ cpuRequest: '500m', memoryRequest: '256Mi', memoryLimit: '256Mi' }),
    /** Acknowledge that environmentId changed on purpose (a fresh start). @default false */
    forceEnvironmentIdChange: s.boolean().default(false),
  }),
  /** Versions of the charts and images besides the operator's. */
  charts: s
    .object({
      /** @default '2.18.5' */
      sealedSecrets: s
        .string()
        .pattern(EXACT_SEMVER, 'must be an exact chart version X.Y.Z, no ranges')
        .default('2.18.5')
        .example('"2.18.5"'),
      /** On a supported release line (model/cert-manager-versions.ts, checked at synth). @default 'v1.21.1' */
      certManager: s
        .string()
        .pattern(EXACT_V_SEMVER, 'must be an exact chart version vX.Y.Z, no ranges')
        .default(DEFAULT_CERT_MANAGER_VERSION)
        .example(`"${DEFAULT_CERT_MANAGER_VERSION}"`),
      /** @default 'v0.4.1' */
      diskSetupImage: s.string().pattern(EXACT_V_SEMVER, 'must be an exact image tag vX.Y.Z').default('v0.4.1').example('"v0.4.1"'),
    })
    .defaultEmpty(),
  /** How clients reach SQL and the console. */
  access: s
    .object({
      /**
       * Public Azure load balancers for SQL and the console, limited to `allowedClientRanges`.
       * @default false - internal load balancers, reachable from the VNet only
       */
      publicLoadBalancers: s.boolean().default(false),
    })
    .defaultEmpty(),
  /** The Git repository and branch Flux reconciles `dist/<name>` from. */
  gitops: s.object({
    /** The repository Flux pulls: `https://` or `ssh://` (`http://` only for a Git server on a network you trust: Flux then pulls unencrypted). */
    repositoryUrl: s
      .string()
      .pattern(
        /^(https:\/\/|ssh:\/\/|http:\/\/)[^\s]+$/,
        'must be an https:// or ssh:// Git URL that Flux can pull (http:// only for a Git server on a trusted network)',
      )
      .required('is required: the Git repository Flux pulls dist/ from')
      .example('"https://github.com/acme/materialize-gitops"'),
    /** @default 'main' */
    branch: s
      .string()
      .pattern(/^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/, 'must be a Git branch name')
      .default('main')
      .example('"main"'),
    /** @default 60 */
    syncIntervalSeconds: s.int().range(30, 86400).default(60).example('60'),
    /** Pinned microsoft.flux extension version. @default '1.23.0' */
    fluxExtensionVersion: s
      .string()
      .pattern(EXACT_SEMVER, 'must be an exact microsoft.flux extension version X.Y.Z')
      .default('1.23.0')
      .example('"1.23.0"'),
    /**
     * How Flux authenticates to the repository. 'https': user `httpsUser` with a token from
     * TF_VAR_git_https_token; 'ssh': a key from TF_VAR_git_ssh_private_key and known hosts from
     * TF_VAR_git_ssh_known_hosts. Secrets enter only as sensitive Terraform variables.
     * @default 'none' - a public repository
     */
    auth: s.enum(['none', 'https', 'ssh']).default('none'),
    /** The HTTPS user name (for GitHub, any non-empty name). @default 'git' */
    httpsUser: s.string().default('git'),
  }),
  /**
   * `prevent_destroy` on what Materialize's data cannot be rebuilt without: the PostgreSQL server
   * and database, the storage account and its container, and the sealing key (every SealedSecret in
   * Git is encrypted for it). Policy MZ-DATA-1 checks it. Not on the Event Hubs namespace (its
   * retained events) nor the metrics workspace (its history): `mzops diff` calls their destruction
   * data loss instead. Off only for an environment meant to be torn down.
   * @default true
   */
  dataProtection: s.boolean().default(true),
  /** Policy rules (infra/policy/rules.ts; the README lists them) this environment sets aside, each with its reason. */
  policy: s
    .object({
      /**
       * Each: the rule's id, why (at least 20 characters: the report prints it on every synth) and
       * optionally the one Terraform resource type it is set aside for.
       * @default []
       */
      suppressions: s
        .array(
          s.object({
            /** The rule's id (model/policy.ts). */
            rule: s
              .string()
              .rule((v) => v in POLICY_RULES, `must be a policy rule id (${Object.keys(POLICY_RULES).join(', ')})`)
              .example('"MZ-EH-2"'),
            /** Why the rule does not apply here: every synth prints it. */
            reason: s
              .string()
              .rule(
                (v) => v.trim().length >= MIN_SUPPRESSION_REASON,
                `must say why in at least ${MIN_SUPPRESSION_REASON} characters: the suppression report prints it`,
              )
              .example('"producers publish from partner networks we cannot enumerate"'),
            /** A Terraform resource type. @default - every resource the rule checks */
            resourceType: s.optional(
              s
                .string()
                .pattern(/^[a-z][a-z0-9_]*$/, 'must be a Terraform resource type')
                .example('"azurerm_eventhub_namespace"'),
            ),
          }),
        )
        .default([]),
    })
    .defaultEmpty(),
  /**
   * Metrics, Materialize's dashboards and alerts, the Azure-native way: AKS's managed Prometheus
   * into an Azure Monitor workspace, Azure Managed Grafana, Prometheus alert rules and an action group.
   */
  observability: s
    .object({
      /**
       * Off, none of it is created; turning it off on a running environment deletes the metrics
       * history with the workspace. The throwaway single-node system pool cannot hold the metrics
       * add-on's collectors, so it defaults to off there.
       * @default - true; false with aks.throwawaySystemPool
       */
      enabled: s.boolean().default(({ root }) => (root.aks as { throwawaySystemPool?: boolean } | undefined)?.throwawaySystemPool !== true),
      /** Entra object IDs (users or groups) made Grafana Admin of the environment's Grafana. @default [] */
      grafanaAdmins: s.array(entraObjectId).default([]),
      /** Entra object IDs (users or groups) made Grafana Viewer. @default [] */
      grafanaViewers: s.array(entraObjectId).default([]),
      /** Where alerts go, and when they fire. */
      alerts: s
        .object({
          /** Addresses the action group emails. @default [] */
          emails: s.array(s.string().pattern(EMAIL, 'must be an email address').example('"oncall@example.com"')).default([]),
          /** Also post to a webhook whose URL (it usually carries a token) comes from TF_VAR_alert_webhook_url. @default false */
          webhook: s.boolean().default(false),
          /** A pod restarting more often than this per hour alerts. @default 3 */
          restartsPerHour: s.int().range(1, 100).default(3).example('3'),
          /** The Materialize pool's requested memory above this share of what its nodes can hold (at maxCount) alerts. @default 85 */
          poolUsagePercent: s.int().range(50, 100, 'must be a whole percentage from 50 to 100').default(85).example('85'),
          /** A source ingesting nothing for this many minutes alerts. @default 15 */
          ingestionStalledMinutes: s.int().range(5, 1440).default(15).example('15'),
          /** The persist SAS or a certificate expiring within this many days alerts. @default 14 */
          expiryWarningDays: s.int().range(1, 60).default(14).example('14'),
        })
        .defaultEmpty(),
    })
    .defaultEmpty(),
  /** @default - local state in `state/<environment>.tfstate` */
  state: s
    .object({
      /** State in an Azure storage container instead (which must exist before the first deploy). */
      azurerm: s
        .object({
          /** The resource group of the state storage account. */
          resourceGroupName: s
            .string()
            .pattern(/^[-\w.()]{1,90}$/, 'must be an Azure resource group name')
            .example('"tfstate-rg"'),
          /** The storage account that holds the state container. */
          storageAccountName: s.string().pattern(STORAGE_ACCOUNT, 'must be 3-24 lowercase letters and digits').example('"acmetfstate"'),
          /** @default 'tfstate' */
          containerName: s.string().default('tfstate'),
          /** @default '<environment>.terraform.tfstate' */
          key: s.string().default(({ root }) => `${root.name}.terraform.tfstate`),
        })
        .optional(),
    })
    .defaultEmpty(),
});

/** What an environment file declares. */
export type EnvironmentDefinition = Infer<typeof ENVIRONMENT_SCHEMA>;
/** A validated environment with every default applied. */
export type Environment = Resolved<typeof ENVIRONMENT_SCHEMA>;
export type AzureNames = Environment['names'];
export type ResolvedTopic = Environment['eventHubs']['topics'][number];
export type ResourceSizing = Environment['materialize']['environmentdResources'];
export type PersistAuth = Environment['storage']['persistAuth'];
export type StorageReplication = Environment['storage']['replication'];
export type NetworkPolicyEngine = Environment['aks']['networkPolicy'];
export type ColumnType = ResolvedTopic['views'][number]['columns'][number]['type'];

/** Identity function that gives `environments/*.ts` files type checking and editor help. */
export function defineEnvironment(definition: EnvironmentDefinition): EnvironmentDefinition {
  return definition;
}

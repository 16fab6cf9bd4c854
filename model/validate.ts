import { AKS_CALENDAR, aksVersionStatus, DEFAULT_AKS_MINOR } from './aks-versions';
import { capacityProblems } from './capacity';
import { REPLICA_SIZES } from './generated/operator-chart-defaults';
import { VM_SIZES } from './vm-sizes';
import { FLUX, WIDEST_CLIENT_PREFIX } from './contract';
import { contains, containsIp, overlaps, parseCidr, parseIp, type Cidr } from './cidr';
import { compareVersions } from './defaults';
import type { Environment } from './environment';

/** The first environmentd that refreshes a rotated workload identity token for Blob Storage. */
export const WORKLOAD_IDENTITY_PERSIST_FROM = 'v26.39.0';

/** One broken rule: which environment, which field, what rule, and a value that would pass. */
export interface ValidationProblem {
  environment: string;
  field: string;
  value: unknown;
  rule: string;
  example: string;
  /** The file it came from, when it came from one (environments/<name>.ts). */
  file?: string;
}

/** Values are shown short: a long or structured value is elided rather than echoed whole. */
function shortValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function formatProblem(p: ValidationProblem): string {
  const got = p.value === undefined ? 'missing' : `got ${shortValue(p.value)}`;
  return `${p.file ? `${p.file}: ` : ''}environment "${p.environment}": ${p.field} ${p.rule} (${got}); for example ${p.example}`;
}

/** At most this many lines, however many problems: the first ones are what to fix first. */
export const MAX_PROBLEM_LINES = 10;

export class EnvironmentValidationError extends Error {
  constructor(readonly problems: ValidationProblem[]) {
    const lines = problems.slice(0, MAX_PROBLEM_LINES).map(formatProblem);
    if (problems.length > MAX_PROBLEM_LINES) lines.push(`and ${problems.length - MAX_PROBLEM_LINES} more`);
    super(lines.join('\n'));
    this.name = 'EnvironmentValidationError';
  }
}

/** A lowercase UUID: environmentId, requestRollout. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXACT_V_SEMVER = /^v\d+\.\d+\.\d+$/;
const EXACT_SEMVER = /^\d+\.\d+\.\d+$/;
const VM_SIZE = /^Standard_[A-Z][A-Za-z0-9]*(_v\d+)?$/;
/**
 * Flexible Server SKUs exactly as azurerm 4.x accepts them
 * (internal/services/postgres/validate/flexible_server_sku_name.go): a SKU outside it fails plan.
 */
const PG_SKU =
  /^((B_Standard_B((1|2|4|8|12|16|20)ms|2s))|(GP_Standard_D(((2|4|8|16|32|48|64)s_v3)|((2|4|8|16|32|48|64)ds_v4)|((2|4|8|16|32|48|64|96)ds_v5)|((2|4|8|16|32|48|64|96)ads_v5)|(C(2|4|8|16|32|48|64|96)ads_v5)))|(MO_Standard_E((((2|4|8|16|20|32|48|64)s)_v3)|((2|4|6|8|16|20|32|48|64)ds_v4)|((2|4|8|16|20|32|48|64|96)ds_v5)|((2|4|8|16|32|48|64|96)ads_v5))))$/;
/** Premium namespaces are sold in these processing units (learn.microsoft.com/azure/event-hubs/event-hubs-premium-overview). */
const EVENT_HUBS_PREMIUM_UNITS = [1, 2, 4, 8, 16];
/** "AKS clusters may not use" these for the service address range (docs.microsoft.com/azure/aks/configure-advanced-networking). */
const AKS_RESERVED_SERVICE_RANGES = ['169.254.0.0/16', '172.30.0.0/16', '172.31.0.0/16', '192.0.2.0/24'];
/** Every Flexible Server has these databases (PostgreSQL's own and Azure's): the catalog needs a database of its own. */
const PG_EXISTING_DATABASES = ['postgres', 'template0', 'template1', 'azure_maintenance', 'azure_sys'];
/** Azure: at most 50 tags per resource; the stack always sets environment and managed-by. */
const MAX_USER_TAGS = 48;
const PG_VERSIONS = ['13', '14', '15', '16', '17'];
const PG_STORAGE_MB = [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408];
const FLUX_NAME = /^[a-z\d]([-a-z\d]{0,28}[a-z\d])?$/;
const K8S_QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Default max_connections per Flexible Server SKU (Azure's "limits" table). Azure accepts
 * 25-5000 for every SKU; this project also refuses more than four times the SKU's default,
 * since each connection reserves memory the small SKUs do not have. B1ms: 50 -> at most 200,
 * the value the seed's troubleshooting used.
 */
const PG_DEFAULT_MAX_CONNECTIONS: Record<string, number> = {
  B_Standard_B1ms: 50,
  B_Standard_B2s: 429,
  B_Standard_B2ms: 859,
  B_Standard_B4ms: 1718,
  B_Standard_B8ms: 3437,
};

export function maxConnectionsCeiling(sku: string): number {
  const base = PG_DEFAULT_MAX_CONNECTIONS[sku];
  return base === undefined ? 5000 : Math.min(5000, base * 4);
}

/** What validation may depend on besides the environment: the clock (AKS's calendar), fixed in tests. */
export interface ValidationContext {
  readonly now: Date;
}

type Check = (
  env: Environment,
  fail: (field: string, value: unknown, rule: string, example: string) => void,
  context: ValidationContext,
) => void;

function pattern(field: string, get: (e: Environment) => unknown, re: RegExp, rule: string, example: string): Check {
  return (env, fail) => {
    const v = get(env);
    if (typeof v !== 'string' || !re.test(v)) fail(field, v, rule, example);
  };
}

function intRange(field: string, get: (e: Environment) => unknown, min: number, max: number, example: string): Check {
  return (env, fail) => {
    const v = get(env);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(field, v, `must be a whole number from ${min} to ${max}`, example);
    }
  };
}

function cidrField(field: string, value: unknown, fail: Parameters<Check>[1], example: string): Cidr | undefined {
  if (typeof value !== 'string') {
    fail(field, value, 'must be an IPv4 CIDR', example);
    return undefined;
  }
  const c = parseCidr(value);
  if (c === 'syntax') fail(field, value, 'must be an IPv4 CIDR a.b.c.d/n', example);
  else if (c === 'unaligned') fail(field, value, 'must start at its network address (host bits zero)', example);
  else return c;
  return undefined;
}

const checks: Check[] = [
  // Identity and naming.
  pattern(
    'name',
    (e) => e.name,
    /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/,
    'must be 2-24 lowercase letters, digits or hyphens, starting with a letter',
    '"staging"',
  ),
  pattern(
    'prefix',
    (e) => e.prefix,
    /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/,
    'must be 3-16 lowercase letters, digits or hyphens, starting with a letter',
    '"mzstaging"',
  ),
  pattern('location', (e) => e.location, /^[a-z]+[a-z0-9]*$/, 'must be an Azure region name (lowercase, no spaces)', '"eastus2"'),
  pattern(
    'names.resourceGroup',
    (e) => e.names.resourceGroup,
    /^[-\w.()]{0,89}[-\w()]$/,
    'must be 1-90 letters, digits, hyphens, underscores, periods or parentheses, not ending in a period',
    '"mzstaging-rg"',
  ),
  pattern(
    'names.storageAccount',
    (e) => e.names.storageAccount,
    /^[a-z0-9]{3,24}$/,
    'must be 3-24 lowercase letters and digits (set names.storageAccount or shorten the prefix)',
    '"mzstagingpersist"',
  ),
  pattern(
    'names.postgresServer',
    (e) => e.names.postgresServer,
    /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    'must be 3-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
    '"mzstaging-pg"',
  ),
  pattern(
    'names.eventHubsNamespace',
    (e) => e.names.eventHubsNamespace,
    /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/,
    'must be 6-50 letters, digits or hyphens, starting with a letter and ending with a letter or digit',
    '"mzstaging-events"',
  ),
  pattern(
    'names.aksCluster',
    (e) => e.names.aksCluster,
    /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9]$/,
    'must be 2-63 letters, digits, hyphens or underscores, starting and ending alphanumeric',
    '"mzstaging-aks"',
  ),
  (env, fail) => {
    const count = Object.keys(env.tags).length;
    if (count > MAX_USER_TAGS)
      fail(
        'tags',
        `${count} tags`,
        `must hold at most ${MAX_USER_TAGS} tags (Azure allows 50 per resource; the stack sets 2)`,
        '{ team: "data" }',
      );
    for (const [k, v] of Object.entries(env.tags)) {
      if (k.length > 512 || /[<>%&\\?/]/.test(k) || typeof v !== 'string' || v.length > 256) {
        fail(`tags.${k}`, v, 'must have a key of at most 512 characters without <>%&\\?/ and a value of at most 256', '{ team: "data" }');
      }
    }
  },

  // Network.
  (env, fail) => {
    const n = env.network;
    const vnet = cidrField('network.vnetCidr', n.vnetCidr, fail, '"10.0.0.0/16"');
    const aks = cidrField('network.aksSubnetCidr', n.aksSubnetCidr, fail, '"10.0.0.0/20"');
    const pg = cidrField('network.postgresSubnetCidr', n.postgresSubnetCidr, fail, '"10.0.16.0/24"');
    const svc = cidrField('network.serviceCidr', n.serviceCidr, fail, '"10.1.0.0/16"');
    if (vnet && aks && !contains(vnet, aks))
      fail('network.aksSubnetCidr', n.aksSubnetCidr, `must lie inside network.vnetCidr ${n.vnetCidr}`, '"10.0.0.0/20"');
    if (vnet && pg && !contains(vnet, pg))
      fail('network.postgresSubnetCidr', n.postgresSubnetCidr, `must lie inside network.vnetCidr ${n.vnetCidr}`, '"10.0.16.0/24"');
    if (aks && pg && overlaps(aks, pg))
      fail(
        'network.postgresSubnetCidr',
        n.postgresSubnetCidr,
        `must not overlap network.aksSubnetCidr ${n.aksSubnetCidr}`,
        '"10.0.16.0/24"',
      );
    if (vnet && svc && overlaps(vnet, svc))
      fail('network.serviceCidr', n.serviceCidr, `must not overlap network.vnetCidr ${n.vnetCidr}`, '"10.1.0.0/16"');
    const reserved = svc && AKS_RESERVED_SERVICE_RANGES.find((r) => overlaps(svc, parseCidr(r) as Cidr));
    if (reserved)
      fail(
        'network.serviceCidr',
        n.serviceCidr,
        `must not overlap ${reserved}, which AKS reserves (${AKS_RESERVED_SERVICE_RANGES.join(', ')})`,
        '"10.1.0.0/16"',
      );
    if (pg && pg.prefix > 28)
      fail(
        'network.postgresSubnetCidr',
        n.postgresSubnetCidr,
        'must be /28 or larger (Flexible Server needs room in its delegated subnet)',
        '"10.0.16.0/24"',
      );
    if (aks && !env.access.publicLoadBalancers) {
      for (const field of ['sqlLoadBalancerIp', 'consoleLoadBalancerIp'] as const) {
        const ip = parseIp(n[field]);
        // Azure keeps the first four addresses of a subnet and its last one.
        if (ip === undefined || !containsIp(aks, ip) || ip < aks.first + 4 || ip >= aks.last) {
          fail(
            `network.${field}`,
            n[field],
            `must be an address of network.aksSubnetCidr ${n.aksSubnetCidr} other than its first four and its last (Azure keeps them)`,
            '"10.0.15.250"',
          );
        }
      }
      if (n.sqlLoadBalancerIp === n.consoleLoadBalancerIp)
        fail('network.consoleLoadBalancerIp', n.consoleLoadBalancerIp, 'must differ from network.sqlLoadBalancerIp', '"10.0.15.249"');
    }
    if (svc) {
      const dns = parseIp(n.dnsServiceIp);
      if (dns === undefined || !containsIp(svc, dns) || dns === svc.first) {
        fail(
          'network.dnsServiceIp',
          n.dnsServiceIp,
          `must be an address inside network.serviceCidr ${n.serviceCidr}, not its first`,
          '"10.1.0.10"',
        );
      }
    }
  },
  (env, fail) => {
    const ranges: [string, string[]][] = [
      ['allowedClientRanges', env.allowedClientRanges],
      ['aks.apiServerAuthorizedRanges', env.aks.apiServerAuthorizedRanges],
    ];
    for (const [field, list] of ranges) {
      list.forEach((r, i) => {
        const c = cidrField(`${field}[${i}]`, r, fail, '"203.0.113.0/24"');
        if (c && c.prefix < WIDEST_CLIENT_PREFIX)
          fail(
            `${field}[${i}]`,
            r,
            `must be a /${WIDEST_CLIENT_PREFIX} or narrower: list the client networks, not the internet`,
            '"203.0.113.0/24"',
          );
      });
    }
  },

  // AKS.
  pattern(
    'aks.kubernetesVersion',
    (e) => e.aks.kubernetesVersion,
    /^1\.(2[89]|[3-9]\d)(\.\d+)?$/,
    `must be an exact AKS version 1.28 or newer (major.minor or major.minor.patch)`,
    `"${DEFAULT_AKS_MINOR}"`,
  ),
  (env, fail) => {
    const w = env.aks.nodeOsMaintenance;
    if (!['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].includes(w.dayOfWeek))
      fail('aks.nodeOsMaintenance.dayOfWeek', w.dayOfWeek, 'must be a day of the week, capitalized', '"Sunday"');
    if (typeof w.startTime !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(w.startTime))
      fail('aks.nodeOsMaintenance.startTime', w.startTime, 'must be HH:MM, UTC', '"02:00"');
    if (!Number.isInteger(w.durationHours) || w.durationHours < 4 || w.durationHours > 24)
      fail(
        'aks.nodeOsMaintenance.durationHours',
        w.durationHours,
        'must be a whole number of hours from 4 to 24 (AKS requires at least 4)',
        '4',
      );
  },
  (env, fail, { now }) => {
    const version = env.aks.kubernetesVersion;
    if (typeof version !== 'string') return;
    const status = aksVersionStatus(version, now);
    const supported = Object.entries(AKS_CALENDAR)
      .filter(([, c]) => new Date(c.ga) <= now && now < new Date(c.endOfLife))
      .map(([m]) => m);
    if (status.kind === 'endOfLife' && !env.aks.longTermSupport) {
      fail(
        'aks.kubernetesVersion',
        version,
        `reached AKS end of life on ${status.endOfLife.toISOString().slice(0, 10)}: no cluster can be created on it (supported now: ${supported.join(', ')}), unless aks.longTermSupport is on`,
        `"${DEFAULT_AKS_MINOR}"`,
      );
    }
    if (status.kind === 'notYetAvailable')
      fail(
        'aks.kubernetesVersion',
        version,
        `is not available on AKS before ${status.ga.toISOString().slice(0, 10)}`,
        `"${DEFAULT_AKS_MINOR}"`,
      );
    if (status.kind === 'unknown' && /^1\.\d+/.test(version))
      fail(
        'aks.kubernetesVersion',
        version,
        `is not in AKS's support calendar (model/aks-versions.ts; known: ${Object.keys(AKS_CALENDAR).join(', ')})`,
        `"${DEFAULT_AKS_MINOR}"`,
      );
  },
  pattern(
    'aks.systemPool.name',
    (e) => e.aks.systemPool.name,
    /^[a-z][a-z0-9]{0,11}$/,
    'must be 1-12 lowercase letters and digits, starting with a letter (Linux node pool rule)',
    '"system"',
  ),
  pattern(
    'aks.materializePool.name',
    (e) => e.aks.materializePool.name,
    /^[a-z][a-z0-9]{0,11}$/,
    'must be 1-12 lowercase letters and digits, starting with a letter (Linux node pool rule)',
    '"mzpool"',
  ),
  (env, fail) => {
    if (env.aks.systemPool.name === env.aks.materializePool.name)
      fail('aks.materializePool.name', env.aks.materializePool.name, 'must differ from aks.systemPool.name', '"mzpool"');
  },
  pattern(
    'aks.systemPool.vmSize',
    (e) => e.aks.systemPool.vmSize,
    VM_SIZE,
    'must be an Azure VM size of the form Standard_<series><size>[_v<n>]',
    '"Standard_B2s"',
  ),
  pattern(
    'aks.materializePool.vmSize',
    (e) => e.aks.materializePool.vmSize,
    VM_SIZE,
    'must be an Azure VM size of the form Standard_<series><size>[_v<n>]',
    '"Standard_E2pds_v6"',
  ),
  intRange('aks.systemPool.nodeCount', (e) => e.aks.systemPool.nodeCount, 1, 1000, '1'),
  intRange('aks.materializePool.nodeCount', (e) => e.aks.materializePool.nodeCount, 1, 1000, '2'),
  (env, fail) => {
    for (const pool of ['systemPool', 'materializePool'] as const) {
      const p = env.aks[pool];
      if (typeof p.vmSize === 'string' && VM_SIZE.test(p.vmSize) && !(p.vmSize in VM_SIZES)) {
        fail(
          `aks.${pool}.vmSize`,
          p.vmSize,
          `must be a size the capacity check knows (${Object.keys(VM_SIZES).join(', ')}); add yours with its vCPUs and memory to model/vm-sizes.ts`,
          pool === 'systemPool' ? '"Standard_B2s"' : '"Standard_E4pds_v6"',
        );
      }
      if (!Number.isInteger(p.maxCount) || p.maxCount < p.nodeCount || p.maxCount > 1000)
        fail(`aks.${pool}.maxCount`, p.maxCount, `must be a whole number from nodeCount (${p.nodeCount}) to 1000`, String(p.nodeCount * 2));
    }
    for (const c of capacityProblems(env))
      fail(
        c.field,
        `${env.aks[c.field === 'aks.systemPool' ? 'systemPool' : 'materializePool'].nodeCount} x ${env.aks[c.field === 'aks.systemPool' ? 'systemPool' : 'materializePool'].vmSize}`,
        c.rule,
        c.example,
      );
  },
  intRange('aks.systemPool.osDiskSizeGb', (e) => e.aks.systemPool.osDiskSizeGb, 30, 2048, '64'),
  intRange('aks.materializePool.osDiskSizeGb', (e) => e.aks.materializePool.osDiskSizeGb, 30, 2048, '100'),
  pattern(
    'aks.networkPolicy',
    (e) => e.aks.networkPolicy,
    /^(azure|cilium)$/,
    'must be "azure" or "cilium" so that NetworkPolicies take effect',
    '"azure"',
  ),

  // PostgreSQL.
  (env, fail) => {
    if (!PG_VERSIONS.includes(env.postgres.version))
      fail('postgres.version', env.postgres.version, `must be one of ${PG_VERSIONS.join(', ')}`, '"15"');
  },
  pattern(
    'postgres.skuName',
    (e) => e.postgres.skuName,
    PG_SKU,
    'must be a Flexible Server SKU azurerm accepts (B_Standard_B1ms..B20ms, GP_Standard_D<n>ds_v5, MO_Standard_E<n>ds_v5, ...)',
    '"B_Standard_B1ms"',
  ),
  (env, fail) => {
    if (!PG_STORAGE_MB.includes(env.postgres.storageMb))
      fail('postgres.storageMb', env.postgres.storageMb, `must be one of Azure's sizes ${PG_STORAGE_MB.join(', ')}`, '32768');
  },
  intRange('postgres.backupRetentionDays', (e) => e.postgres.backupRetentionDays, 7, 35, '7'),
  (env, fail) => {
    const ceiling = maxConnectionsCeiling(env.postgres.skuName);
    const v = env.postgres.maxConnections;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 25 || v > ceiling) {
      fail('postgres.maxConnections', v, `must be a whole number from 25 to ${ceiling} for SKU ${env.postgres.skuName}`, '200');
    }
  },
  (env, fail) => {
    if (env.postgres.highAvailability && env.postgres.skuName?.startsWith('B_')) {
      fail(
        'postgres.highAvailability',
        true,
        'is not available on the Burstable tier; use a GP_ or MO_ SKU',
        'skuName "GP_Standard_D2ds_v5"',
      );
    }
  },
  (env, fail) => {
    if (env.postgres.publicAccess && env.allowedClientRanges.length === 0) {
      fail(
        'allowedClientRanges',
        env.allowedClientRanges,
        'must list client ranges when postgres.publicAccess is on (the firewall would be empty or wide open)',
        '["203.0.113.0/24"]',
      );
    }
  },
  pattern(
    'postgres.adminLogin',
    (e) => e.postgres.adminLogin,
    // azurerm's AdminUsernames (internal/services/postgres/validate/admin_usernames.go) refuses these
    // and the pg_ prefix; postgres is PostgreSQL's own superuser.
    /^(?!azure_|pg_|admin$|administrator$|root$|guest$|public$|postgres$)[a-z][a-z0-9_]{0,62}$/,
    'must be a lowercase PostgreSQL role name that Azure allows (not admin, administrator, root, guest, public, postgres, azure_*, pg_*)',
    '"materialize"',
  ),
  pattern('postgres.database', (e) => e.postgres.database, SQL_IDENTIFIER, 'must be a lowercase PostgreSQL identifier', '"materialize"'),
  (env, fail) => {
    if (PG_EXISTING_DATABASES.includes(env.postgres.database))
      fail(
        'postgres.database',
        env.postgres.database,
        `must not be one of the databases every Flexible Server has (${PG_EXISTING_DATABASES.join(', ')})`,
        '"materialize"',
      );
  },

  // Storage.
  pattern(
    'storage.container',
    (e) => e.storage.container,
    /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    'must be 3-63 lowercase letters, digits or single hyphens',
    '"materialize-persist"',
  ),
  pattern('storage.tier', (e) => e.storage.tier, /^(Standard|Premium)$/, 'must be "Standard" or "Premium"', '"Standard"'),
  pattern(
    'storage.replication',
    (e) => e.storage.replication,
    /^(LRS|ZRS|GRS|RAGRS|GZRS|RAGZRS)$/,
    'must be an Azure replication type',
    '"LRS"',
  ),
  (env, fail) => {
    if (env.storage.tier === 'Premium' && !['LRS', 'ZRS'].includes(env.storage.replication)) {
      fail('storage.replication', env.storage.replication, 'must be LRS or ZRS on Premium block blob storage', '"LRS"');
    }
  },
  pattern('storage.persistAuth', (e) => e.storage.persistAuth, /^(sas|workloadIdentity)$/, 'must be "sas" or "workloadIdentity"', '"sas"'),
  intRange('storage.sasValidityDays', (e) => e.storage.sasValidityDays, 7, 365, '180'),
  (env, fail) => {
    const { sasRotationDays: r, sasValidityDays: v } = env.storage;
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > v - 7) {
      fail('storage.sasRotationDays', r, `must be a whole number from 1 to ${v - 7} (at least a week before the SAS expires)`, '90');
    }
  },

  // Event Hubs.
  pattern(
    'eventHubs.sku',
    (e) => e.eventHubs.sku,
    /^(Standard|Premium)$/,
    'must be "Standard" or "Premium" (Basic has no Kafka endpoint)',
    '"Standard"',
  ),
  (env, fail) => {
    // Standard: throughput units, up to 40 (event-hubs-scalability); Premium: processing units, in fixed steps.
    const c = env.eventHubs.capacity;
    if (env.eventHubs.sku === 'Premium') {
      if (!EVENT_HUBS_PREMIUM_UNITS.includes(c as number))
        fail('eventHubs.capacity', c, `must be one of ${EVENT_HUBS_PREMIUM_UNITS.join(', ')} processing units on Premium`, '1');
    } else if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > 40) {
      fail('eventHubs.capacity', c, 'must be a whole number of throughput units from 1 to 40 on Standard', '1');
    }
  },
  (env, fail) => {
    const seen = new Set<string>();
    const maxPartitions = env.eventHubs.sku === 'Premium' ? 100 : 32;
    const maxRetention = env.eventHubs.sku === 'Premium' ? 90 : 7;
    env.eventHubs.topics.forEach((t, i) => {
      const f = `eventHubs.topics[${i}]`;
      if (typeof t.name !== 'string' || !/^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,254}[a-zA-Z0-9])?$/.test(t.name)) {
        fail(
          `${f}.name`,
          t.name,
          'must be 1-256 letters, digits, periods, hyphens or underscores, starting and ending alphanumeric',
          '"orders"',
        );
      }
      if (seen.has(t.name)) fail(`${f}.name`, t.name, 'must be unique among topics', '"customers"');
      seen.add(t.name);
      if (!Number.isInteger(t.partitions) || t.partitions < 1 || t.partitions > maxPartitions) {
        fail(`${f}.partitions`, t.partitions, `must be a whole number from 1 to ${maxPartitions} on ${env.eventHubs.sku}`, '4');
      }
      if (!Number.isInteger(t.retentionDays) || t.retentionDays < 1 || t.retentionDays > maxRetention) {
        fail(`${f}.retentionDays`, t.retentionDays, `must be a whole number from 1 to ${maxRetention} on ${env.eventHubs.sku}`, '1');
      }
      if (!SQL_IDENTIFIER.test(t.source.name))
        fail(`${f}.source.name`, t.source.name, 'must be a lowercase SQL identifier', '"orders_raw"');
      if (t.source.envelope === 'upsert' && t.source.valueFormat !== 'json') {
        fail(`${f}.source.valueFormat`, t.source.valueFormat, 'must be "json" with the upsert envelope (views read JSON fields)', '"json"');
      }
      const clusterNames = env.eventHubs.clusters.map((c) => c.name);
      if (!clusterNames.includes(t.source.cluster))
        fail(
          `${f}.source.cluster`,
          t.source.cluster,
          `must name one of eventHubs.clusters (${clusterNames.join(', ') || 'none declared'})`,
          `"${clusterNames[0] ?? 'ingest'}"`,
        );
      t.views.forEach((v, j) => {
        if (!SQL_IDENTIFIER.test(v.name)) fail(`${f}.views[${j}].name`, v.name, 'must be a lowercase SQL identifier', '"orders"');
        if (!clusterNames.includes(v.cluster))
          fail(
            `${f}.views[${j}].cluster`,
            v.cluster,
            `must name one of eventHubs.clusters (${clusterNames.join(', ') || 'none declared'})`,
            `"${clusterNames[0] ?? 'ingest'}"`,
          );
        if (v.skipNullRecords && t.source.envelope === 'upsert') {
          fail(
            `${f}.views[${j}].skipNullRecords`,
            v.skipNullRecords,
            'has no effect with the upsert envelope (a null value deletes its key, so the source never holds one): remove it',
            'false',
          );
        }
        if (v.columns.length === 0)
          fail(`${f}.views[${j}].columns`, v.columns, 'must list at least one column', '[{ name: "order_id", type: "text" }]');
        v.columns.forEach((c, k) => {
          if (!SQL_IDENTIFIER.test(c.name))
            fail(`${f}.views[${j}].columns[${k}].name`, c.name, 'must be a lowercase SQL identifier', '"order_id"');
        });
      });
    });
    const relations = env.eventHubs.topics.flatMap((t) => [t.source.name, ...t.views.map((v) => v.name)]);
    env.eventHubs.roles.forEach((r, i) => {
      if (!SQL_IDENTIFIER.test(r.name) || r.name.startsWith('mz_')) {
        fail(`eventHubs.roles[${i}].name`, r.name, 'must be a lowercase SQL identifier not starting with mz_', '"analyst"');
      }
      r.selectOn.forEach((o, j) => {
        if (['TABLES', 'MATERIALIZED VIEWS', 'VIEWS', 'SOURCES'].includes(o)) {
          fail(
            `eventHubs.roles[${i}].selectOn[${j}]`,
            o,
            'names objects now: "GRANT SELECT ON ALL <kind>" parses only for TABLES in Materialize; for every relation set selectOnAll: true',
            `selectOnAll: true, or selectOn: ["${relations[relations.length - 1] ?? 'orders'}"]`,
          );
        } else if (!relations.includes(o)) {
          fail(
            `eventHubs.roles[${i}].selectOn[${j}]`,
            o,
            `must name a source or view of eventHubs.topics (${relations.join(', ') || 'none declared'})`,
            `"${relations[relations.length - 1] ?? 'orders'}"`,
          );
        }
      });
    });
    const clusterSeen = new Set<string>();
    env.eventHubs.clusters.forEach((c, i) => {
      const f = `eventHubs.clusters[${i}]`;
      if (!SQL_IDENTIFIER.test(c.name) || c.name.startsWith('mz_'))
        fail(`${f}.name`, c.name, 'must be a lowercase SQL identifier not starting with mz_', '"ingest"');
      if (clusterSeen.has(c.name)) fail(`${f}.name`, c.name, 'must be unique among clusters', '"serving"');
      clusterSeen.add(c.name);
      if (!(c.size in REPLICA_SIZES) || c.size === 'mz_probe') {
        fail(
          `${f}.size`,
          c.size,
          `must be one of the operator's replica sizes (${Object.keys(REPLICA_SIZES)
            .filter((s) => s !== 'mz_probe')
            .join(', ')})`,
          '"25cc"',
        );
      }
      if (!Number.isInteger(c.replicationFactor) || c.replicationFactor < 0 || c.replicationFactor > 5)
        fail(`${f}.replicationFactor`, c.replicationFactor, 'must be a whole number from 0 to 5', '1');
    });
  },

  // Materialize.
  pattern(
    'materialize.environmentId',
    (e) => e.materialize.environmentId,
    UUID,
    'must be a lowercase UUID, generated once and never changed',
    '"7f615ba3-1c4e-4f5a-9d1b-3a2c5e8f9b01" (uuidgen | tr A-Z a-z)',
  ),
  pattern(
    'materialize.requestRollout',
    (e) => e.materialize.requestRollout,
    UUID,
    'must be a lowercase UUID',
    '"00000000-0000-0000-0000-000000000001"',
  ),
  pattern(
    'materialize.instanceName',
    (e) => e.materialize.instanceName,
    /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/,
    'must be 2-32 lowercase letters, digits or hyphens (a Kubernetes name)',
    '"materialize"',
  ),
  pattern(
    'materialize.operatorChartVersion',
    (e) => e.materialize.operatorChartVersion,
    EXACT_V_SEMVER,
    'must be an exact chart version vX.Y.Z, no ranges',
    '"v26.12.0"',
  ),
  pattern(
    'materialize.environmentdVersion',
    (e) => e.materialize.environmentdVersion,
    EXACT_V_SEMVER,
    'must be an exact image tag vX.Y.Z',
    '"v26.12.0"',
  ),
  (env, fail) => {
    const { operatorChartVersion: op, environmentdVersion: ed } = env.materialize;
    if (EXACT_V_SEMVER.test(op) && EXACT_V_SEMVER.test(ed)) {
      if (op.split('.')[0] !== ed.split('.')[0] || compareVersions(ed, op) > 0) {
        fail(
          'materialize.environmentdVersion',
          ed,
          `must be on the operator's version line ${op.split('.')[0]} and not newer than the operator ${op}`,
          `"${op}"`,
        );
      }
    }
  },
  (env, fail) => {
    // Workload identity refreshes its projected token only from v26.39.0 (Materialize #38178):
    // before it, Blob access stops at the first token rotation.
    if (
      env.storage.persistAuth === 'workloadIdentity' &&
      EXACT_V_SEMVER.test(env.materialize.environmentdVersion) &&
      compareVersions(env.materialize.environmentdVersion, WORKLOAD_IDENTITY_PERSIST_FROM) < 0
    ) {
      fail(
        'storage.persistAuth',
        env.storage.persistAuth,
        `needs environmentd ${WORKLOAD_IDENTITY_PERSIST_FROM} or later (before it, persist loses Blob access when the token rotates; materialize.environmentdVersion is ${env.materialize.environmentdVersion})`,
        '"sas"',
      );
    }
  },
  pattern(
    'materialize.rolloutStrategy',
    (e) => e.materialize.rolloutStrategy,
    /^(WaitUntilReady|ManuallyPromote|ImmediatelyPromoteCausingDowntime)$/,
    'must be WaitUntilReady, ManuallyPromote or ImmediatelyPromoteCausingDowntime',
    '"WaitUntilReady"',
  ),
  (env, fail) => {
    for (const kind of ['environmentdResources', 'balancerdResources'] as const) {
      for (const [k, v] of Object.entries(env.materialize[kind])) {
        if (typeof v !== 'string' || !K8S_QUANTITY.test(v))
          fail(`materialize.${kind}.${k}`, v, 'must be a Kubernetes quantity', k.startsWith('cpu') ? '"1" or "500m"' : '"4Gi"');
      }
    }
  },
  pattern(
    'charts.sealedSecrets',
    (e) => e.charts.sealedSecrets,
    EXACT_SEMVER,
    'must be an exact chart version X.Y.Z, no ranges',
    '"2.18.5"',
  ),
  pattern(
    'charts.certManager',
    (e) => e.charts.certManager,
    EXACT_V_SEMVER,
    'must be an exact chart version vX.Y.Z, no ranges',
    '"v1.17.1"',
  ),
  pattern('charts.diskSetupImage', (e) => e.charts.diskSetupImage, EXACT_V_SEMVER, 'must be an exact image tag vX.Y.Z', '"v0.4.1"'),

  // Access.
  (env, fail) => {
    if (env.access.publicLoadBalancers && env.allowedClientRanges.length === 0) {
      fail(
        'allowedClientRanges',
        env.allowedClientRanges,
        'must list client ranges when access.publicLoadBalancers is on (public without ranges is open to the internet)',
        '["203.0.113.0/24"]',
      );
    }
  },

  // GitOps.
  pattern(
    'gitops.repositoryUrl',
    (e) => e.gitops.repositoryUrl,
    /^(https:\/\/|ssh:\/\/|http:\/\/)[^\s]+$/,
    'must be an https:// or ssh:// Git URL that Flux can pull',
    '"https://github.com/acme/materialize-gitops"',
  ),
  pattern(
    'gitops.branch',
    (e) => e.gitops.branch,
    /^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/,
    'must be a Git branch name',
    '"main"',
  ),
  pattern('gitops.auth', (e) => e.gitops.auth, /^(none|https|ssh)$/, 'must be "none", "https" or "ssh"', '"https"'),
  (env, fail) => {
    const { auth, repositoryUrl } = env.gitops;
    if (typeof repositoryUrl !== 'string') return;
    if (auth === 'ssh' && !repositoryUrl.startsWith('ssh://'))
      fail(
        'gitops.repositoryUrl',
        repositoryUrl,
        'must be an ssh:// URL with gitops.auth "ssh"',
        '"ssh://git@github.com/acme/materialize-gitops.git"',
      );
    if (auth === 'https' && !repositoryUrl.startsWith('https://'))
      fail(
        'gitops.repositoryUrl',
        repositoryUrl,
        'must be an https:// URL with gitops.auth "https"',
        '"https://github.com/acme/materialize-gitops"',
      );
  },
  intRange('gitops.syncIntervalSeconds', (e) => e.gitops.syncIntervalSeconds, 30, 86400, '60'),
  pattern(
    'gitops.fluxExtensionVersion',
    (e) => e.gitops.fluxExtensionVersion,
    EXACT_SEMVER,
    'must be an exact microsoft.flux extension version X.Y.Z',
    '"1.23.0"',
  ),
  (_env, fail) => {
    for (const name of [FLUX.configurationName, FLUX.rootKustomizationName, ...FLUX.layers]) {
      if (!FLUX_NAME.test(name))
        fail('flux names', name, 'must be at most 30 lowercase letters, digits or hyphens (AKS flux configuration rule)', '"materialize"');
    }
  },

  // State.
  (env, fail) => {
    const s = env.state.azurerm;
    if (!s) return;
    if (!/^[a-z0-9]{3,24}$/.test(s.storageAccountName ?? ''))
      fail('state.azurerm.storageAccountName', s.storageAccountName, 'must be 3-24 lowercase letters and digits', '"acmetfstate"');
    if (!/^[-\w.()]{1,90}$/.test(s.resourceGroupName ?? ''))
      fail('state.azurerm.resourceGroupName', s.resourceGroupName, 'must be an Azure resource group name', '"tfstate-rg"');
  },
];

/** Every problem in one pass, so that a user fixes a file once rather than once per error. */
export function findProblems(env: Environment, context: ValidationContext = { now: new Date() }): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const environment = typeof env.name === 'string' && env.name ? env.name : '<unnamed>';
  for (const check of checks) {
    check(env, (field, value, rule, example) => problems.push({ environment, field, value, rule, example }), context);
  }
  return problems;
}

/** Things to say without refusing: a Kubernetes minor close to its end of life. */
export function environmentWarnings(env: Environment, context: ValidationContext = { now: new Date() }): string[] {
  const status = aksVersionStatus(env.aks.kubernetesVersion, context.now);
  if (status.kind !== 'ending') return [];
  return [
    `warning: environment "${env.name}": aks.kubernetesVersion ${env.aks.kubernetesVersion} reaches AKS end of life on ${status.endOfLife.toISOString().slice(0, 10)}, in ${status.days} days; upgrade to a newer minor (${DEFAULT_AKS_MINOR} or later) before then`,
  ];
}

export function validateEnvironment(env: Environment, context: ValidationContext = { now: new Date() }): Environment {
  const problems = findProblems(env, context);
  if (problems.length > 0) throw new EnvironmentValidationError(problems);
  return env;
}

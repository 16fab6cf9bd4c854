import { AKS_CALENDAR, aksCalendarDates, aksVersionStatus, DEFAULT_AKS_MINOR } from './aks-versions';
import { capacityProblems, parseMemory } from './capacity';
import { VM_SIZES } from './vm-sizes';
import { FLUX, NETWORK_POLICY_ENGINE } from './contract';
import { contains, containsIp, formatIp, overlaps, parseCidr, parseIp, type Cidr } from './cidr';
import { ADDRESSES_PER_NODE, AZURE_RESERVED_PER_SUBNET, smallestPrefixFor, subnetNeed } from './subnet';
import { EXACT_V_SEMVER, VM_SIZE, type Environment } from './environment';
import { certManagerStatus, DEFAULT_CERT_MANAGER_VERSION } from './cert-manager-versions';
import { compareVersions, DEFAULT_OPERATOR_VERSION, isVerifiedOperatorVersion, VERIFIED_OPERATOR_VERSIONS } from './operator-versions';
import { fieldRuleProblems } from './problems';

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
  // JSON has no NaN or Infinity (it writes null): show them as they are.
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
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

/** Premium namespaces are sold in these processing units (learn.microsoft.com/azure/event-hubs/event-hubs-premium-overview). */
const EVENT_HUBS_PREMIUM_UNITS = [1, 2, 4, 8, 16];
/** "AKS clusters may not use" these for the service address range (docs.microsoft.com/azure/aks/configure-advanced-networking). */
const AKS_RESERVED_SERVICE_RANGES = ['169.254.0.0/16', '172.30.0.0/16', '172.31.0.0/16', '192.0.2.0/24'];
/** Azure: at most 50 tags per resource; the stack always sets environment and managed-by. */
const MAX_USER_TAGS = 48;
const FLUX_NAME = /^[a-z\d]([-a-z\d]{0,28}[a-z\d])?$/;

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

/** MiB of a Kubernetes memory quantity, or undefined when it is not one (its own rule says so). */
function memoryMi(q: string): number | undefined {
  try {
    return parseMemory(q);
  } catch {
    return undefined;
  }
}

/** A CIDR for the rules that relate fields; a malformed one is its own field's rule's to name. */
function valid(text: string): Cidr | undefined {
  const c = parseCidr(text);
  return typeof c === 'string' ? undefined : c;
}

/**
 * The rules that relate fields: one field's rules live on its declaration in environment.ts.
 * These run on the resolved environment after those, in this order.
 */
const checks: Check[] = [
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
      if (k.length > 512 || /[<>%&\\?/]/.test(k) || v.length > 256) {
        fail(`tags.${k}`, v, 'must have a key of at most 512 characters without <>%&\\?/ and a value of at most 256', '{ team: "data" }');
      }
    }
  },

  // Network.
  (env, fail) => {
    const n = env.network;
    const vnet = valid(n.vnetCidr);
    const aks = valid(n.aksSubnetCidr);
    const pg = valid(n.postgresSubnetCidr);
    const svc = valid(n.serviceCidr);
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
    if (aks) {
      const need = subnetNeed(env);
      const size = aks.last - aks.first + 1;
      if (size < need.total) {
        const prefix = smallestPrefixFor(need.total);
        fail(
          'network.aksSubnetCidr',
          n.aksSubnetCidr,
          `must hold every node and pod address (Azure CNI: ${ADDRESSES_PER_NODE} per node): up to ${need.nodes} nodes at once (every pool at its maxCount, plus an upgrade surge or a pool rotation) need ${need.total} addresses with Azure's ${AZURE_RESERVED_PER_SUBNET}${env.access.publicLoadBalancers ? '' : ' and the 2 load-balancer frontends'}; a /${aks.prefix} has ${size}: use a /${prefix} or larger`,
          `"${formatIp(aks.first)}/${Math.min(prefix, aks.prefix)}"`,
        );
      } else if (!env.access.publicLoadBalancers) {
        // Azure hands node and pod addresses out from the start of the subnet: a frontend among them is taken.
        for (const field of ['sqlLoadBalancerIp', 'consoleLoadBalancerIp'] as const) {
          const ip = parseIp(n[field]);
          if (ip !== undefined && containsIp(aks, ip) && ip < aks.first + 4 + need.nodeAddresses)
            fail(
              `network.${field}`,
              n[field],
              `must lie past the first ${need.nodeAddresses} addresses of network.aksSubnetCidr after Azure's 4 (what up to ${need.nodes} nodes take), or a node may hold it first`,
              `"${formatIp(aks.last - 6)}"`,
            );
        }
      }
    }
    if (svc) {
      const dns = parseIp(n.dnsServiceIp);
      if (dns === undefined || !containsIp(svc, dns) || dns === svc.first || dns === svc.last) {
        fail(
          'network.dnsServiceIp',
          n.dnsServiceIp,
          `must be an address inside network.serviceCidr ${n.serviceCidr}, not its network or broadcast address`,
          '"10.1.0.10"',
        );
      }
      // kube-apiserver takes a service range of at most 2^20 addresses (a /12).
      if (svc.prefix < 12)
        fail(
          'network.serviceCidr',
          n.serviceCidr,
          'must be a /12 or narrower (Kubernetes allows at most 2^20 service addresses)',
          '"10.1.0.0/16"',
        );
    }
  },

  // AKS.
  (env, fail, { now }) => {
    const version = env.aks.kubernetesVersion;
    const status = aksVersionStatus(version, now);
    const supported = Object.entries(AKS_CALENDAR)
      .filter(([, c]) => {
        const { ga, over } = aksCalendarDates(c);
        return ga <= now && now < over;
      })
      .map(([m]) => m);
    if (status.kind === 'endOfLife' && !env.aks.longTermSupport) {
      fail(
        'aks.kubernetesVersion',
        version,
        `reached AKS end of life after ${status.endOfLife.toISOString().slice(0, 10)}: no cluster can be created on it (supported now: ${supported.join(', ')}), unless aks.longTermSupport is on`,
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
  (env, fail) => {
    // AKS's system pool rules (MicrosoftDocs/azure-aks-docs, use-system-pools.md): "must contain at
    // least two nodes", "a VM SKU of at least 4 vCPUs and 4 GB of memory", B-series "aren't supported".
    const sp = env.aks.systemPool;
    if (env.aks.throwawaySystemPool) return;
    const size = VM_SIZES[sp.vmSize];
    const throwaway = 'or, for an environment meant to be thrown away, aks.throwawaySystemPool: true';
    if (sp.nodeCount < 2)
      fail('aks.systemPool.nodeCount', sp.nodeCount, `must be 2 or more: AKS supports no system pool of one node (${throwaway})`, '2');
    if (/^Standard_B/.test(sp.vmSize))
      fail(
        'aks.systemPool.vmSize',
        sp.vmSize,
        `must not be B-series: AKS does not support burstable VMs for system pools (${throwaway})`,
        '"Standard_D4ds_v5"',
      );
    else if (size && (size.vcpus < 4 || size.memoryGiB < 4))
      fail(
        'aks.systemPool.vmSize',
        sp.vmSize,
        `must have at least 4 vCPUs and 4 GB (AKS's system pool minimum; ${sp.vmSize} has ${size.vcpus} vCPUs, ${size.memoryGiB} GB; ${throwaway})`,
        '"Standard_D4ds_v5"',
      );
  },
  (env, fail) => {
    if (env.aks.systemPool.name === env.aks.materializePool.name)
      fail('aks.materializePool.name', env.aks.materializePool.name, 'must differ from aks.systemPool.name', '"mzpool"');
  },
  (env, fail) => {
    for (const pool of ['systemPool', 'materializePool'] as const) {
      const p = env.aks[pool];
      if (VM_SIZE.test(p.vmSize) && !(p.vmSize in VM_SIZES)) {
        fail(
          `aks.${pool}.vmSize`,
          p.vmSize,
          `must be a size the capacity check knows (${Object.keys(VM_SIZES).join(', ')}); add yours with its vCPUs and memory to model/vm-sizes.ts`,
          pool === 'systemPool' ? '"Standard_D4ds_v5"' : '"Standard_E4pds_v6"',
        );
      }
      if (p.maxCount < p.nodeCount || p.maxCount > 1000)
        fail(`aks.${pool}.maxCount`, p.maxCount, `must be a whole number from nodeCount (${p.nodeCount}) to 1000`, String(p.nodeCount * 2));
    }
    for (const c of capacityProblems(env)) {
      const pool = env.aks[c.field === 'aks.systemPool' ? 'systemPool' : 'materializePool'];
      fail(c.field, `${pool.nodeCount} x ${pool.vmSize}`, c.rule, c.example);
    }
  },

  // PostgreSQL.
  (env, fail) => {
    const ceiling = maxConnectionsCeiling(env.postgres.skuName);
    const v = env.postgres.maxConnections;
    if (v < 25 || v > ceiling) {
      fail('postgres.maxConnections', v, `must be a whole number from 25 to ${ceiling} for SKU ${env.postgres.skuName}`, '200');
    }
  },
  (env, fail) => {
    if (env.postgres.highAvailability && env.postgres.skuName.startsWith('B_')) {
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

  // Storage.
  (env, fail) => {
    if (env.storage.tier === 'Premium' && !['LRS', 'ZRS'].includes(env.storage.replication)) {
      fail('storage.replication', env.storage.replication, 'must be LRS or ZRS on Premium block blob storage', '"LRS"');
    }
  },
  (env, fail) => {
    const { sasRotationDays: r, sasValidityDays: v } = env.storage;
    if (r < 1 || r > v - 7) {
      fail('storage.sasRotationDays', r, `must be a whole number from 1 to ${v - 7} (at least a week before the SAS expires)`, '90');
    }
  },

  // Event Hubs.
  (env, fail) => {
    // Standard: throughput units, up to 40 (event-hubs-scalability); Premium: processing units, in fixed steps.
    const c = env.eventHubs.capacity;
    if (env.eventHubs.sku === 'Premium') {
      if (!EVENT_HUBS_PREMIUM_UNITS.includes(c))
        fail('eventHubs.capacity', c, `must be one of ${EVENT_HUBS_PREMIUM_UNITS.join(', ')} processing units on Premium`, '1');
    } else if (c < 1 || c > 40) {
      fail('eventHubs.capacity', c, 'must be a whole number of throughput units from 1 to 40 on Standard', '1');
    }
  },
  (env, fail) => {
    const seen = new Set<string>();
    const maxPartitions = env.eventHubs.sku === 'Premium' ? 100 : 32;
    const maxRetention = env.eventHubs.sku === 'Premium' ? 90 : 7;
    const clusterNames = env.eventHubs.clusters.map((c) => c.name);
    env.eventHubs.topics.forEach((t, i) => {
      const f = `eventHubs.topics[${i}]`;
      // Event Hubs compares hub names without case: "Orders" and "orders" are one hub.
      if (seen.has(t.name.toLowerCase()))
        fail(`${f}.name`, t.name, 'must be unique among topics, compared without case as Event Hubs compares them', '"customers"');
      seen.add(t.name.toLowerCase());
      if (t.partitions < 1 || t.partitions > maxPartitions) {
        fail(`${f}.partitions`, t.partitions, `must be a whole number from 1 to ${maxPartitions} on ${env.eventHubs.sku}`, '4');
      }
      if (t.retentionDays < 1 || t.retentionDays > maxRetention) {
        fail(`${f}.retentionDays`, t.retentionDays, `must be a whole number from 1 to ${maxRetention} on ${env.eventHubs.sku}`, '1');
      }
      if (t.source.envelope === 'upsert' && t.source.valueFormat !== 'json') {
        fail(`${f}.source.valueFormat`, t.source.valueFormat, 'must be "json" with the upsert envelope (views read JSON fields)', '"json"');
      }
      if (!clusterNames.includes(t.source.cluster))
        fail(
          `${f}.source.cluster`,
          t.source.cluster,
          `must name one of eventHubs.clusters (${clusterNames.join(', ') || 'none declared'})`,
          `"${clusterNames[0] ?? 'ingest'}"`,
        );
      t.views.forEach((v, j) => {
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
      });
    });
    const relations = env.eventHubs.topics.flatMap((t) => [t.source.name, ...t.views.map((v) => v.name)]);
    // Sources and views share schema public: one name, one relation (CREATE ... fails on the second).
    const owner = new Map<string, string>();
    env.eventHubs.topics.forEach((t, i) => {
      const named: [string, string][] = [
        [`eventHubs.topics[${i}].source.name`, t.source.name],
        ...t.views.map((v, j): [string, string] => [`eventHubs.topics[${i}].views[${j}].name`, v.name]),
      ];
      for (const [field, name] of named) {
        const first = owner.get(name);
        if (first)
          fail(field, name, `must differ from ${first}: sources and views share one schema, so a name is one relation`, `"${name}_2"`);
        else owner.set(name, field);
      }
      t.views.forEach((v, j) => {
        const columns = new Set<string>();
        v.columns.forEach((c, k) => {
          if (columns.has(c.name))
            fail(
              `eventHubs.topics[${i}].views[${j}].columns[${k}].name`,
              c.name,
              'must be unique among the columns of its view',
              `"${c.name}_2"`,
            );
          columns.add(c.name);
        });
      });
    });
    env.eventHubs.roles.forEach((r, i) => {
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
      if (clusterSeen.has(c.name)) fail(`eventHubs.clusters[${i}].name`, c.name, 'must be unique among clusters', '"serving"');
      clusterSeen.add(c.name);
    });
  },

  // Materialize.
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
    const { operatorChartVersion: op, allowUnverifiedVersion } = env.materialize;
    if (EXACT_V_SEMVER.test(op) && !isVerifiedOperatorVersion(op) && !allowUnverifiedVersion) {
      fail(
        'materialize.operatorChartVersion',
        op,
        `is not a version this project renders and checks (${VERIFIED_OPERATOR_VERSIONS.join(', ')}); to run it anyway, set materialize.allowUnverifiedVersion: true`,
        `"${DEFAULT_OPERATOR_VERSION}"`,
      );
    }
  },
  (env, fail, { now }) => {
    if (!env.materialize.certManager) return;
    const version = env.charts.certManager;
    const status = certManagerStatus(version, now);
    if (status.kind === 'endOfLife')
      fail(
        'charts.certManager',
        version,
        `is on a cert-manager line out of support since ${status.endOfLife} (supported now: ${status.supported.join(', ')}; model/cert-manager-versions.ts)`,
        `"${DEFAULT_CERT_MANAGER_VERSION}"`,
      );
    if (status.kind === 'unknown' && EXACT_V_SEMVER.test(version))
      fail(
        'charts.certManager',
        version,
        `is not on a released cert-manager line of model/cert-manager-versions.ts (known: ${status.known.join(', ')}); add its line with its release date`,
        `"${DEFAULT_CERT_MANAGER_VERSION}"`,
      );
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

  (env, fail) => {
    // Kubernetes refuses a pod whose request is above its limit.
    for (const key of ['environmentdResources', 'balancerdResources'] as const) {
      const r = env.materialize[key];
      const [request, limit] = [memoryMi(r.memoryRequest), memoryMi(r.memoryLimit)];
      if (request !== undefined && limit !== undefined && request > limit)
        fail(
          `materialize.${key}.memoryRequest`,
          r.memoryRequest,
          `must not exceed its memoryLimit ${r.memoryLimit} (Kubernetes refuses a request above the limit)`,
          `"${r.memoryLimit}"`,
        );
    }
  },

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
  (env, fail) => {
    const { auth, repositoryUrl } = env.gitops;
    // A credential in the URL is a secret in a committed file; http:// is fetched in clear and unauthenticated.
    if (/^[a-z]+:\/\/[^/@\s]+@/.test(repositoryUrl) && !/^ssh:\/\/[^/:@\s]+@/.test(repositoryUrl))
      fail(
        'gitops.repositoryUrl',
        repositoryUrl.replace(/\/\/[^/@]+@/, '//<credentials>@'),
        'must not carry credentials (they would be committed with the environment): use gitops.auth "https" and TF_VAR_git_https_token',
        '"https://github.com/acme/materialize-gitops"',
      );
    if (repositoryUrl.startsWith('http://'))
      fail(
        'gitops.repositoryUrl',
        repositoryUrl,
        'must be https:// or ssh://: over http:// Flux would fetch the GitOps folder in clear, unauthenticated',
        `"${repositoryUrl.replace(/^http:/, 'https:')}"`,
      );
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
  (_env, fail) => {
    for (const name of [FLUX.configurationName, FLUX.rootKustomizationName, ...FLUX.layers, FLUX.monitoringLayer]) {
      if (!FLUX_NAME.test(name))
        fail('flux names', name, 'must be at most 30 lowercase letters, digits or hyphens (AKS flux configuration rule)', '"materialize"');
    }
  },
];

/**
 * Environments that share a subscription or a repository must not share a name: global Azure
 * names, stack names and `dist/` folders are compared across all of them.
 */
export function crossEnvironmentProblems(envs: readonly Environment[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const unique: [string, (e: Environment) => string][] = [
    ['name', (e) => e.name],
    ['prefix', (e) => e.prefix],
    ['names.resourceGroup', (e) => e.names.resourceGroup],
    ['names.storageAccount', (e) => e.names.storageAccount],
    ['names.postgresServer', (e) => e.names.postgresServer],
    ['names.eventHubsNamespace', (e) => e.names.eventHubsNamespace],
    ['materialize.environmentId', (e) => e.materialize.environmentId],
  ];
  for (const [field, get] of unique) {
    const owner = new Map<string, string>();
    for (const env of envs) {
      const value = get(env);
      // Azure resource names ignore case, and so do the file systems dist/<name> may land on (macOS, Windows).
      const key = value.toLowerCase();
      const first = owner.get(key);
      if (first !== undefined) {
        problems.push({
          environment: env.name,
          field,
          value,
          rule: `must differ from environment "${first}"${get(envs.find((e) => e.name === first)!) === value ? '' : ' (Azure names ignore case)'}`,
          example: 'a value of its own',
        });
      } else owner.set(key, env.name);
    }
  }
  return problems;
}

/** Every problem in one pass, so that a user fixes a file once rather than once per error. */
export function findProblems(env: Environment, context: ValidationContext = { now: new Date() }): ValidationProblem[] {
  const environment = typeof env.name === 'string' && env.name ? env.name : '<unnamed>';
  const problems: ValidationProblem[] = fieldRuleProblems(env).map((p) => ({ environment, ...p }));
  for (const check of checks) {
    check(env, (field, value, rule, example) => problems.push({ environment, field, value, rule, example }), context);
  }
  return problems;
}

/** Things to say without refusing: a Kubernetes minor close to its end of life. */
export function environmentWarnings(env: Environment, context: ValidationContext = { now: new Date() }): string[] {
  const warnings: string[] = [];
  const status = aksVersionStatus(env.aks.kubernetesVersion, context.now);
  if (status.kind === 'ending')
    warnings.push(
      `warning: environment "${env.name}": aks.kubernetesVersion ${env.aks.kubernetesVersion} reaches AKS end of life after ${status.endOfLife.toISOString().slice(0, 10)}, in ${status.days} days; upgrade to a newer minor (${DEFAULT_AKS_MINOR} or later) before then`,
    );
  const { operatorChartVersion: op, allowUnverifiedVersion } = env.materialize;
  if (allowUnverifiedVersion && !isVerifiedOperatorVersion(op))
    warnings.push(
      `warning: environment "${env.name}": materialize.operatorChartVersion ${op} was not rendered or checked here (verified: ${VERIFIED_OPERATOR_VERSIONS.join(', ')}); its values, network policies and capacity are those written for ${VERIFIED_OPERATOR_VERSIONS.filter((v) => compareVersions(v, op) <= 0).pop() ?? VERIFIED_OPERATOR_VERSIONS[0]}: read its chart's changes before deploying`,
    );
  else if (allowUnverifiedVersion)
    warnings.push(`warning: environment "${env.name}": materialize.allowUnverifiedVersion is on, but ${op} is verified: remove the line`);
  if (env.aks.throwawaySystemPool)
    warnings.push(
      `warning: environment "${env.name}": aks.throwawaySystemPool is on: ${env.aks.systemPool.nodeCount} x ${env.aks.systemPool.vmSize} is a system pool AKS does not support; one reimage stops CoreDNS, Flux and the operator together`,
    );
  if (env.aks.networkPolicy === 'azure')
    warnings.push(
      `warning: environment "${env.name}": aks.networkPolicy 'azure' is Azure Network Policy Manager, whose Linux support Microsoft ends on ${NETWORK_POLICY_ENGINE.azureNpmLinuxEndOfSupport}; moving to 'cilium' replaces the AKS cluster (Materialize's data stays in PostgreSQL and Blob Storage): plan it as the README's "Moving to Cilium" says`,
    );
  if (env.materialize.certManager) {
    const cm = certManagerStatus(env.charts.certManager, context.now);
    if (cm.kind === 'superseded')
      warnings.push(
        `warning: environment "${env.name}": charts.certManager ${env.charts.certManager} is supported only until cert-manager ${cm.endsWith} is released (${cm.newest} is out); upgrade to ${DEFAULT_CERT_MANAGER_VERSION}`,
      );
  }
  return warnings;
}

export function validateEnvironment(env: Environment, context: ValidationContext = { now: new Date() }): Environment {
  const problems = findProblems(env, context);
  if (problems.length > 0) throw new EnvironmentValidationError(problems);
  return env;
}

import { compareVersions } from '../../model/operator-versions';
import { contains, parseCidr, parseIp } from '../../model/cidr';
import { AZURE_LB_ANNOTATIONS, CHARTS, POSTGRES_PARAMETERS } from '../../model/contract';
import type { KubernetesChange } from './kubernetes';
import type { Finding } from './model';
import { show, valueAt } from './structure';
import type { TerraformChange } from './terraform';

/**
 * What each change does to the running system, one rule per function (like the policy Aspects):
 * each returns the findings it is sure of, with the reason a reviewer needs. A change no rule
 * speaks about is safe.
 */
export type TerraformRule = (c: TerraformChange) => Finding[];
export type KubernetesRule = (c: KubernetesChange) => Finding[];

/** What is lost when a resource of this type is destroyed. */
const HOLDS_DATA: Readonly<Record<string, string>> = {
  azurerm_resource_group: 'the resource group and every resource in it',
  azurerm_postgresql_flexible_server: "the metadata server, which holds Materialize's catalog",
  azurerm_postgresql_flexible_server_database: "the metadata database: Materialize's catalog",
  azurerm_storage_account: 'the persist storage account: the data of every source, table and materialized view',
  azurerm_storage_container: 'the persist container: the data of every source, table and materialized view',
  tls_private_key: 'the sealing key: every SealedSecret in Git becomes undecryptable',
  azurerm_eventhub_namespace: 'the Event Hubs namespace and every event it retains',
  azurerm_eventhub: 'the topic and the events it retains',
  azurerm_monitor_workspace: "the Azure Monitor workspace: the environment's metrics history",
  azurerm_dashboard_grafana: "Grafana: what was changed in it by hand (the repository's dashboards come back with mzops dashboards)",
};

const replaced = (c: TerraformChange) => c.action === 'replace' || c.action === 'destroy';
const because = (c: TerraformChange) => (c.replacement ? ` (${c.replacement.reasons.join('; ')})` : '');
const last = (path: string) =>
  path
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');

export const dataLossOnReplace: TerraformRule = (c) =>
  replaced(c) && HOLDS_DATA[c.type]
    ? [{ severity: 'data loss', reason: `${c.action === 'destroy' ? 'destroys' : 'replaces'} ${HOLDS_DATA[c.type]}${because(c)}` }]
    : [];

export const clusterRebuilt: TerraformRule = (c) => {
  if (c.type === 'azurerm_kubernetes_cluster' && replaced(c)) {
    return [
      {
        severity: 'downtime',
        // The stack's kubernetes provider takes its credentials from this cluster (README, "What gets created").
        reason: `${c.action === 'destroy' ? 'destroys' : 'rebuilds'} the AKS cluster: every workload stops${because(c)}; the kubernetes provider that writes the sealing key is configured from this cluster, so deploy with npm run deploy or mzops deploy, which apply the cluster alone first (cdktf deploy alone fails on the sealing key)`,
      },
    ];
  }
  if (c.type === 'azurerm_kubernetes_cluster_node_pool' && replaced(c)) {
    return [
      {
        severity: 'downtime',
        reason: `${c.action === 'destroy' ? 'removes' : 'replaces'} the node pool: its pods are evicted${because(c)}`,
      },
    ];
  }
  return c.rotate.length
    ? [
        {
          severity: 'downtime',
          reason: `cycles the node pool through temporary_name_for_rotation (${c.rotate.join('; ')}): its pods are evicted`,
        },
      ]
    : [];
};

export const addressChanges: TerraformRule = (c) => {
  if (c.type === 'azurerm_public_ip' && replaced(c)) {
    return [{ severity: 'downtime', reason: `the cluster's egress address changes${because(c)}: firewalls that admit it must follow` }];
  }
  if (c.type === 'azurerm_private_dns_a_record' && c.action !== 'create' && c.attributes.some((a) => a.path.startsWith('records'))) {
    return [{ severity: 'downtime', reason: 'an endpoint name resolves to another address: clients reconnect' }];
  }
  return [];
};

export const credentialsRenewed: TerraformRule = (c) =>
  c.type === 'random_password' && replaced(c)
    ? [
        {
          severity: 'downtime',
          reason: 'a new PostgreSQL admin password: Materialize loses its metadata connection until mzops seal and a rollout',
        },
      ]
    : [];

/** Switches that open a resource to the internet, or to anonymous readers, when true. */
const OPENING_FLAGS = new Set(['public_network_access_enabled', 'allow_nested_items_to_be_public', 'node_public_ip_enabled']);

export const publicAccessOn: TerraformRule = (c) =>
  c.attributes
    .filter((a) => OPENING_FLAGS.has(last(a.path)) && a.after === true && a.before !== true)
    .map((a) => ({ severity: 'exposure', reason: `${a.path} ${c.action === 'create' ? 'is' : 'switches to'} true` }));

const TLS_ORDER = ['TLS1_0', '1.0', 'TLS1_1', '1.1', 'TLS1_2', '1.2', 'TLS1_3', '1.3'];
const tlsRank = (v: unknown) => Math.floor(TLS_ORDER.indexOf(String(v)) / 2);

export const tlsWeakened: TerraformRule = (c) => {
  const out: Finding[] = [];
  for (const a of c.attributes) {
    const key = last(a.path);
    if (key === 'https_traffic_only_enabled' && a.before === true && a.after === false)
      out.push({ severity: 'exposure', reason: 'HTTPS-only is switched off' });
    if ((key === 'min_tls_version' || key === 'minimum_tls_version') && a.before !== undefined && tlsRank(a.after) < tlsRank(a.before)) {
      out.push({ severity: 'exposure', reason: `${a.path} lowered from ${show(a.before)} to ${show(a.after)}` });
    }
  }
  const setting = (c.after ?? c.before) as { name?: unknown; value?: unknown } | undefined;
  if (c.type === 'azurerm_postgresql_flexible_server_configuration' && setting?.name === POSTGRES_PARAMETERS.requireSecureTransport) {
    const was = (c.before as { value?: unknown } | undefined)?.value;
    const now = c.action === 'destroy' ? undefined : (c.after as { value?: unknown } | undefined)?.value;
    if (was === 'on' && now !== 'on')
      out.push({ severity: 'exposure', reason: 'PostgreSQL stops requiring TLS (require_secure_transport)' });
  }
  return out;
};

/** Does the set of ranges `after` admit an address `before` did not? IPv4 CIDRs and plain addresses. */
export function widens(before: unknown, after: unknown): string[] {
  const ranges = (v: unknown) => (Array.isArray(v) ? v : []).map(String).map((t) => parseCidr(t.includes('/') ? t : `${t}/32`));
  const old = ranges(before);
  const next = ranges(after);
  const was = new Set((Array.isArray(before) ? before : []).map(String));
  return (Array.isArray(after) ? after : []).map(String).filter((text, i) => {
    const r = next[i];
    if (was.has(text)) return false;
    if (typeof r === 'string') return true;
    return !old.some((o) => typeof o !== 'string' && contains(o, r));
  });
}

/**
 * Lists of client ranges in the stack's arguments: more entries, or wider ones, admit more
 * clients. Each names the field of an entry that holds the range, when entries are blocks.
 */
const RANGE_LISTS: Readonly<Record<string, string | undefined>> = {
  ip_rules: undefined,
  authorized_ip_ranges: undefined,
  ip_rule: 'ip_mask',
};

export const networkOpened: TerraformRule = (c) => {
  const out: Finding[] = [];
  // A change shows as the list itself, one entry of it, or one field of an entry.
  const listOf = (path: string) =>
    [path, path.replace(/\[\d+\]$/, ''), path.replace(/\[\d+\]\.[a-z_]+$/, '')].find((p) => last(p) in RANGE_LISTS && !/\[\d+\]$/.test(p));
  const lists = new Set(c.attributes.map((a) => listOf(a.path)).filter((p): p is string => p !== undefined));
  for (const path of lists) {
    const field = RANGE_LISTS[last(path)];
    const ranges = (v: unknown) => (Array.isArray(v) && field ? v.map((entry) => valueAt(entry, field)) : v);
    // No list before is no limit before (an open firewall, an unrestricted API server): a list now only narrows.
    if (valueAt(c.before, path) === undefined) continue;
    const added = widens(ranges(valueAt(c.before, path)), ranges(valueAt(c.after, path)));
    if (c.action !== 'create' && added.length) out.push({ severity: 'exposure', reason: `${path} now admits ${added.join(', ')}` });
  }
  for (const a of c.attributes) {
    if (last(a.path) === 'default_action' && a.before === 'Deny' && a.after === 'Allow')
      out.push({ severity: 'exposure', reason: `${a.path} switches from Deny to Allow` });
  }
  if (c.type === 'azurerm_kubernetes_cluster' && c.action === 'update') {
    const before = valueAt(c.before, 'api_server_access_profile.authorized_ip_ranges');
    const after = valueAt(c.after, 'api_server_access_profile.authorized_ip_ranges');
    if (Array.isArray(before) && before.length && !(Array.isArray(after) && after.length)) {
      out.push({ severity: 'exposure', reason: 'the API server no longer limits its clients (authorized_ip_ranges removed)' });
    }
  }
  if (c.type === 'azurerm_postgresql_flexible_server_firewall_rule' && c.action !== 'destroy') {
    const range = (v: unknown) => {
      const r = v as { start_ip_address?: string; end_ip_address?: string } | undefined;
      return r ? [parseIp(r.start_ip_address ?? ''), parseIp(r.end_ip_address ?? '')] : [undefined, undefined];
    };
    const [s0, e0] = range(c.action === 'create' ? undefined : c.before);
    const [s1, e1] = range(c.after);
    const wider = s0 === undefined || e0 === undefined || s1 === undefined || e1 === undefined || s1 < s0 || e1 > e0;
    const shown = `${(c.after as { start_ip_address?: string }).start_ip_address}-${(c.after as { end_ip_address?: string }).end_ip_address}`;
    if (wider)
      out.push({ severity: 'exposure', reason: `the PostgreSQL firewall ${c.action === 'create' ? 'admits' : 'now admits'} ${shown}` });
  }
  return out;
};

/** Firewalled data services: the block that holds their default action, and who to tell when it closes. */
const FIREWALLS: Readonly<Record<string, { block: string; rules: string; mask?: string; fix: string }>> = {
  azurerm_eventhub_namespace: {
    block: 'network_rulesets',
    rules: 'ip_rule',
    mask: 'ip_mask',
    fix: 'a producer elsewhere stops publishing: add its range to eventHubs.producerRanges, or set eventHubs.publicNetworkAccess: true',
  },
  azurerm_storage_account: {
    block: 'network_rules',
    rules: 'ip_rules',
    fix: 'a client elsewhere (a backup or restore tool) is refused: add its range to allowedClientRanges, or set storage.publicNetworkAccess: true',
  },
};

/**
 * A firewall that starts refusing by default on a resource that already exists: whoever reached
 * it from an address it does not list is cut off when the apply lands.
 */
export const networkClosed: TerraformRule = (c) => {
  const firewall = FIREWALLS[c.type];
  if (!firewall || c.action !== 'update') return [];
  // One block, rendered as an object or as a list of one.
  const block = (v: unknown) => {
    const b = valueAt(v, firewall.block);
    return Array.isArray(b) ? b[0] : b;
  };
  if (valueAt(block(c.after), 'default_action') !== 'Deny' || valueAt(block(c.before), 'default_action') === 'Deny') return [];
  const rules = valueAt(block(c.after), firewall.rules);
  const admitted = (Array.isArray(rules) ? rules : []).map((r) => (firewall.mask ? valueAt(r, firewall.mask) : r)).map(String);
  const listed = admitted.map((a) => (a.includes('${') ? "the cluster's egress address" : a));
  return [
    {
      severity: 'downtime',
      reason: `the firewall starts refusing every network it does not list (it admits ${listed.join(', ') || 'nothing but its subnets'}): ${firewall.fix}`,
    },
  ];
};

/** Roles that let a principal read the environment's metrics or dashboards. */
const READER_ROLES = new Set(['Monitoring Data Reader', 'Monitoring Reader', 'Grafana Viewer', 'Grafana Editor', 'Grafana Admin']);

/**
 * Observability turned off, or opened to more people: the alert rules going means nobody is told
 * when Materialize fails; a new reader role means someone more sees the metrics.
 */
export const observabilityChanged: TerraformRule = (c) => {
  if (c.type === 'azurerm_monitor_alert_prometheus_rule_group' && c.action === 'destroy')
    return [
      { severity: 'downtime', reason: 'the alert rules are removed: nobody is told when Materialize fails (observability turned off?)' },
    ];
  if (c.type === 'azurerm_kubernetes_cluster' && c.action === 'update') {
    const had = valueAt(c.before, 'monitor_metrics') !== undefined;
    const has = valueAt(c.after, 'monitor_metrics') !== undefined;
    if (had && !has)
      return [{ severity: 'downtime', reason: "AKS's managed Prometheus is turned off: no metrics are collected from here on" }];
  }
  if (c.type === 'azurerm_role_assignment' && (c.action === 'create' || c.action === 'replace')) {
    const role = String(valueAt(c.after, 'role_definition_name') ?? '');
    const principal = String(valueAt(c.after, 'principal_id') ?? '');
    // Grafana's own identity (a Terraform reference) reading the workspace is no new person.
    if (READER_ROLES.has(role) && !principal.includes('${'))
      return [
        {
          severity: 'exposure',
          reason: `${role} for ${show(valueAt(c.after, 'principal_id'))}: one more principal reads the environment's metrics`,
        },
      ];
  }
  return [];
};

export const protectionRemoved: TerraformRule = (c) =>
  c.attributes.some((a) => a.path === 'lifecycle.prevent_destroy' && a.before === true && a.after !== true)
    ? [{ severity: 'exposure', reason: 'prevent_destroy is removed: Terraform will no longer refuse to destroy it' }]
    : [];

/**
 * azurerm v4.55 (internal/services/eventhub/eventhub_resource.go, update): "partition_count cannot
 * be decreased", and "cannot be changed unless the namespace sku is Premium". Neither replaces the
 * hub: the apply fails, and everything after it in the apply with it.
 */
export const partitionChange: TerraformRule = (c) => {
  if (c.type !== 'azurerm_eventhub' || c.action !== 'update') return [];
  const [before, after] = [Number(c.before?.partition_count), Number(c.after?.partition_count)];
  if (!Number.isFinite(before) || !Number.isFinite(after) || before === after) return [];
  return [
    {
      severity: 'downtime',
      reason:
        after < before
          ? `fails at apply: partition_count ${before} -> ${after}, and Event Hubs never lowers a partition count (azurerm refuses it on every tier); keep ${before}, or create a new topic and move producers and the source to it`
          : `fails at apply unless the namespace is Premium: partition_count ${before} -> ${after} (azurerm changes it only on Premium); on Standard keep ${before}, or set eventHubs.sku: 'Premium', or create a new topic`,
    },
  ];
};

export const TERRAFORM_RULES: readonly TerraformRule[] = [
  partitionChange,
  dataLossOnReplace,
  clusterRebuilt,
  addressChanges,
  credentialsRenewed,
  publicAccessOn,
  tlsWeakened,
  networkOpened,
  networkClosed,
  observabilityChanged,
  protectionRemoved,
];

// ---- Kubernetes: what Flux applying the new dist/ does ----

const spec = (o: KubernetesChange['before']) => (o?.spec ?? {}) as Record<string, unknown>;
const TLS_SPECS = ['balancerdExternalCertificateSpec', 'consoleExternalCertificateSpec', 'internalCertificateSpec'];

export const materializeInstance: KubernetesRule = (c) => {
  if (c.kind !== 'Materialize') return [];
  if (c.action === 'prune')
    return [{ severity: 'downtime', reason: 'the instance is deleted (its catalog and persist data stay in PostgreSQL and Blob Storage)' }];
  if (c.action !== 'update') return [];
  const out: Finding[] = [];
  const [b, a] = [spec(c.before), spec(c.after)];
  if (b.environmentId !== a.environmentId) {
    out.push({
      severity: 'data loss',
      reason: `environmentId ${show(b.environmentId)} -> ${show(a.environmentId)}: a new, empty instance; the old catalog and data are abandoned`,
    });
  }
  for (const key of TLS_SPECS) if (b[key] && !a[key]) out.push({ severity: 'exposure', reason: `TLS is switched off: ${key} is removed` });
  if (b.authenticatorKind !== a.authenticatorKind)
    out.push({ severity: 'exposure', reason: `authenticatorKind ${show(b.authenticatorKind)} -> ${show(a.authenticatorKind)}` });
  const image = (x: Record<string, unknown>) => String(x.environmentdImageRef ?? '').replace(/^.*:/, '');
  if (b.environmentdImageRef !== a.environmentdImageRef) {
    const [from, to] = [image(b), image(a)];
    const backwards = /^v?\d+\.\d+\.\d+$/.test(from) && /^v?\d+\.\d+\.\d+$/.test(to) && compareVersions(to, from) < 0;
    out.push({
      severity: 'downtime',
      reason: backwards
        ? `environmentd goes back ${from} -> ${to}: the operator refuses a rollback (FailedDeploy) and the instance stays on ${from}`
        : `environmentd upgrades ${from} -> ${to}: ${TAKE_OVER[String(a.rolloutStrategy ?? 'WaitUntilReady')] ?? TAKE_OVER.WaitUntilReady}`,
    });
  }
  if (b.requestRollout !== a.requestRollout) {
    const why: string[] = [];
    if (b.forceRollout !== a.forceRollout)
      why.push('a restart is forced (mzops rollout, or a new backend secret value such as a rotated SAS)');
    const rolloutFields = ['requestRollout', 'forceRollout', 'forcePromote', 'environmentdImageRef'];
    const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .filter((k) => !rolloutFields.includes(k) && JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .sort();
    if (fields.length > 0) why.push(`the spec changes (${fields.join(', ')})`);
    if (why.length === 0 && b.environmentdImageRef === a.environmentdImageRef)
      why.push("the operator's version or values change what it generates for environmentd");
    const manual = a.rolloutStrategy === 'ManuallyPromote' ? '; it waits at ReadyToPromote for mzops promote' : '';
    out.push({
      severity: 'downtime',
      reason: `environmentd rolls out to a new generation (requestRollout ${show(a.requestRollout)})${why.length ? `: ${why.join('; ')}` : ''}${manual}`,
    });
  }
  if (a.forcePromote && b.forcePromote !== a.forcePromote && a.forcePromote === a.requestRollout)
    out.push({ severity: 'downtime', reason: `promotes the waiting generation (forcePromote ${show(a.forcePromote)}): it takes over now` });
  return out;
};

/** How a new generation takes over, by rollout strategy (orchestratord's MaterializeRolloutStrategy). */
const TAKE_OVER: Record<string, string> = {
  WaitUntilReady: 'a new generation starts beside the old one and takes over once caught up',
  ManuallyPromote: 'a new generation starts beside the old one and takes over after mzops promote',
  ImmediatelyPromoteCausingDowntime: 'the old generation stops first: the instance is down until the new one is ready',
};

export const operatorUpgrade: KubernetesRule = (c) => {
  if (c.kind !== 'HelmRelease' || c.action !== 'update' || c.after?.metadata.name !== CHARTS.operator.releaseName) return [];
  const version = (o: KubernetesChange['before']) => valueAt(o, 'spec.chart.spec.version');
  return version(c.before) !== version(c.after)
    ? [
        {
          severity: 'downtime',
          reason: `the Materialize operator upgrades ${show(version(c.before))} -> ${show(version(c.after))}: Flux upgrades it before the instance layer, and environmentd rolls out onto what the new operator generates`,
        },
      ]
    : [];
};

export const loadBalancers: KubernetesRule = (c) => {
  if (c.kind !== 'Service') return [];
  const annotation = (o: KubernetesChange['before'], key: string) => (o?.metadata.annotations as Record<string, string> | undefined)?.[key];
  const isLb = (o: KubernetesChange['before']) => spec(o).type === 'LoadBalancer';
  const out: Finding[] = [];
  if (c.action === 'prune')
    return isLb(c.before) ? [{ severity: 'downtime', reason: 'the load balancer is deleted: its endpoint stops answering' }] : [];
  if (
    isLb(c.after) &&
    annotation(c.after, AZURE_LB_ANNOTATIONS.internal) !== 'true' &&
    (c.action === 'create' || annotation(c.before, AZURE_LB_ANNOTATIONS.internal) === 'true' || !isLb(c.before))
  ) {
    out.push({ severity: 'exposure', reason: 'a public load balancer: the endpoint is reachable from the internet' });
  }
  if (c.action === 'update') {
    for (const key of [AZURE_LB_ANNOTATIONS.ipv4, AZURE_LB_ANNOTATIONS.dnsLabel]) {
      if (annotation(c.before, key) !== annotation(c.after, key))
        out.push({
          severity: 'downtime',
          reason: `the load balancer's address changes (${key}: ${show(annotation(c.before, key))} -> ${show(annotation(c.after, key))})`,
        });
    }
    const [b, a] = [spec(c.before).loadBalancerSourceRanges, spec(c.after).loadBalancerSourceRanges];
    if (Array.isArray(b) && b.length && !(Array.isArray(a) && a.length))
      out.push({ severity: 'exposure', reason: 'loadBalancerSourceRanges removed: any client may connect' });
    else if (Array.isArray(b) && widens(b, a).length)
      out.push({ severity: 'exposure', reason: `loadBalancerSourceRanges now admit ${widens(b, a).join(', ')}` });
  }
  return out;
};

export const networkPolicies: KubernetesRule = (c) => {
  if (c.kind !== 'NetworkPolicy') return [];
  if (c.action === 'prune')
    return [{ severity: 'exposure', reason: 'the policy is deleted: pods only it selected are no longer isolated' }];
  if (c.action !== 'update') return [];
  const out: Finding[] = [];
  // Each (peer, ports) pair a rule admits; a rule without peers admits every peer on its ports.
  const flows = (o: KubernetesChange['before'], dir: 'ingress' | 'egress') =>
    new Set(
      ((spec(o)[dir] ?? []) as Record<string, unknown>[]).flatMap((rule) =>
        ((rule[dir === 'ingress' ? 'from' : 'to'] as unknown[] | undefined) ?? [{}]).map((peer) =>
          JSON.stringify({ peer, ports: rule.ports ?? 'all' }),
        ),
      ),
    );
  for (const dir of ['ingress', 'egress'] as const) {
    const [b, a] = [flows(c.before, dir), flows(c.after, dir)];
    const added = [...a].filter((f) => !b.has(f));
    const removed = [...b].filter((f) => !a.has(f));
    if (added.length) out.push({ severity: 'exposure', reason: `${dir} admits more: ${added.map(describeFlow).join('; ')}` });
    if (removed.length)
      out.push({ severity: 'downtime', reason: `${dir} admits less, cutting what it allowed: ${removed.map(describeFlow).join('; ')}` });
  }
  if (JSON.stringify(spec(c.before).podSelector) !== JSON.stringify(spec(c.after).podSelector)) {
    out.push({ severity: 'exposure', reason: 'the policy selects other pods: the pods it selected before are no longer isolated by it' });
  }
  return out;
};

function describeFlow(flow: string): string {
  const { peer, ports } = JSON.parse(flow) as { peer: Record<string, unknown>; ports: unknown };
  const who = Object.keys(peer).length === 0 ? 'any peer' : show(peer);
  return `${who} on ${ports === 'all' ? 'every port' : show(ports)}`;
}

export const deletions: KubernetesRule = (c) => {
  if (c.action !== 'prune') return [];
  if (c.kind === 'Namespace') return [{ severity: 'downtime', reason: 'the namespace is deleted, with everything in it' }];
  if (c.kind === 'Kustomization')
    return [{ severity: 'downtime', reason: 'Flux stops applying this layer and prunes every object it applied' }];
  if (c.kind === 'HelmRelease') return [{ severity: 'downtime', reason: 'Flux uninstalls the release' }];
  return [];
};

export const KUBERNETES_RULES: readonly KubernetesRule[] = [
  materializeInstance,
  operatorUpgrade,
  loadBalancers,
  networkPolicies,
  deletions,
];

/**
 * Which argument changes make Terraform replace (destroy, then create) a resource, for every
 * resource type the stack emits, read from the providers' own documentation and source. Paths are
 * argument names with blocks joined by '.', list indices left out (`network_rules.default_action`).
 *
 * Replacement is what turns an innocent-looking edit into data loss: renaming the PostgreSQL
 * database, moving the server to another subnet or changing the storage account's kind each
 * destroy what they hold. `terraform plan` says so too, but only with credentials and a state;
 * this table lets a reviewer see it offline, from the rendered JSON alone.
 */
export interface ReplacementRule {
  /** Arguments whose change forces a new resource. */
  readonly forceNew: readonly string[];
  /** Any change replaces: the resource has no in-place update. */
  readonly immutable?: boolean;
  /** Arguments whose change cycles the node pool through `temporary_name_for_rotation`: new nodes, same resource. */
  readonly rotate?: readonly string[];
  /** Replacement that depends on the direction of a change (the provider's CustomizeDiff); a reason, or undefined. */
  readonly conditional?: (path: string, before: unknown, after: unknown) => string | undefined;
  /** Where this was read: the provider repository and file. */
  readonly source: string;
}

const AZURERM = 'hashicorp/terraform-provider-azurerm';
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

export const REPLACEMENT: Readonly<Record<string, ReplacementRule>> = {
  azurerm_resource_group: {
    // The provider page lists no "forces a new resource" here, but Azure cannot rename or move a
    // resource group: a new name or location is a new group, and the old one is deleted with all it holds.
    forceNew: ['name', 'location'],
    source: `${AZURERM} website/docs/r/resource_group.html.markdown; Azure: a resource group cannot be renamed or moved`,
  },
  azurerm_postgresql_flexible_server: {
    forceNew: [
      'name',
      'resource_group_name',
      'location',
      'delegated_subnet_id',
      'point_in_time_restore_time_in_utc',
      'source_server_id',
      'geo_redundant_backup_enabled',
      'customer_managed_key',
    ],
    conditional: (path, before, after) => {
      if (path === 'version' && num(after) < num(before)) return `version ${String(before)} -> ${String(after)} is a downgrade`;
      if (path === 'storage_mb' && num(after) < num(before)) return `storage_mb ${String(before)} -> ${String(after)} shrinks the disk`;
      if (path === 'administrator_login' && before !== undefined && before !== '') return 'administrator_login changes';
      return undefined;
    },
    source: `${AZURERM} internal/services/postgres/postgresql_flexible_server_resource.go (schema ForceNew, and CustomizeDiff for version, storage_mb, administrator_login)`,
  },
  azurerm_postgresql_flexible_server_database: {
    forceNew: ['name', 'server_id', 'charset', 'collation'],
    source: `${AZURERM} website/docs/r/postgresql_flexible_server_database.html.markdown`,
  },
  azurerm_postgresql_flexible_server_configuration: {
    forceNew: ['name', 'server_id'],
    source: `${AZURERM} website/docs/r/postgresql_flexible_server_configuration.html.markdown (name and server_id)`,
  },
  azurerm_postgresql_flexible_server_firewall_rule: {
    forceNew: ['name', 'server_id'],
    source: `${AZURERM} website/docs/r/postgresql_flexible_server_firewall_rule.html.markdown (name and server_id)`,
  },
  azurerm_storage_account: {
    forceNew: ['name', 'resource_group_name', 'location', 'account_tier', 'is_hns_enabled'],
    conditional: (path, before, after) =>
      // Storage -> StorageV2 is an in-place upgrade; every other change of kind replaces the account.
      path === 'account_kind' && !(before === 'Storage' && after === 'StorageV2')
        ? `account_kind ${String(before)} -> ${String(after)}`
        : undefined,
    source: `${AZURERM} website/docs/r/storage_account.html.markdown`,
  },
  azurerm_storage_container: {
    forceNew: ['name', 'storage_account_name', 'storage_account_id', 'default_encryption_scope', 'encryption_scope_override_enabled'],
    source: `${AZURERM} website/docs/r/storage_container.html.markdown`,
  },
  azurerm_kubernetes_cluster: {
    forceNew: [
      'name',
      'location',
      'resource_group_name',
      'dns_prefix',
      'dns_prefix_private_cluster',
      'disk_encryption_set_id',
      'edge_zone',
      'node_resource_group',
      'private_cluster_enabled',
      'private_dns_zone_id',
      'role_based_access_control_enabled',
      'network_profile.network_plugin',
      'network_profile.network_plugin_mode',
      'network_profile.network_mode',
      'network_profile.service_cidr',
      'network_profile.service_cidrs',
      'network_profile.dns_service_ip',
      'network_profile.pod_cidr',
      'network_profile.pod_cidrs',
      'network_profile.ip_versions',
    ],
    // The system pool is cycled, not the cluster, when one of these changes.
    rotate: [
      'default_node_pool.vm_size',
      'default_node_pool.max_pods',
      'default_node_pool.os_disk_size_gb',
      'default_node_pool.os_disk_type',
      'default_node_pool.vnet_subnet_id',
      'default_node_pool.zones',
      'default_node_pool.kubelet_config',
      'default_node_pool.linux_os_config',
      'default_node_pool.host_encryption_enabled',
      'default_node_pool.node_public_ip_enabled',
      'default_node_pool.ultra_ssd_enabled',
    ],
    source: `${AZURERM} website/docs/r/kubernetes_cluster.html.markdown ("network_profile ... Changing this forces a new resource"; its load_balancer_profile is updated in place)`,
  },
  azurerm_kubernetes_cluster_node_pool: {
    forceNew: [
      'name',
      'kubernetes_cluster_id',
      'capacity_reservation_group_id',
      'eviction_policy',
      'host_group_id',
      'gpu_instance',
      'node_public_ip_prefix_id',
      'os_type',
      'priority',
      'proximity_placement_group_id',
      'spot_max_price',
      'windows_profile',
    ],
    rotate: [
      'vm_size',
      'host_encryption_enabled',
      'node_public_ip_enabled',
      'kubelet_config',
      'linux_os_config',
      'fips_enabled',
      'kubelet_disk_type',
      'max_pods',
      'os_disk_size_gb',
      'os_disk_type',
      'pod_subnet_id',
      'snapshot_id',
      'ultra_ssd_enabled',
      'vnet_subnet_id',
      'zones',
    ],
    source: `${AZURERM} website/docs/r/kubernetes_cluster_node_pool.html.markdown ("forces a new resource" and "requires specifying temporary_name_for_rotation")`,
  },
  azurerm_kubernetes_cluster_extension: {
    forceNew: ['name', 'cluster_id', 'extension_type'],
    source: `${AZURERM} internal/services/kubernetes/kubernetes_cluster_extension_resource.go (research/flux-gitops.md)`,
  },
  azurerm_kubernetes_flux_configuration: {
    forceNew: ['name', 'cluster_id', 'namespace', 'scope'],
    source: `${AZURERM} internal/services/kubernetes/kubernetes_flux_configuration_resource.go (research/flux-gitops.md)`,
  },
  azurerm_eventhub_namespace: {
    forceNew: ['name', 'resource_group_name', 'location', 'dedicated_cluster_id'],
    // CustomizeDiff: "cannot migrate a namespace from or to Premium SKU".
    conditional: (path, before, after) =>
      path === 'sku' && (after === 'Premium' || before === 'Premium')
        ? `sku ${String(before)} -> ${String(after)} (to or from Premium)`
        : undefined,
    source: `${AZURERM} internal/services/eventhub/eventhub_namespace_resource.go (schema ForceNew; CustomizeDiff for sku)`,
  },
  azurerm_eventhub: {
    // partition_count is not ForceNew: the update refuses a decrease, and any change unless the
    // namespace is Premium (the diff's partitionChange rule says so; it is no replacement).
    forceNew: ['name', 'namespace_name', 'namespace_id', 'resource_group_name'],
    source: `${AZURERM} website/docs/r/eventhub.html.markdown; internal/services/eventhub/eventhub_resource.go (v4.55, update: partition_count)`,
  },
  tls_private_key: {
    forceNew: [],
    immutable: true,
    source:
      'hashicorp/terraform-provider-tls docs/resources/private_key.md (a logical resource that persists until destroyed; no in-place update)',
  },
  random_password: {
    forceNew: [],
    immutable: true,
    source: 'hashicorp/terraform-provider-random docs/resources/password.md (keepers "will trigger recreation"; no in-place update)',
  },
};

/** Argument names azurerm puts on (almost) every resource as ForceNew; used for types the table does not list. */
const CONVENTIONAL_FORCE_NEW = ['name', 'resource_group_name', 'location'];

/** The argument path without list indices: `network_profile[0].service_cidr` -> `network_profile.service_cidr`. */
export function argumentPath(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}

function under(path: string, arg: string): boolean {
  return path === arg || path.startsWith(`${arg}.`);
}

export interface ReplacementVerdict {
  /** Why Terraform replaces the resource, one reason per argument; empty when it updates in place. */
  readonly replace: string[];
  /** Why the node pool is cycled (new nodes, same resource). */
  readonly rotate: string[];
  /** Where the rule came from, or a note that the type is not in the table. */
  readonly source: string;
}

/** What changing these arguments does to a resource of this type. */
export function replacementOf(type: string, changes: readonly { path: string; before: unknown; after: unknown }[]): ReplacementVerdict {
  const rule = REPLACEMENT[type];
  const replace: string[] = [];
  const rotate: string[] = [];
  for (const c of changes) {
    const path = argumentPath(c.path);
    if (rule?.immutable) replace.push(`${path} changes (${type} has no in-place update)`);
    else if ((rule?.forceNew ?? CONVENTIONAL_FORCE_NEW).some((arg) => under(path, arg))) replace.push(`${path} forces a new resource`);
    else {
      const conditional = rule?.conditional?.(path, c.before, c.after);
      if (conditional) replace.push(`${conditional}, which forces a new resource`);
      else if (rule?.rotate?.some((arg) => under(path, arg))) rotate.push(`${path} changes`);
    }
  }
  return {
    replace: [...new Set(replace)],
    rotate: [...new Set(rotate)],
    source: rule
      ? rule.source
      : `not in the replacement table: only ${CONVENTIONAL_FORCE_NEW.join(', ')} are counted as forcing a new resource (check terraform plan)`,
  };
}

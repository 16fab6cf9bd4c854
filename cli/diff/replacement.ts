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
  azurerm_storage_management_policy: {
    forceNew: ['storage_account_id'],
    source: `${AZURERM} internal/services/storage/storage_management_policy_resource.go v4.55.0 (schema ForceNew; rules are updated in place)`,
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
      'network_profile.network_mode',
      'network_profile.service_cidr',
      'network_profile.service_cidrs',
      'network_profile.dns_service_ip',
      'network_profile.pod_cidr',
      'network_profile.pod_cidrs',
      'network_profile.ip_versions',
    ],
    // CustomizeDiff ForceNewIfChange: an engine or data plane once set cannot be changed in place
    // (switching NPM to Cilium rebuilds the cluster); a plugin mode other than overlay replaces it.
    conditional: (path, before, after) => {
      const set = (v: unknown) => v !== undefined && v !== null && v !== '';
      if ((path === 'network_profile.network_policy' || path === 'network_profile.network_data_plane') && set(before))
        return `${path} ${String(before)} -> ${String(after ?? 'unset')}`;
      if (path === 'network_profile.network_plugin_mode' && String(after ?? '').toLowerCase() !== 'overlay')
        return `${path} ${String(before ?? 'unset')} -> ${String(after ?? 'unset')}`;
      return undefined;
    },
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
    source: `${AZURERM} website/docs/r/kubernetes_cluster.html.markdown ("network_profile ... Changing this forces a new resource"; its load_balancer_profile is updated in place); internal/services/containers/kubernetes_cluster_resource.go v4.55.0 (CustomizeDiff ForceNewIfChange: network_policy and network_data_plane once set, network_plugin_mode unless overlay)`,
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
    // A new Flux extension version is a new extension: uninstalled, then installed again.
    forceNew: ['name', 'cluster_id', 'extension_type', 'plan', 'release_train', 'release_namespace', 'target_namespace', 'version'],
    source: `${AZURERM} internal/services/containers/kubernetes_cluster_extension_resource.go v4.55.0 (schema ForceNew)`,
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
  azurerm_eventhub_namespace_authorization_rule: {
    forceNew: ['name', 'namespace_name', 'resource_group_name'],
    source: `${AZURERM} internal/services/eventhub/eventhub_namespace_authorization_rule_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_monitor_workspace: {
    forceNew: ['name', 'resource_group_name', 'location'],
    source: `${AZURERM} internal/services/monitor/monitor_workspace_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_monitor_data_collection_endpoint: {
    forceNew: ['name', 'resource_group_name', 'location'],
    source: `${AZURERM} internal/services/monitor/monitor_data_collection_endpoint_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_monitor_data_collection_rule: {
    forceNew: ['name', 'resource_group_name', 'location'],
    // CustomizeDiff: a kind changed once set forces a new rule.
    conditional: (path, before) => (path === 'kind' && before !== undefined && before !== '' ? 'kind changes once set' : undefined),
    source: `${AZURERM} internal/services/monitor/monitor_data_collection_rule_resource.go v4.55.0 (schema ForceNew; CustomizeDiff for kind)`,
  },
  azurerm_monitor_data_collection_rule_association: {
    forceNew: ['name', 'target_resource_id'],
    source: `${AZURERM} internal/services/monitor/monitor_data_collection_rule_association_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_dashboard_grafana: {
    forceNew: ['name', 'resource_group_name', 'location', 'sku', 'zone_redundancy_enabled', 'identity'],
    source: `${AZURERM} internal/services/dashboard/dashboard_grafana_resource.go v4.55.0 (schema ForceNew; identity via SystemOrUserAssignedIdentityOptionalForceNew)`,
  },
  azurerm_monitor_action_group: {
    forceNew: ['name', 'resource_group_name', 'location'],
    source: `${AZURERM} internal/services/monitor/monitor_action_group_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_monitor_alert_prometheus_rule_group: {
    forceNew: ['name', 'resource_group_name', 'location'],
    source: `${AZURERM} internal/services/monitor/monitor_alert_prometheus_rule_group_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_federated_identity_credential: {
    forceNew: ['name', 'parent_id', 'resource_group_name'],
    source: `${AZURERM} internal/services/managedidentity/federated_identity_credential_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_private_dns_zone: {
    forceNew: ['name', 'resource_group_name', 'soa_record'],
    source: `${AZURERM} internal/services/privatedns/private_dns_zone_resource.go v4.55.0 (schema ForceNew; resource_group_name via SchemaResourceGroupNameDiffSuppress)`,
  },
  azurerm_private_dns_a_record: {
    forceNew: ['name', 'zone_name', 'resource_group_name'],
    source: `${AZURERM} internal/services/privatedns/private_dns_a_record_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_private_dns_zone_virtual_network_link: {
    forceNew: ['name', 'private_dns_zone_name', 'virtual_network_id', 'resource_group_name'],
    source: `${AZURERM} internal/services/privatedns/private_dns_zone_virtual_network_link_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_public_ip: {
    forceNew: ['name', 'resource_group_name', 'location', 'ip_tags', 'ip_version', 'public_ip_prefix_id', 'sku', 'sku_tier', 'zones'],
    source: `${AZURERM} internal/services/network/public_ip_resource.go v4.55.0 (schema ForceNew; zones via ZonesMultipleOptionalForceNew)`,
  },
  azurerm_role_assignment: {
    // Everything but skip_service_principal_aad_check: a changed role or scope is a new assignment,
    // and between the delete and the create the principal has no access.
    forceNew: [
      'name',
      'scope',
      'role_definition_id',
      'role_definition_name',
      'principal_id',
      'principal_type',
      'condition',
      'condition_version',
      'delegated_managed_identity_resource_id',
      'description',
    ],
    source: `${AZURERM} internal/services/authorization/role_assignment_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_subnet: {
    forceNew: ['name', 'resource_group_name', 'virtual_network_name'],
    source: `${AZURERM} internal/services/network/subnet_resource.go v4.55.0 (schema ForceNew; address_prefixes are updated in place)`,
  },
  azurerm_user_assigned_identity: {
    forceNew: ['name', 'resource_group_name', 'location'],
    source: `${AZURERM} internal/services/managedidentity/user_assigned_identity_resource.go v4.55.0 (schema ForceNew)`,
  },
  azurerm_virtual_network: {
    forceNew: ['name', 'resource_group_name', 'location'],
    source: `${AZURERM} internal/services/network/virtual_network_resource.go v4.55.0 (schema ForceNew; address_space is updated in place)`,
  },
  kubernetes_secret_v1: {
    forceNew: ['metadata.name', 'metadata.namespace', 'metadata.generate_name', 'type'],
    source:
      'hashicorp/terraform-provider-kubernetes kubernetes/resource_kubernetes_secret_v1.go (type ForceNew; name and namespace through namespacedMetadataSchema; data is patched in place)',
  },
  time_rotating: {
    // rotation_* are updated in place (the provider recomputes the rotation time); a new base time
    // or trigger is a new resource, and so a new SAS.
    forceNew: ['rfc3339', 'triggers'],
    source: 'hashicorp/terraform-provider-time internal/provider/resource_time_rotating.go (RequiresReplace on rfc3339 and triggers)',
  },
  tls_self_signed_cert: {
    // Everything but early_renewal_hours. A new certificate keeps the key, so sealed values still decrypt.
    forceNew: [
      'private_key_pem',
      'validity_period_hours',
      'allowed_uses',
      'dns_names',
      'ip_addresses',
      'uris',
      'is_ca_certificate',
      'set_subject_key_id',
      'set_authority_key_id',
      'subject',
    ],
    source:
      'hashicorp/terraform-provider-tls internal/provider/resource_self_signed_cert.go (RequiresReplace on every argument but early_renewal_hours)',
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

import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { publicIpRules } from '../../infra/ip-rules';
import { checkBackendValue } from '../../cli/backend-values';
import { loadEnvironment } from '../../model/load';
import { exampleWith } from '../helpers';
import { only, stackJson, synthesized } from './stack-fixture';

describe('network', () => {
  it('delegates a PostgreSQL subnet and links a private DNS zone by default', () => {
    const { json, parsed } = synthesized('example');
    expect(json).toHaveResourceWithProperties(VirtualNetwork, { address_space: ['10.0.0.0/16'] });
    const subnets = Object.values(parsed.resource.azurerm_subnet);
    expect(subnets.map((s) => s.address_prefixes)).toEqual([['10.0.0.0/20'], ['10.0.16.0/24']]);
    expect(JSON.stringify(subnets[1].delegation)).toContain('Microsoft.DBforPostgreSQL/flexibleServers');
    const zones = Object.values(parsed.resource.azurerm_private_dns_zone).map((z) => z.name);
    // PostgreSQL's zone, and the one naming the internal load balancers.
    expect(zones).toEqual(['mzexample.mz.internal', 'mzexample.private.postgres.database.azure.com']);
    expect(Object.values(parsed.resource.azurerm_private_dns_zone_virtual_network_link)).toHaveLength(2);
  });

  it('names the internal load balancers in a private zone, at the fixed addresses the Services ask for', () => {
    const { parsed } = synthesized('example');
    const records = Object.values(parsed.resource.azurerm_private_dns_a_record).map((r) => [r.name, r.records]);
    expect(records).toEqual([
      ['console', ['10.0.15.249']],
      ['sql', ['10.0.15.250']],
    ]);
    expect(parsed.output.sql_endpoint.value).toBe('sql.mzexample.mz.internal');
  });

  it('creates no delegated subnet or zone for public PostgreSQL', () => {
    const { parsed } = synthesized('staging');
    expect(Object.values(parsed.resource.azurerm_subnet)).toHaveLength(1);
    expect(Object.values(parsed.resource.azurerm_private_dns_zone).map((z) => z.name)).toEqual(['acme-stg.mz.internal']);
  });
});

describe('metadata database', () => {
  it('is private, generated-password, with max_connections and TLS pinned', () => {
    const { parsed } = synthesized('example');
    const server = only(parsed, 'azurerm_postgresql_flexible_server');
    expect(server).toMatchObject({
      version: '15',
      sku_name: 'B_Standard_B1ms',
      storage_mb: 32768,
      public_network_access_enabled: false,
      administrator_login: 'materialize',
    });
    expect(server.administrator_password).toMatch(/^\$\{random_password\.\w+\.result\}$/);
    expect(server.delegated_subnet_id).toMatch(/azurerm_subnet/);
    const configs = Object.values(parsed.resource.azurerm_postgresql_flexible_server_configuration);
    expect(configs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'max_connections', value: '200' }),
        expect.objectContaining({ name: 'require_secure_transport', value: 'on' }),
      ]),
    );
    expect(only(parsed, 'azurerm_postgresql_flexible_server_database').name).toBe('materialize');
    expect(parsed.resource.azurerm_postgresql_flexible_server_firewall_rule).toBeUndefined();
  });

  it('opens the public mode only to the configured ranges, with HA', () => {
    const { parsed } = synthesized('staging');
    const server = only(parsed, 'azurerm_postgresql_flexible_server');
    expect(server).toMatchObject({ public_network_access_enabled: true, high_availability: { mode: 'ZoneRedundant' } });
    const rules = Object.values(parsed.resource.azurerm_postgresql_flexible_server_firewall_rule);
    expect(rules).toHaveLength(2);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ start_ip_address: '198.51.100.0', end_ip_address: '198.51.100.255' }),
        // Materialize itself connects from the cluster's egress address, which the firewall must admit too.
        expect.objectContaining({
          name: 'aks-egress',
          start_ip_address: expect.stringMatching(/^\$\{azurerm_public_ip\.\w+\.ip_address\}$/),
          end_ip_address: expect.stringMatching(/^\$\{azurerm_public_ip\.\w+\.ip_address\}$/),
        }),
      ]),
    );
    const cluster = only(parsed, 'azurerm_kubernetes_cluster') as {
      network_profile: { load_balancer_profile: { outbound_ip_address_ids: string[] } };
    };
    const ip = Object.keys(parsed.resource.azurerm_public_ip)[0];
    expect(cluster.network_profile.load_balancer_profile.outbound_ip_address_ids).toEqual([`\${azurerm_public_ip.${ip}.id}`]);
    expect(rules.find((r) => r.name === 'aks-egress')!.start_ip_address).toBe(`\${azurerm_public_ip.${ip}.ip_address}`);
  });

  it('takes the admin password from a sensitive variable when not generated', () => {
    const { parsed } = synthesized('prod');
    expect(parsed.variable?.postgres_admin_password).toMatchObject({ sensitive: true, type: 'string' });
    expect(only(parsed, 'azurerm_postgresql_flexible_server').administrator_password).toBe('${var.postgres_admin_password}');
    expect(parsed.resource.random_password).toBeUndefined();
  });

  it("builds metadata_backend_url with an URL-encoded password and the statement timeout Materialize's Azure example sets", () => {
    const { parsed } = synthesized('example');
    expect(parsed.output.metadata_backend_url).toMatchObject({ sensitive: true });
    expect(parsed.output.metadata_backend_url.value).toMatch(
      /^postgres:\/\/materialize:\$\{urlencode\(random_password\.\w+\.result\)\}@\$\{azurerm_postgresql_flexible_server\.\w+\.fqdn\}\/materialize\?sslmode=require&options=-c%20statement_timeout%3D15min$/,
    );
    // As Materialize reads it: libpq's options parameter, decoded.
    const url = new URL(parsed.output.metadata_backend_url.value.replace(/\$\{[^}]*\}/g, 'x'));
    expect(url.searchParams.get('options')).toBe('-c statement_timeout=15min');
    expect(
      checkBackendValue(
        'metadata_backend_url',
        'postgres://m:p@h.postgres.database.azure.com/materialize?sslmode=require&options=-c%20statement_timeout%3D15min',
        'example',
      ),
    ).toBeUndefined();
  });
});

describe('persist storage', () => {
  it('is HTTPS-only, TLS 1.2, without public blobs, with a private container', () => {
    const { parsed } = synthesized('example');
    expect(only(parsed, 'azurerm_storage_account')).toMatchObject({
      account_kind: 'StorageV2',
      account_tier: 'Standard',
      account_replication_type: 'LRS',
      https_traffic_only_enabled: true,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
    });
    expect(only(parsed, 'azurerm_storage_container')).toMatchObject({ name: 'materialize-persist', container_access_type: 'private' });
  });

  it('keeps deleted and overwritten persist blobs as versions for the database backup retention plus 7 days, unless blobRecovery is off', () => {
    const { parsed } = synthesized('example');
    // The example keeps 7 days of PostgreSQL backups: versions live 14 days (Materialize's guide: retention + at least 7).
    expect(only(parsed, 'azurerm_storage_account').blob_properties).toEqual({
      versioning_enabled: true,
      delete_retention_policy: { days: 7 },
      container_delete_retention_policy: { days: 14 },
    });
    expect(only(parsed, 'azurerm_storage_management_policy').rule).toEqual([
      {
        name: 'expire-noncurrent-persist-versions',
        enabled: true,
        filters: { blob_types: ['blockBlob'], prefix_match: ['materialize-persist/'] },
        actions: { version: { delete_after_days_since_creation: 14 } },
      },
    ]);
    const off = stackJson(loadEnvironment(exampleWith((d) => (d.storage = { ...d.storage, blobRecovery: false }))));
    expect(Object.values(off.resource.azurerm_storage_account)[0].blob_properties).toBeUndefined();
    expect(off.resource.azurerm_storage_management_policy).toBeUndefined();
  });

  it('admits only the AKS subnet and the public client ranges, unless publicNetworkAccess is on', () => {
    const { parsed } = synthesized('example');
    const subnet = Object.entries(parsed.resource.azurerm_subnet).find(([, s]) => s.name === 'aks')![0];
    expect(only(parsed, 'azurerm_storage_account').network_rules).toEqual({
      default_action: 'Deny',
      virtual_network_subnet_ids: [`\${azurerm_subnet.${subnet}.id}`],
      ip_rules: ['203.0.113.0/24'],
      bypass: ['AzureServices'],
    });
    expect(publicIpRules(['10.1.0.0/16', '203.0.113.7/32', '198.51.100.0/24', '172.20.0.0/16'])).toEqual([
      '203.0.113.7',
      '198.51.100.0/24',
    ]);
    // A /31 is two addresses: both are admitted, not only the first.
    expect(publicIpRules(['203.0.113.8/31'])).toEqual(['203.0.113.8', '203.0.113.9']);
  });

  it('puts Event Hubs behind a firewall admitting the egress address and the client and producer ranges, unless publicNetworkAccess is on', () => {
    const { parsed } = synthesized('example');
    const egress = Object.keys(parsed.resource.azurerm_public_ip)[0];
    expect(only(parsed, 'azurerm_eventhub_namespace')).toMatchObject({
      public_network_access_enabled: true,
      network_rulesets: [
        {
          default_action: 'Deny',
          public_network_access_enabled: true,
          trusted_service_access_enabled: false,
          ip_rule: [
            { ip_mask: `\${azurerm_public_ip.${egress}.ip_address}`, action: 'Allow' },
            { ip_mask: '203.0.113.0/24', action: 'Allow' },
          ],
        },
      ],
    });
    const withProducers = exampleWith((d) => (d.eventHubs = { ...d.eventHubs, producerRanges: ['198.51.100.7/32', '10.2.0.0/16'] }));
    const masks = (def: typeof withProducers) => {
      const e = loadEnvironment(def);
      const stack = stackJson(e) as unknown as {
        resource: { azurerm_eventhub_namespace: Record<string, { network_rulesets?: { ip_rule: { ip_mask: string }[] }[] }> };
      };
      return Object.values(stack.resource.azurerm_eventhub_namespace)[0].network_rulesets?.[0].ip_rule.map((r) => r.ip_mask);
    };
    // A /32 as its address; a private range dropped (the firewall sees public sources only).
    expect(masks(withProducers)?.slice(1)).toEqual(['203.0.113.0/24', '198.51.100.7']);
    expect(masks(exampleWith((d) => (d.eventHubs = { ...d.eventHubs, publicNetworkAccess: true })))).toBeUndefined();
  });

  it('issues a rotating blob SAS with rwdlacup over containers and objects (persist uses a container client only), HTTPS only', () => {
    const { parsed } = synthesized('example');
    expect(only(parsed, 'time_rotating')).toMatchObject({ rotation_days: 90 });
    const sas = Object.values(parsed.data!.azurerm_storage_account_sas)[0];
    expect(sas).toMatchObject({
      https_only: true,
      services: { blob: true, queue: false, table: false, file: false },
      resource_types: { service: false, container: true, object: true },
      permissions: {
        read: true,
        write: true,
        delete: true,
        list: true,
        add: true,
        create: true,
        update: true,
        process: true,
        tag: false,
        filter: false,
      },
    });
    expect(sas.expiry).toMatch(/timeadd\(time_rotating\.\w+\.rfc3339, "4320h"\)/);
    expect(parsed.output.persist_backend_url.value).toMatch(/primary_blob_endpoint\}materialize-persist\?\$\{trimprefix\(/);
  });

  it('uses a federated workload identity and no SAS in workloadIdentity mode', () => {
    const { parsed } = synthesized('identity');
    expect(parsed.data?.azurerm_storage_account_sas).toBeUndefined();
    expect(only(parsed, 'azurerm_storage_account')).toMatchObject({ account_kind: 'BlockBlobStorage', shared_access_key_enabled: false });
    expect(
      Object.values(parsed.resource.azurerm_role_assignment).filter((r) => r.role_definition_name === 'Storage Blob Data Contributor'),
    ).toHaveLength(1);
    // Shared keys are off: the provider must make no Shared Key data-plane call (azurerm issue 27752).
    expect(
      (parsed.provider as Record<string, { features: { storage: { data_plane_available: boolean }[] }[] }[]>).azurerm[0].features[0]
        .storage,
    ).toEqual([{ data_plane_available: false }]);
    expect(only(parsed, 'azurerm_federated_identity_credential')).toMatchObject({
      audience: ['api://AzureADTokenExchange'],
      subject: 'system:serviceaccount:materialize-environment:materialize',
    });
    expect(parsed.output.persist_backend_url.value).toMatch(/primary_blob_endpoint\}materialize-persist$/);
    expect(parsed.output.persist_identity_client_id).toBeDefined();
  });
});

describe('aks', () => {
  it('has a pinned version, OIDC, workload identity and a network policy engine', () => {
    const { parsed } = synthesized('example');
    expect(only(parsed, 'azurerm_kubernetes_cluster')).toMatchObject({
      kubernetes_version: '1.36',
      dns_prefix: 'mzexample-aks',
      oidc_issuer_enabled: true,
      workload_identity_enabled: true,
      identity: { type: 'UserAssigned' },
      // A system pool AKS supports: two or more nodes of four or more vCPUs, autoscaling (Materialize's Azure example: 2-5).
      default_node_pool: {
        name: 'system',
        vm_size: 'Standard_D4ds_v5',
        node_count: 2,
        min_count: 2,
        max_count: 5,
        auto_scaling_enabled: true,
      },
      // Cilium on the node subnet (Azure CNI powered by Cilium): the policy engine needs its data plane.
      network_profile: { network_plugin: 'azure', network_policy: 'cilium', network_data_plane: 'cilium' },
    });
  });

  it('taints and labels the dedicated Materialize pool, with the swap label when swap is on', () => {
    expect(only(synthesized('example').parsed, 'azurerm_kubernetes_cluster_node_pool')).toMatchObject({
      name: 'mzpool',
      vm_size: 'Standard_E4pds_v6',
      node_count: 2,
      max_pods: 30,
      // The example scales out: the autoscaler owns node_count between min and max.
      auto_scaling_enabled: true,
      min_count: 2,
      max_count: 4,
      lifecycle: { ignore_changes: ['node_count'] },
      node_taints: ['materialize=dedicated:NoSchedule'],
      // A label the project owns: AKS owns agentpool, and a rotated pool's nodes carry another pool name.
      node_labels: { 'materialize-azure-gitops/pool': 'materialize', 'materialize.cloud/swap': 'true' },
      // Upgrades surge what the subnet check sizes for (model/subnet.ts), and drains wait.
      upgrade_settings: { max_surge: '10%', drain_timeout_in_minutes: 30 },
      temporary_name_for_rotation: 'mzpooltmp',
    });
    expect(only(synthesized('staging').parsed, 'azurerm_kubernetes_cluster_node_pool').node_labels).toEqual({
      'materialize-azure-gitops/pool': 'materialize',
    });
  });

  it('runs its control plane as a user-assigned identity that holds Network Contributor on the subnet before the cluster exists', () => {
    const { parsed } = synthesized('example');
    const cluster = only(parsed, 'azurerm_kubernetes_cluster') as { identity: { identity_ids: string[] }; depends_on: string[] };
    const identity = Object.keys(parsed.resource.azurerm_user_assigned_identity).find(
      (k) => parsed.resource.azurerm_user_assigned_identity[k].name === 'mzexample-aks-control-plane',
    )!;
    expect(cluster.identity.identity_ids).toEqual([`\${azurerm_user_assigned_identity.${identity}.id}`]);
    const rights = Object.entries(parsed.resource.azurerm_role_assignment).filter(
      ([, r]) => r.role_definition_name === 'Network Contributor',
    );
    const subnet = Object.entries(parsed.resource.azurerm_subnet).find(([, s]) => s.name === 'aks')![0];
    const onSubnet = rights.find(([, r]) => r.scope === `\${azurerm_subnet.${subnet}.id}`)!;
    expect(onSubnet[1].principal_id).toBe(`\${azurerm_user_assigned_identity.${identity}.principal_id}`);
    expect(cluster.depends_on).toContain(`azurerm_role_assignment.${onSubnet[0]}`);
  });

  it('reimages nodes only in the weekly maintenance window', () => {
    expect(only(synthesized('example').parsed, 'azurerm_kubernetes_cluster')).toMatchObject({
      node_os_upgrade_channel: 'NodeImage',
      maintenance_window_node_os: {
        frequency: 'Weekly',
        interval: 1,
        day_of_week: 'Sunday',
        start_time: '02:00',
        utc_offset: '+00:00',
        duration: 4,
      },
    });
  });

  it("registers the resource providers the Flux extension and observability need (absent from azurerm's default set)", () => {
    const provider = (synthesized('example').parsed.provider as Record<string, { resource_providers_to_register: string[] }[]>).azurerm[0];
    expect(provider.resource_providers_to_register).toEqual([
      'Microsoft.Kubernetes',
      'Microsoft.KubernetesConfiguration',
      'Microsoft.Monitor',
      'Microsoft.Dashboard',
      'Microsoft.AlertsManagement',
    ]);
  });

  it('supports Cilium and API server authorized ranges', () => {
    expect(only(synthesized('staging').parsed, 'azurerm_kubernetes_cluster')).toMatchObject({
      network_profile: { network_policy: 'cilium', network_data_plane: 'cilium' },
      api_server_access_profile: { authorized_ip_ranges: ['198.51.100.0/24'] },
    });
  });
});

describe('event hubs', () => {
  it('creates a Standard namespace, one hub per topic and the two namespace rules', () => {
    const { parsed } = synthesized('example');
    expect(only(parsed, 'azurerm_eventhub_namespace')).toMatchObject({
      sku: 'Standard',
      minimum_tls_version: '1.2',
      name: 'mzexample-events',
    });
    expect(
      Object.values(parsed.resource.azurerm_eventhub)
        .map((h) => [h.name, h.partition_count])
        .sort(),
    ).toEqual([
      ['customers', 2],
      ['orders', 4],
    ]);
    const rules = Object.values(parsed.resource.azurerm_eventhub_namespace_authorization_rule);
    expect(rules).toHaveLength(2);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'materialize-multi-reader', listen: true, send: false, manage: false }),
        expect.objectContaining({ name: 'data-multi-publisher', listen: false, send: true, manage: false }),
      ]),
    );
    expect(parsed.output.eventhubs_reader_connection_string.sensitive).toBe(true);
  });

  it('is skipped when no topic is declared', () => {
    expect(synthesized('prod').parsed.resource.azurerm_eventhub_namespace).toBeUndefined();
  });
});

describe('flux', () => {
  it('installs the pinned extension and a cluster-scoped configuration that prunes the environment folder', () => {
    const { parsed } = synthesized('example');
    expect(only(parsed, 'azurerm_kubernetes_cluster_extension')).toMatchObject({ extension_type: 'microsoft.flux', version: '1.23.0' });
    const config = only(parsed, 'azurerm_kubernetes_flux_configuration');
    expect(config).toMatchObject({
      name: 'materialize',
      namespace: 'materialize-gitops',
      scope: 'cluster',
      git_repository: { url: 'https://github.com/example-org/materialize-azure-gitops', reference_type: 'branch', reference_value: 'main' },
      kustomizations: [{ name: 'flux', path: './dist/example/flux', garbage_collection_enabled: true, wait: true }],
    });
    expect((config.depends_on as string[]).join(' ')).toMatch(/kubernetes_secret_v1\.\w+/);
  });
});

describe('flux git credentials', () => {
  it('are none for a public repository', () => {
    const repo = only(synthesized('example').parsed, 'azurerm_kubernetes_flux_configuration').git_repository as Record<string, unknown>;
    expect(repo.https_key_base64).toBeUndefined();
    expect(repo.ssh_private_key_base64).toBeUndefined();
  });

  it('come from sensitive variables: an HTTPS token', () => {
    const { parsed } = synthesized('prod');
    expect(parsed.variable?.git_https_token).toMatchObject({ sensitive: true });
    expect(only(parsed, 'azurerm_kubernetes_flux_configuration').git_repository).toMatchObject({
      https_user: 'flux-bot',
      https_key_base64: '${base64encode(var.git_https_token)}',
    });
  });

  it('come from sensitive variables: an SSH key and known hosts', () => {
    const { parsed } = synthesized('staging');
    expect(parsed.variable?.git_ssh_private_key).toMatchObject({ sensitive: true });
    expect(parsed.variable?.git_ssh_known_hosts).toMatchObject({ sensitive: true });
    expect(only(parsed, 'azurerm_kubernetes_flux_configuration').git_repository).toMatchObject({
      ssh_private_key_base64: '${base64encode(var.git_ssh_private_key)}',
      ssh_known_hosts_base64: '${base64encode(var.git_ssh_known_hosts)}',
    });
  });
});

describe('sealing key', () => {
  it('writes a TLS key pair as the controller active key and outputs the certificate', () => {
    const { parsed } = synthesized('example');
    expect(only(parsed, 'tls_private_key')).toMatchObject({ algorithm: 'RSA', rsa_bits: 4096 });
    expect(only(parsed, 'kubernetes_secret_v1')).toMatchObject({
      type: 'kubernetes.io/tls',
      metadata: { namespace: 'kube-system', labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
    });
    expect(parsed.output.sealing_certificate_pem.value).toMatch(/tls_self_signed_cert\.\w+\.cert_pem/);
  });
});

describe('state and data protection', () => {
  it('keeps local state by default and uses azurerm when configured', () => {
    // Relative to cdktf.out/stacks/example, where Terraform runs: the repository's state/ folder.
    expect(synthesized('example').parsed.terraform.backend).toEqual({ local: { path: '../../../state/example.tfstate' } });
    expect(synthesized('staging').parsed.terraform.backend).toMatchObject({
      azurerm: {
        resource_group_name: 'acme-tfstate',
        storage_account_name: 'acmetfstate',
        container_name: 'tfstate',
        key: 'staging.terraform.tfstate',
      },
    });
  });

  it('protects PostgreSQL, the storage account and the container from destroy by default', () => {
    const { parsed } = synthesized('prod');
    for (const type of ['azurerm_postgresql_flexible_server', 'azurerm_storage_account', 'azurerm_storage_container']) {
      expect(only(parsed, type).lifecycle).toMatchObject({ prevent_destroy: true });
    }
    expect(only(synthesized('example').parsed, 'azurerm_storage_account').lifecycle).toMatchObject({ prevent_destroy: false });
  });

  it('tags every taggable resource with environment and managed-by', () => {
    const { parsed } = synthesized('identity');
    const tagged = Object.values(parsed.resource)
      .flatMap((byName) => Object.values(byName))
      .filter((r) => 'tags' in r);
    expect(tagged.length).toBeGreaterThanOrEqual(8);
    for (const r of tagged)
      expect(r.tags).toMatchObject({ environment: 'identity', 'managed-by': 'materialize-azure-gitops', team: 'data-platform' });
  });
});

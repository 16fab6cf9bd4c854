import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { Aspects, Fn, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import {
  AZURE_RESOURCE_PROVIDERS,
  DIST,
  environmentdServiceAccountSubject,
  FLUX,
  MANAGED_BY,
  NAMESPACES,
  TF_OUTPUTS,
  TF_VARIABLES,
} from '../model/contract';
import { allocatable } from '../model/capacity';
import type { Environment } from '../model/environment';
import { accessEndpoints, ENDPOINT_RECORDS } from '../model/endpoints';
import { AccessDns } from './access-dns';
import { AksCluster } from './aks-cluster';
import { TaggingAspect } from './aspects/tagging';
import { alertRules } from './alert-rules';
import { EventHubs } from './event-hubs';
import { ManagedGrafana } from './managed-grafana';
import { ManagedPrometheus } from './managed-prometheus';
import { PrometheusAlerts } from './prometheus-alerts';
import { FluxGitOps } from './flux-gitops';
import { MetadataDatabase } from './metadata-database';
import { Network } from './network';
import { PersistStorage } from './persist-storage';
import { PolicyChecks } from './policy/policy-checks';
import { ResourceGroup } from './resource-group';
import { SealingKey } from './sealing-key';
import { configureStateBackend } from './state-backend';

export interface MaterializeStackProps {
  /** Path of the local state file relative to the stack folder (unused with an azurerm backend); see core/workspace.ts. */
  readonly localStatePath: string;
}

/** Every Azure resource of one environment; the stack name is the environment name. */
export class MaterializeStack extends TerraformStack {
  readonly network: Network;
  readonly database: MetadataDatabase;
  readonly storage: PersistStorage;
  readonly aks: AksCluster;
  readonly eventHubs?: EventHubs;
  /** The policy Aspect: after synth, what the environment's suppressions set aside. */
  readonly policy: PolicyChecks;
  private prometheus?: ManagedPrometheus;
  private grafana?: ManagedGrafana;
  readonly flux: FluxGitOps;
  readonly sealingKey: SealingKey;

  constructor(scope: Construct, env: Environment, props: MaterializeStackProps) {
    super(scope, env.name);
    configureStateBackend(this, env, props.localStatePath);
    new AzurermProvider(this, 'azurerm', {
      // No Shared Key data-plane calls (create waits, queue and static-website reads): they fail
      // with 403 on an account without shared keys, and the stack sets no data-plane property.
      features: [{ storage: [{ dataPlaneAvailable: false }] }],
      // The Flux extension and configuration need these; the provider's default set lacks them.
      resourceProvidersToRegister: [...AZURE_RESOURCE_PROVIDERS],
    });
    new RandomProvider(this, 'random');
    new TimeProvider(this, 'time');
    new TlsProvider(this, 'tls');

    const rg = new ResourceGroup(this, 'ResourceGroup', { name: env.names.resourceGroup, location: env.location });
    const common = { resourceGroupName: rg.name, location: rg.location };

    this.network = new Network(this, 'Network', {
      ...common,
      vnetName: env.names.virtualNetwork,
      network: env.network,
      privatePostgres: !env.postgres.publicAccess,
      privateDnsZoneName: env.names.privateDnsZone,
    });

    this.aks = new AksCluster(this, 'Aks', {
      ...common,
      aks: env.aks,
      names: env.names,
      network: env.network,
      subnet: this.network.aksSubnet,
      swap: env.materialize.swap,
      monitorMetrics: env.observability.enabled,
    });

    const adminPassword = env.postgres.generatePassword
      ? undefined
      : new TerraformVariable(this, TF_VARIABLES.postgresAdminPassword, {
          type: 'string',
          sensitive: true,
          description: 'PostgreSQL admin password (set TF_VAR_postgres_admin_password); only when postgres.generatePassword is false',
        }).stringValue;

    this.database = new MetadataDatabase(this, 'MetadataDatabase', {
      ...common,
      serverName: env.names.postgresServer,
      postgres: env.postgres,
      adminPassword,
      network: env.postgres.publicAccess ? undefined : this.network,
      firewallRanges: env.postgres.publicAccess ? env.allowedClientRanges : [],
      clusterEgressIp: env.postgres.publicAccess ? this.aks.egressIp.ipAddress : undefined,
      preventDestroy: env.dataProtection,
    });

    this.storage = new PersistStorage(this, 'PersistStorage', {
      ...common,
      accountName: env.names.storageAccount,
      storage: env.storage,
      oidcIssuerUrl: this.aks.cluster.oidcIssuerUrl,
      serviceAccountSubject: environmentdServiceAccountSubject(env.materialize.instanceName),
      preventDestroy: env.dataProtection,
      allowedSubnetIds: [this.network.aksSubnet.id],
      allowedIpRanges: env.allowedClientRanges,
      // Materialize's backup-and-restore guide: noncurrent versions kept for the backup retention plus at least 7 days.
      recoveryDays: env.storage.blobRecovery ? env.postgres.backupRetentionDays + 7 : undefined,
    });

    if (env.eventHubs.enabled) {
      this.eventHubs = new EventHubs(this, 'EventHubs', {
        ...common,
        namespaceName: env.names.eventHubsNamespace,
        eventHubs: env.eventHubs,
        // Materialize's sources leave through the cluster's egress address; mzops and producers from their ranges.
        allowedAddresses: [this.aks.egressIp.ipAddress],
        allowedIpRanges: [...env.allowedClientRanges, ...env.eventHubs.producerRanges],
      });
    }

    const kubeConfig = this.aks.cluster.kubeConfig.get(0);
    const kubernetes = new KubernetesProvider(this, 'kubernetes', {
      host: kubeConfig.host,
      clientCertificate: Fn.base64decode(kubeConfig.clientCertificate),
      clientKey: Fn.base64decode(kubeConfig.clientKey),
      clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate),
    });
    this.sealingKey = new SealingKey(this, 'SealingKey', { kubernetesProvider: kubernetes, preventDestroy: env.dataProtection });

    const secretVariable = (name: string, description: string) =>
      new TerraformVariable(this, name, { type: 'string', sensitive: true, description }).stringValue;
    const gitAuth =
      env.gitops.auth === 'https'
        ? {
            httpsUser: env.gitops.httpsUser,
            httpsToken: secretVariable(TF_VARIABLES.gitHttpsToken, 'Git token Flux pulls with (set TF_VAR_git_https_token)'),
          }
        : env.gitops.auth === 'ssh'
          ? {
              sshPrivateKey: secretVariable(
                TF_VARIABLES.gitSshPrivateKey,
                'SSH private key Flux pulls with (set TF_VAR_git_ssh_private_key)',
              ),
              sshKnownHosts: secretVariable(
                TF_VARIABLES.gitSshKnownHosts,
                'known_hosts lines of the Git server (set TF_VAR_git_ssh_known_hosts)',
              ),
            }
          : {};

    this.flux = new FluxGitOps(this, 'Flux', {
      ...gitAuth,
      clusterId: this.aks.cluster.id,
      configurationName: FLUX.configurationName,
      namespace: NAMESPACES.flux,
      gitops: env.gitops,
      path: DIST.fluxPath(env.name),
      kustomizationName: FLUX.rootKustomizationName,
      // The controller must find its key when Flux installs it.
      dependsOn: [this.sealingKey.secret, this.aks.materializePool],
    });

    if (env.observability.enabled) this.observability(env, common, secretVariable);

    const endpoints = accessEndpoints(env);
    if (!env.access.publicLoadBalancers) {
      new AccessDns(this, 'AccessDns', {
        resourceGroupName: rg.name,
        zoneName: env.names.accessDnsZone,
        virtualNetworkId: this.network.vnet.id,
        records: { [ENDPOINT_RECORDS.sql]: endpoints.sql.ip!, [ENDPOINT_RECORDS.console]: endpoints.console.ip! },
      });
    }

    this.outputs(env);
    Aspects.of(this).add(new TaggingAspect({ ...env.tags, environment: env.name, 'managed-by': MANAGED_BY }));
    this.policy = new PolicyChecks({ dataProtection: env.dataProtection, suppressions: env.policy.suppressions });
    Aspects.of(this).add(this.policy);
  }

  /** Metrics into an Azure Monitor workspace, Grafana on it, and the alert rules with their action group. */
  private observability(
    env: Environment,
    common: { resourceGroupName: string; location: string },
    secretVariable: (name: string, description: string) => string,
  ): void {
    const o = env.observability;
    this.prometheus = new ManagedPrometheus(this, 'Prometheus', { ...common, name: env.names.metrics, clusterId: this.aks.cluster.id });
    this.grafana = new ManagedGrafana(this, 'Grafana', {
      ...common,
      name: env.names.grafana,
      workspaceId: this.prometheus.workspace.id,
      admins: o.grafanaAdmins,
      viewers: o.grafanaViewers,
    });
    const pool = env.aks.materializePool;
    const node = allocatable(pool.vmSize);
    new PrometheusAlerts(this, 'Alerts', {
      ...common,
      name: env.names.alertActionGroup,
      shortName: env.prefix.slice(0, 12),
      workspaceId: this.prometheus.workspace.id,
      clusterId: this.aks.cluster.id,
      clusterName: this.aks.cluster.name,
      emails: o.alerts.emails,
      webhookUrl: o.alerts.webhook
        ? secretVariable(TF_VARIABLES.alertWebhookUrl, 'URL alerts are posted to (set TF_VAR_alert_webhook_url)')
        : undefined,
      rules: alertRules({
        env,
        poolAllocatableMemoryBytes: (node?.memoryMi ?? 0) * 1024 * 1024 * pool.maxCount,
        sasExpiryUnix: this.storage.sasExpiryUnix,
      }),
    });
  }

  private outputs(env: Environment): void {
    const out = (name: string, value: string, sensitive = false, description?: string) =>
      new TerraformOutput(this, name, { value, sensitive, description, staticId: true });
    out(TF_OUTPUTS.resourceGroup, env.names.resourceGroup);
    out(TF_OUTPUTS.clusterName, this.aks.cluster.name);
    out(TF_OUTPUTS.postgresFqdn, this.database.server.fqdn);
    out(TF_OUTPUTS.storageAccount, this.storage.account.name);
    out(TF_OUTPUTS.storageContainer, this.storage.container.name);
    const endpoints = accessEndpoints(env);
    out(TF_OUTPUTS.sqlEndpoint, endpoints.sql.host, false, 'What SQL clients dial; the certificate holds this name');
    out(TF_OUTPUTS.consoleEndpoint, endpoints.console.host);
    out(TF_OUTPUTS.sealingCertificate, this.sealingKey.certificatePem, false, 'Seal secrets offline against this certificate (mzops seal)');
    out(TF_OUTPUTS.metadataBackendUrl, this.database.backendUrl, true);
    out(TF_OUTPUTS.persistBackendUrl, this.storage.backendUrl, true);
    if (this.storage.sasExpiry) out(TF_OUTPUTS.persistSasExpiry, this.storage.sasExpiry);
    if (this.storage.identityClientId) out(TF_OUTPUTS.persistIdentityClientId, this.storage.identityClientId);
    if (this.prometheus && this.grafana) {
      out(TF_OUTPUTS.prometheusQueryEndpoint, this.prometheus.workspace.queryEndpoint);
      out(TF_OUTPUTS.grafanaEndpoint, this.grafana.grafana.endpoint);
    }
    if (this.eventHubs) {
      out(TF_OUTPUTS.eventHubsNamespace, this.eventHubs.namespace.name);
      out(TF_OUTPUTS.eventHubsReaderConnectionString, this.eventHubs.reader.primaryConnectionString, true);
      out(TF_OUTPUTS.eventHubsPublisherConnectionString, this.eventHubs.publisher.primaryConnectionString, true);
    }
  }
}

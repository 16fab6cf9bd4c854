/**
 * The naming contract: every name that the Terraform stack, the GitOps
 * manifests and the CLI must agree on lives here, and only here. A literal
 * repeated on both sides drifts; an import cannot.
 */

/** Written into every tag and label so that ownership is visible in Azure and in the cluster. */
export const MANAGED_BY = 'materialize-azure-gitops';

/** The label every object we render carries. */
export const MANAGED_LABELS = { 'app.kubernetes.io/managed-by': MANAGED_BY } as const;

export const NAMESPACES = {
  /** The Materialize operator (orchestratord). */
  operator: 'materialize',
  /** The Materialize instance: environmentd, clusterd, balancerd, console, the backend secret. */
  instance: 'materialize-environment',
  /** The AKS flux configuration's namespace; multi-tenancy makes every Flux object live here. */
  flux: 'materialize-gitops',
  /** kubeseal's default, so `kubeseal --fetch-cert` works without flags. */
  sealedSecrets: 'kube-system',
  certManager: 'cert-manager',
  /** The swap disk-setup DaemonSet runs privileged: keep it out of the instance namespace. */
  diskSetup: 'materialize-disk-setup',
} as const;

export const FLUX = {
  /** AKS flux configuration name; the extension names its GitRepository after it. */
  configurationName: 'materialize',
  /** The one kustomization in the Terraform flux configuration; it applies the flux layer. */
  rootKustomizationName: 'flux',
  /** Flux object names in the synthesized flux layer, chained in this order. */
  layers: ['infrastructure', 'instance'] as const,
  /**
   * With observability on: the scrape definitions, in a layer of their own after the
   * infrastructure. Their kinds come from AKS's metrics add-on, which Terraform turns on: a Git
   * change that lands before the Terraform one stalls this layer only, never the instance.
   */
  monitoringLayer: 'monitoring',
  /**
   * How long each layer may take to become healthy, in minutes. The root kustomization waits for
   * all of them, so its timeout (Terraform's default is 600 s) is their sum plus a margin.
   */
  timeoutMinutes: { infrastructure: 15, instance: 30, monitoring: 10, rootMargin: 5 },
} as const;

export type FluxLayer = (typeof FLUX.layers)[number] | typeof FLUX.monitoringLayer;

/** Folder layout under `dist/<environment>/`, shared by synth, the Terraform flux path and the drift check. */
export const DIST = {
  root: 'dist',
  fluxFolder: 'flux',
  /** The file in every GitOps folder that lists its objects for kustomize (and Flux). */
  kustomizationFile: 'kustomization.yaml',
  /** The path the flux configuration's kustomization points at, relative to the repository root. */
  fluxPath(environment: string): string {
    return `./${this.root}/${environment}/${this.fluxFolder}`;
  },
  layerPath(environment: string, layer: FluxLayer): string {
    return `./${this.root}/${environment}/${layer}`;
  },
} as const;

/**
 * The repository's working folders. Terraform state lives in `state/`, beside (never inside)
 * `cdktf.out/`: synth replaces stack folders, so anything kept inside one is at risk.
 */
export const WORKSPACE = {
  environments: 'environments',
  cdktfOut: 'cdktf.out',
  /** cdktf's own layout: `cdktf.out/stacks/<stack>/cdk.tf.json`, and where Terraform runs. */
  stacks: 'stacks',
  /** The Terraform JSON cdktf writes into each stack folder. */
  stackFile: 'cdk.tf.json',
  manifest: 'manifest.json',
  /** Local Terraform state, one file per environment; git-ignored, mode 700. */
  state: 'state',
  /** Where `npx cdk8s synth` points (its CLI empties it first): never `dist/` itself. */
  cdk8sScratch: '.cdk8s.out',
  /** Every temporary folder or file synth makes starts with this; git ignores the pattern. */
  tmpPrefix: '.mz-tmp-',
  /** Pinned upstream files the tests read (URL and sha256 each), and their git-ignored cache. */
  referenceManifest: 'reference.json',
  referenceCache: '.reference',
  /** Changes a reviewer accepts for `mzops diff`, one change id per line; committed with the change. */
  acknowledgements: 'acknowledged-changes.txt',
  stateFile(environment: string): string {
    return `${environment}.tfstate`;
  },
  /** Where state lived before it moved out of cdktf.out (relative to the stack folder). */
  legacyStateFile(environment: string): string {
    return `terraform.${environment}.tfstate`;
  },
  environmentFile(environment: string): string {
    return `${environment}.ts`;
  },
  /** The values mzops owns (requestRollout, a recreated environmentId), beside the environment file. */
  mzopsStateFile(environment: string): string {
    return `${environment}.mzops.json`;
  },
} as const;

/**
 * The widest client range admitted anywhere (PostgreSQL firewall rules, load balancer source
 * ranges, API server ranges): validation refuses wider, and policy MZ-PG-1 refuses a firewall
 * rule wider, from this one number.
 */
export const WIDEST_CLIENT_PREFIX = 8;

/** Service annotations of the Azure cloud provider that the access Services set and `mzops diff` reads. */
export const AZURE_LB_ANNOTATIONS = {
  internal: 'service.beta.kubernetes.io/azure-load-balancer-internal',
  ipv4: 'service.beta.kubernetes.io/azure-load-balancer-ipv4',
  dnsLabel: 'service.beta.kubernetes.io/azure-dns-label-name',
} as const;

/** Server parameters the stack pins on the metadata PostgreSQL server. */
export const POSTGRES_PARAMETERS = { maxConnections: 'max_connections', requireSecureTransport: 'require_secure_transport' } as const;

/**
 * On the Materialize resource: the rollout epoch (`materialize.requestRollout`, what `mzops rollout`
 * writes) that its derived requestRollout and forceRollout came from. orchestratord copies no
 * annotation of the resource onto what it generates (crd.rs, managed_resource_meta), so this
 * changes nothing it hashes; reviewers and `mzops status` read it.
 */
export const ROLLOUT_EPOCH_ANNOTATION = `${MANAGED_BY}/rollout-epoch`;

/**
 * Which network policy engine enforces an environment's NetworkPolicies, recorded on the
 * namespaces whose policies we render. Changing the engine replaces the AKS cluster (azurerm
 * 4.55), so synth reads the record back from the committed GitOps folder: an environment that
 * does not set `aks.networkPolicy` keeps the engine its committed output was made with.
 */
export const NETWORK_POLICY_ENGINE = {
  annotation: `${MANAGED_BY}/network-policy-engine`,
  /** The engine of every committed output from before the record existed (the default then). */
  unrecorded: 'azure',
  /** The file, under `dist/<environment>/`, synth reads the record from: the instance namespace. */
  recordFile: `infrastructure/namespace-${NAMESPACES.instance}.yaml`,
  /**
   * Microsoft ends Azure Network Policy Manager's Linux support on this day
   * (../shared/reference/research/deployment-facts.md, section 5).
   */
  azureNpmLinuxEndOfSupport: '2028-09-30',
} as const;

/**
 * What AKS's managed Prometheus add-on runs and reads (Azure/prometheus-collector addon chart at
 * db003563, ../shared/reference/charts/azure-monitor-metrics-addon-db003563), and where our
 * scrape definitions live.
 */
export const OBSERVABILITY = {
  /** Our PodMonitors and the SQL endpoint's credentials: a namespace of their own, so the scraper reads no other secret. */
  namespace: 'materialize-monitoring',
  /** The add-on's CRD group (it ignores monitoring.coreos.com). */
  podMonitorApiVersion: 'azmonitoring.coreos.com/v1',
  /** The ama-metrics Deployment's pods (templates/ama-metrics-deployment.yaml): they scrape PodMonitor targets. */
  scraper: { namespace: 'kube-system', podLabels: { rsName: 'ama-metrics' }, serviceAccount: 'ama-metrics-serviceaccount' },
  /** The add-on's settings ConfigMap, read from kube-system (Azure Monitor docs, "Customize scraping"). */
  settingsConfigMap: 'ama-metrics-settings-configmap',
  /**
   * The SQL-based endpoints authenticate nothing: the basic-auth user picks the role the queries
   * run as, the password is never read (materialize-monitoring docs, "Authenticating the SQL
   * metrics endpoint"). mz_support is the built-in role upstream scrapes as.
   */
  sqlMonitor: { secret: 'materialize-sql-monitor', user: 'mz_support' },
  /** The data collection rule's stream and destination names (azurerm monitor_data_collection_rule). */
  prometheusStream: 'Microsoft-PrometheusMetrics',
  /** Grafana's folder for the dashboards mzops provisions. */
  grafanaFolder: { uid: 'materialize', title: 'Materialize' },
  /** Entra application IDs of the APIs mzops calls with a token from az. */
  tokenResources: { grafana: 'ce34e7e5-485f-4d76-964f-b3d2b16d1e4f', prometheus: 'https://prometheus.monitor.azure.com' },
} as const;

/** Kubernetes condition types the CLI waits on and reports. */
export const CONDITIONS = { ready: 'Ready', upToDate: 'UpToDate', synced: 'Synced' } as const;

/** The secret the Materialize CR names in `backendSecretName`; all four keys are read as required. */
export const BACKEND_SECRET = {
  name: 'materialize-backend',
  keys: {
    metadataBackendUrl: 'metadata_backend_url',
    persistBackendUrl: 'persist_backend_url',
    licenseKey: 'license_key',
    mzSystemPassword: 'external_login_password_mz_system',
  },
} as const;

export type BackendSecretKey = (typeof BACKEND_SECRET.keys)[keyof typeof BACKEND_SECRET.keys];
export const BACKEND_SECRET_KEYS: readonly BackendSecretKey[] = Object.values(BACKEND_SECRET.keys);

export const SEALED_SECRETS = {
  controllerName: 'sealed-secrets-controller',
  namespace: NAMESPACES.sealedSecrets,
  /** The Secret Terraform writes before the controller starts; the controller adopts it by label. */
  keySecretName: 'sealed-secrets-key-terraform',
  keyLabel: { key: 'sealedsecrets.bitnami.com/sealed-secrets-key', value: 'active' },
} as const;

/**
 * Node pools carry a label this project owns: AKS owns `agentpool` (and `kubernetes.azure.com/*`),
 * and a pool rotated through `temporary_name_for_rotation` runs nodes under another pool name.
 */
export const POOL_LABEL_KEY = 'materialize-azure-gitops/pool';

/** The system pool: AKS add-ons and the Materialize operator (as upstream's Azure modules place it). */
export const SYSTEM_POOL = {
  label: { key: POOL_LABEL_KEY, value: 'system' },
} as const;

/** The dedicated Materialize node pool: Terraform sets these, the HelmRelease tolerates and selects them. */
export const MATERIALIZE_POOL = {
  taint: { key: 'materialize', value: 'dedicated', effect: 'NoSchedule' },
  label: { key: POOL_LABEL_KEY, value: 'materialize' },
  swapLabel: { key: 'materialize.cloud/swap', value: 'true' },
} as const;

/** Cluster DNS on AKS: CoreDNS pods in kube-system; every egress-isolated pod must reach them. */
export const CLUSTER_DNS = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
  port: 53,
} as const;

export function taintString(): string {
  const t = MATERIALIZE_POOL.taint;
  return `${t.key}=${t.value}:${t.effect}`;
}

/** Our LoadBalancer Services of an instance: rendered by the manifests, looked up by the CLI. */
export function accessServiceNames(instanceName: string): { sql: string; console: string } {
  return { sql: `${instanceName}-sql`, console: `${instanceName}-console` };
}

/** The instance's CA (cert-manager): the manifests create it, `mzops ca` fetches its certificate. */
export const CERTIFICATE_AUTHORITY = {
  namespace: NAMESPACES.certManager,
  secretName: (instanceName: string) => `${instanceName}-ca`,
  issuerName: (instanceName: string) => `${instanceName}-ca`,
  selfSignedIssuerName: (instanceName: string) => `${instanceName}-selfsigned`,
  /** The key of the CA certificate in its secret. */
  certificateKey: 'ca.crt',
} as const;

/** Materialize's built-in admin role and default database, for SQL over the wire. */
export const MATERIALIZE_SQL = { adminUser: 'mz_system', database: 'materialize' } as const;

export const PORTS = {
  sql: 6875,
  http: 6876,
  console: 8080,
  postgres: 5432,
  eventHubsKafka: 9093,
  https: 443,
  /** environmentd's internal HTTP port (the operator's promotion calls). */
  internalHttp: 6878,
} as const;

/** Labels the operator puts on the pods we select with our own Services and NetworkPolicies. */
export const POD_LABELS = {
  app: 'app',
  organizationName: 'materialize.cloud/organization-name',
  balancerd: 'balancerd',
  console: 'console',
  environmentd: 'environmentd',
} as const;

export const HELM_REPOSITORIES = {
  materialize: { name: 'materialize', url: 'https://materializeinc.github.io/materialize' },
  sealedSecrets: { name: 'sealed-secrets', url: 'https://bitnami-labs.github.io/sealed-secrets' },
  certManager: { name: 'jetstack', url: 'https://charts.jetstack.io' },
} as const;

export const CHARTS = {
  operator: {
    name: 'materialize-operator',
    releaseName: 'materialize-operator',
    /** The chart's selectorLabels (templates/_helpers.tpl): what the operator pod carries; a chart test compares them. */
    podLabels: { 'app.kubernetes.io/name': 'materialize-operator', 'app.kubernetes.io/instance': 'materialize-operator' },
    /** The operator container's metrics port (its chart's deployment.yaml, `metrics`). */
    metricsPort: { name: 'metrics', number: 3100 },
  },
  sealedSecrets: { name: 'sealed-secrets', releaseName: SEALED_SECRETS.controllerName },
  certManager: {
    name: 'cert-manager',
    releaseName: 'cert-manager',
    /** The controller pod's labels and metrics port (cert-manager v1.21.1, deploy/charts/cert-manager/templates/deployment.yaml). */
    controllerPodLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
    metricsPort: { name: 'http-metrics', number: 9402 },
  },
} as const;

export const IMAGES = {
  environmentd: 'materialize/environmentd',
  diskSetup: 'materialize/ephemeral-storage-setup-image',
} as const;

export const WORKLOAD_IDENTITY = {
  clientIdAnnotation: 'azure.workload.identity/client-id',
  useLabel: 'azure.workload.identity/use',
  audience: 'api://AzureADTokenExchange',
} as const;

/** Event Hubs namespace authorization rules; names from the seed so existing producers keep working. */
export const EVENT_HUBS = {
  readerRule: 'materialize-multi-reader',
  publisherRule: 'data-multi-publisher',
  /** Event Hubs' Kafka endpoint takes this literal as the SASL user name; the password is the connection string. */
  kafkaUsername: '$ConnectionString',
  kafkaBroker(namespace: string): string {
    return `${namespace}.servicebus.windows.net:${PORTS.eventHubsKafka}`;
  },
} as const;

/** The Kubernetes service account environmentd runs as, named after the instance: the federated credential's subject. */
export function environmentdServiceAccountSubject(instanceName: string): string {
  return `system:serviceaccount:${NAMESPACES.instance}:${instanceName}`;
}

/** Terraform output names: the stack writes them, `mzops` reads them. */
export const TF_OUTPUTS = {
  resourceGroup: 'resource_group_name',
  clusterName: 'cluster_name',
  postgresFqdn: 'postgres_fqdn',
  storageAccount: 'storage_account_name',
  storageContainer: 'storage_container_name',
  eventHubsNamespace: 'eventhubs_namespace',
  sealingCertificate: 'sealing_certificate_pem',
  persistIdentityClientId: 'persist_identity_client_id',
  metadataBackendUrl: 'metadata_backend_url',
  persistBackendUrl: 'persist_backend_url',
  persistSasExpiry: 'persist_sas_expiry',
  eventHubsReaderConnectionString: 'eventhubs_reader_connection_string',
  eventHubsPublisherConnectionString: 'eventhubs_publisher_connection_string',
  /** The names clients dial (what the certificates hold). */
  sqlEndpoint: 'sql_endpoint',
  consoleEndpoint: 'console_endpoint',
  /** Observability: the Azure Monitor workspace's Prometheus query endpoint and Grafana's URL. */
  prometheusQueryEndpoint: 'prometheus_query_endpoint',
  grafanaEndpoint: 'grafana_endpoint',
} as const;

/**
 * Resource providers the stack registers beyond azurerm's default set (internal/resourceproviders/
 * required.go, v4.55: the "legacy" set): the Flux extension needs the first two; managed
 * Prometheus, Grafana and Prometheus alert rules the other three.
 */
export const AZURE_RESOURCE_PROVIDERS = [
  'Microsoft.Kubernetes',
  'Microsoft.KubernetesConfiguration',
  'Microsoft.Monitor',
  'Microsoft.Dashboard',
  'Microsoft.AlertsManagement',
] as const;

/** Sensitive Terraform variables: the only way a user-supplied secret enters the stack (TF_VAR_<name>). */
export const TF_VARIABLES = {
  postgresAdminPassword: 'postgres_admin_password',
  gitHttpsToken: 'git_https_token',
  gitSshPrivateKey: 'git_ssh_private_key',
  gitSshKnownHosts: 'git_ssh_known_hosts',
  /** Where alerts are posted (observability.alerts.webhook): such URLs usually carry a token. */
  alertWebhookUrl: 'alert_webhook_url',
} as const;

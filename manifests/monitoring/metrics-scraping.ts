import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SealedSecret } from '../../imports/sealed-secrets-bitnami.com';
import { CHARTS, MANAGED_LABELS, NAMESPACES, OBSERVABILITY } from '../../model/contract';
import { MATERIALIZE_SCRAPERS, type MaterializeScraper } from '../../model/generated/materialize-scrapers';
import { compareVersions } from '../../model/operator-versions';

/** Operators before this version label environmentd `app: environmentd` only (materialize-monitoring's scrapers say so). */
export const RECOMMENDED_LABELS_SINCE = 'v26.24.0';

/**
 * The kube-state-metrics series the alert rules read, kept on top of the add-on's minimal
 * ingestion profile (which keeps only what Microsoft's own dashboards and alerts use).
 */
export const KUBE_STATE_KEEP = [
  'kube_pod_container_status_restarts_total',
  'kube_pod_container_status_last_terminated_reason',
  'kube_pod_container_status_waiting_reason',
  'kube_pod_status_ready',
  'kube_pod_status_unschedulable',
  'kube_pod_container_resource_requests',
] as const;

export interface MetricsScrapingProps {
  /** The operator chart version: which labels environmentd's pods carry. */
  readonly operatorVersion: string;
  /** Where the Materialize pods run. @default NAMESPACES.instance */
  readonly instanceNamespace?: string;
  /** Where the operator runs. @default NAMESPACES.operator */
  readonly operatorNamespace?: string;
  /** cert-manager runs (its controller's metrics carry every certificate's expiry). @default false */
  readonly certManager?: boolean;
}

/** A scraper's selector for this operator version: before v26.24 environmentd carries only the legacy `app` label. */
export function scraperSelector(scraper: MaterializeScraper, operatorVersion: string): Record<string, string> {
  const legacy = compareVersions(operatorVersion, RECOMMENDED_LABELS_SINCE) < 0;
  return Object.fromEntries(
    Object.entries(scraper.selector).map(([k, v]) =>
      legacy && k === 'app.kubernetes.io/name' && v === 'environmentd' ? ['app', v] : [k, v],
    ),
  );
}

/**
 * What AKS's managed Prometheus scrapes: Materialize's own scrape definitions as PodMonitors of
 * the add-on's API group, in a namespace of their own with the SQL endpoint's credentials (a
 * SealedSecret whose two values are public: the built-in role upstream scrapes as, and an empty
 * password the endpoint never reads), a Role that lets the scraper read that one namespace's
 * secrets (the add-on's cluster-wide secret access ends with Kubernetes 1.37), and the add-on's
 * settings keeping the kube-state-metrics series the alerts read.
 */
export class MetricsScraping extends Construct {
  constructor(scope: Construct, id: string, props: MetricsScrapingProps) {
    super(scope, id);
    const namespace = OBSERVABILITY.namespace;
    const instanceNamespace = props.instanceNamespace ?? NAMESPACES.instance;
    const operatorNamespace = props.operatorNamespace ?? NAMESPACES.operator;
    const labels = { ...MANAGED_LABELS };
    const { secret, user } = OBSERVABILITY.sqlMonitor;

    new SealedSecret(this, 'SqlMonitor', {
      metadata: { name: secret, namespace },
      spec: {
        encryptedData: {},
        template: { metadata: { name: secret, namespace, labels }, type: 'Opaque', data: { username: user, password: '' } },
      },
    });

    const scraper = OBSERVABILITY.scraper;
    const reader = 'ama-metrics-secrets-reader';
    new ApiObject(this, 'SecretsReader', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: reader, namespace, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    });
    new ApiObject(this, 'SecretsReaderBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: reader, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: reader },
      subjects: [{ kind: 'ServiceAccount', name: scraper.serviceAccount, namespace: scraper.namespace }],
    });

    for (const s of MATERIALIZE_SCRAPERS) {
      const operator = s.name === 'materialize-operator';
      new ApiObject(this, `PodMonitor-${s.name}`, {
        apiVersion: OBSERVABILITY.podMonitorApiVersion,
        kind: 'PodMonitor',
        metadata: { name: s.name, namespace, labels },
        spec: {
          selector: { matchLabels: scraperSelector(s, props.operatorVersion) },
          // Upstream selects in every namespace; only ours hold Materialize pods.
          namespaceSelector: { matchNames: [operator ? operatorNamespace : instanceNamespace] },
          podTargetLabels: [...s.podTargetLabels],
          podMetricsEndpoints: s.endpoints.map((e) => ({
            port: e.port,
            path: e.path,
            ...(e.basicAuth
              ? {
                  basicAuth: {
                    username: { name: e.basicAuth.secret, key: e.basicAuth.usernameKey },
                    password: { name: e.basicAuth.secret, key: e.basicAuth.passwordKey },
                  },
                }
              : {}),
          })),
        },
      });
    }

    if (props.certManager) {
      // Not among Materialize's scrapers: the certificate expiry alert reads the controller's metrics.
      const cm = CHARTS.certManager;
      new ApiObject(this, 'PodMonitor-cert-manager', {
        apiVersion: OBSERVABILITY.podMonitorApiVersion,
        kind: 'PodMonitor',
        metadata: { name: cm.name, namespace, labels },
        spec: {
          selector: { matchLabels: { ...cm.controllerPodLabels } },
          namespaceSelector: { matchNames: [NAMESPACES.certManager] },
          podMetricsEndpoints: [{ port: cm.metricsPort.name, path: '/metrics' }],
        },
      });
    }

    // The add-on reads its settings from this ConfigMap; keys it does not find keep their defaults.
    new ApiObject(this, 'Settings', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: OBSERVABILITY.settingsConfigMap, namespace: scraper.namespace, labels },
      data: {
        'schema-version': 'v1',
        'config-version': 'ver1',
        'default-targets-metrics-keep-list': `kubestate = "${KUBE_STATE_KEEP.join('|')}"\nminimalingestionprofile = true\n`,
      },
    });
  }
}

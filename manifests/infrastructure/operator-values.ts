/**
 * Typed values for the materialize-operator chart (keys from its values.yaml, v26.12.0 and v26.37.0).
 * The chart ships no values schema, so a misspelt key would be ignored silently; these types
 * make the compiler refuse it instead. Only keys this project sets are typed.
 */

export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface PlacementValues {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

export interface ResourceValues {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

export interface OperatorValues {
  operator: Partial<PlacementValues> & {
    image?: { tag: string };
    cloudProvider: { type: 'azure'; region: string };
    clusters: { swap_enabled: boolean };
    /** v26.37 on: the v1 CRD and its conversion webhook (port 8001, cert-manager); this project stays on v1alpha1. */
    args?: { enableLicenseKeyChecks?: boolean; installV1CRD?: boolean };
  };
  environmentd: PlacementValues & { defaultResources?: ResourceValues };
  clusterd: PlacementValues;
  balancerd: PlacementValues & { enabled: boolean; defaultResources?: ResourceValues };
  console: PlacementValues & { enabled: boolean };
  networkPolicies: {
    enabled: boolean;
    internal: { enabled: boolean };
    ingress: { enabled: boolean; cidrs?: string[] };
    egress: { enabled: boolean; cidrs?: string[] };
  };
  observability: { enabled: boolean; podMetrics: { enabled: boolean }; prometheus: { scrapeAnnotations: { enabled: boolean } } };
  telemetry: { enabled: boolean };
  tls?: { defaultCertificateSpecs: Record<string, unknown> };
}

/** Every top-level and second-level key this project may set, checked against the chart's values.yaml in tests. */
export function valuePaths(values: object, prefix = ''): string[] {
  return Object.entries(values).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const isLeafMap = ['nodeSelector', 'defaultResources', 'cloudProvider', 'image'].includes(k);
    return v && typeof v === 'object' && !Array.isArray(v) && !isLeafMap && prefix.split('.').length < 2
      ? [path, ...valuePaths(v, path)]
      : [path];
  });
}

import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type * as L1 from '../imports/k8s';

/**
 * The few core Kubernetes kinds we render, as plain ApiObjects typed by the bindings `cdk8s import
 * k8s@1.36.0` generates (imports/k8s.ts, the default AKS minor; npm run imports). The types are
 * imported only for the compiler: loading that 1.7 MB module at
 * run time cost every synth tens of milliseconds for a handful of kinds whose field names are
 * already the API's.
 */
export type { L1 as k8s };

function kind<P extends object>(apiVersion: string, kindName: string) {
  return (scope: Construct, id: string, props: P): ApiObject =>
    new ApiObject(scope, id, { apiVersion, kind: kindName, ...(props as Record<string, unknown>) });
}

export const kube = {
  namespace: kind<L1.KubeNamespaceProps>('v1', 'Namespace'),
  service: kind<L1.KubeServiceProps>('v1', 'Service'),
  serviceAccount: kind<L1.KubeServiceAccountProps>('v1', 'ServiceAccount'),
  daemonSet: kind<L1.KubeDaemonSetProps>('apps/v1', 'DaemonSet'),
  clusterRole: kind<L1.KubeClusterRoleProps>('rbac.authorization.k8s.io/v1', 'ClusterRole'),
  clusterRoleBinding: kind<L1.KubeClusterRoleBindingProps>('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
  networkPolicy: kind<L1.KubeNetworkPolicyProps>('networking.k8s.io/v1', 'NetworkPolicy'),
};

/** A port number where the API takes an int-or-string (the generated type is a class wrapping it). */
export function intOrString(n: number): L1.IntOrString {
  return n as unknown as L1.IntOrString;
}

/** A resource quantity (the generated type is a class wrapping the string). */
export function quantity(q: string): L1.Quantity {
  return q as unknown as L1.Quantity;
}

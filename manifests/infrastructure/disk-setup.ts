import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { DISK_SETUP_REQUESTS } from '../../model/capacity';
import { IMAGES, MATERIALIZE_POOL, MANAGED_LABELS } from '../../model/contract';
import type { Toleration } from './operator-values';

export interface DiskSetupProps {
  readonly namespace: string;
  readonly imageTag: string;
  readonly tolerations: Toleration[];
}

/**
 * Prepares swap on the Materialize pool's local NVMe, as Materialize's own Azure modules do:
 * clusterd pods require `materialize.cloud/swap=true` nodes with swap enabled. Privileged by
 * necessity, so it lives in its own namespace.
 */
export class DiskSetup extends Construct {
  constructor(scope: Construct, id: string, props: DiskSetupProps) {
    super(scope, id);
    const name = 'disk-setup';
    const labels = { 'app.kubernetes.io/name': name, ...MANAGED_LABELS };
    const image = `${IMAGES.diskSetup}:${props.imageTag}`;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace: props.namespace, labels } });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: `materialize-${name}`, labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch', 'update'] }],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: `materialize-${name}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `materialize-${name}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace: props.namespace }],
    });
    new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: { name, namespace: props.namespace, labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            hostNetwork: true,
            hostPid: true,
            tolerations: props.tolerations,
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: MATERIALIZE_POOL.swapLabel.key, operator: 'In', values: [MATERIALIZE_POOL.swapLabel.value] },
                        { key: MATERIALIZE_POOL.label.key, operator: 'In', values: [MATERIALIZE_POOL.label.value] },
                      ],
                    },
                  ],
                },
              },
            },
            initContainers: [
              {
                name: 'swap-setup',
                image,
                command: ['ephemeral-storage-setup'],
                args: ['swap', '--cloud-provider', 'azure', '--hack-restart-kubelet-enable-swap', '--apply-sysctls'],
                env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
                securityContext: { privileged: true, runAsUser: 0 },
                resources: { requests: { cpu: k8s.Quantity.fromString(`${DISK_SETUP_REQUESTS.cpuMillis}m`), memory: k8s.Quantity.fromString(`${DISK_SETUP_REQUESTS.memoryMi}Mi`) }, limits: { memory: k8s.Quantity.fromString(`${DISK_SETUP_REQUESTS.memoryMi}Mi`) } },
                volumeMounts: [
                  { name: 'dev', mountPath: '/dev' },
                  { name: 'host-root', mountPath: '/host' },
                ],
              },
            ],
            containers: [
              {
                name: 'pause',
                image,
                command: ['ephemeral-storage-setup'],
                args: ['sleep'],
                securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                resources: { requests: { cpu: k8s.Quantity.fromString('1m'), memory: k8s.Quantity.fromString('8Mi') }, limits: { memory: k8s.Quantity.fromString('8Mi') } },
              },
            ],
            volumes: [
              { name: 'dev', hostPath: { path: '/dev' } },
              { name: 'host-root', hostPath: { path: '/' } },
            ],
          },
        },
      },
    });
  }
}

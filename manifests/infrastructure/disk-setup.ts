import { Construct } from 'constructs';
import { kube, quantity } from '../kube';
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
    kube.serviceAccount(this, 'ServiceAccount', { metadata: { name, namespace: props.namespace, labels } });
    kube.clusterRole(this, 'ClusterRole', {
      metadata: { name: `materialize-${name}`, labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch', 'update'] }],
    });
    kube.clusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: `materialize-${name}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `materialize-${name}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace: props.namespace }],
    });
    kube.daemonSet(this, 'DaemonSet', {
      metadata: { name, namespace: props.namespace, labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            hostNetwork: true,
            // The generated type spells it hostPid; the API field is hostPID.
            ...({ hostPID: true } as object),
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
                resources: {
                  requests: { cpu: quantity(`${DISK_SETUP_REQUESTS.cpuMillis}m`), memory: quantity(`${DISK_SETUP_REQUESTS.memoryMi}Mi`) },
                  limits: { memory: quantity(`${DISK_SETUP_REQUESTS.memoryMi}Mi`) },
                },
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
                resources: { requests: { cpu: quantity('1m'), memory: quantity('8Mi') }, limits: { memory: quantity('8Mi') } },
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

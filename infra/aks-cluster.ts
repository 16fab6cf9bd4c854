import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { MATERIALIZE_POOL, SYSTEM_POOL, taintString } from '../model/contract';
import { MAX_PODS_PER_NODE } from '../model/capacity';
import type { Environment } from '../model/environment';
import type { Subnet } from '@cdktf/provider-azurerm/lib/subnet';

export interface AksClusterProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** The model's `aks` section: version, both pools, the OS maintenance window, the policy engine, API server ranges. */
  readonly aks: Environment['aks'];
  /** The names the model derives for the cluster, its DNS prefix, control-plane identity and egress address. */
  readonly names: Pick<Environment['names'], 'aksCluster' | 'aksDnsPrefix' | 'aksIdentity' | 'aksEgressIp'>;
  /** The service range and the cluster DNS address (the model's `network` section). */
  readonly network: Pick<Environment['network'], 'serviceCidr' | 'dnsServiceIp'>;
  /** The nodes' subnet (the Network construct's). */
  readonly subnet: Subnet;
  /** Label the Materialize pool for swap (the disk-setup DaemonSet prepares it). @default false */
  readonly swap?: boolean;
  /** Run AKS's managed Prometheus add-on (ama-metrics). @default false */
  readonly monitorMetrics?: boolean;
}

const scales = (nodes: number, max?: number) => max !== undefined && max > nodes;

function autoscaling(nodes: number, max?: number): { autoScalingEnabled?: boolean; minCount?: number; maxCount?: number } {
  return scales(nodes, max) ? { autoScalingEnabled: true, minCount: nodes, maxCount: max } : {};
}

/** AKS with a system pool and the dedicated, tainted Materialize pool. */
export class AksCluster extends Construct {
  readonly cluster: KubernetesCluster;
  readonly materializePool: KubernetesClusterNodePool;
  /** Labels on the Materialize pool's nodes: what the operator's workloads select. */
  readonly materializePoolLabels: Record<string, string>;
  /** The address AKS egress leaves from. */
  readonly egressIp: PublicIp;

  constructor(scope: Construct, id: string, props: AksClusterProps) {
    super(scope, id);
    const aks = props.aks;
    const policy = aks.networkPolicy;
    // A system-assigned identity exists only once the cluster does, too late for the rights its
    // internal load balancers need on a subnet this stack creates: a user-assigned one first.
    const identity = new UserAssignedIdentity(this, 'ControlPlaneIdentity', {
      name: props.names.aksIdentity,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    const subnetRights = new RoleAssignment(this, 'SubnetNetworkContributor', {
      scope: props.subnet.id,
      roleDefinitionName: 'Network Contributor',
      principalId: identity.principalId,
      principalType: 'ServicePrincipal',
    });
    // A known egress address, for firewalls (public PostgreSQL) to admit the cluster by.
    this.egressIp = new PublicIp(this, 'EgressIp', {
      name: props.names.aksEgressIp,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      allocationMethod: 'Static',
      sku: 'Standard',
    });
    const egressRights = new RoleAssignment(this, 'EgressIpNetworkContributor', {
      scope: this.egressIp.id,
      roleDefinitionName: 'Network Contributor',
      principalId: identity.principalId,
      principalType: 'ServicePrincipal',
    });
    this.cluster = new KubernetesCluster(this, 'Cluster', {
      name: props.names.aksCluster,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      dnsPrefix: props.names.aksDnsPrefix,
      kubernetesVersion: aks.kubernetesVersion,
      ...(aks.longTermSupport ? { skuTier: 'Premium', supportPlan: 'AKSLongTermSupport' } : {}),
      // Reimaging restarts every pod of the Materialize pool: only inside a chosen window.
      nodeOsUpgradeChannel: 'NodeImage',
      maintenanceWindowNodeOs: {
        frequency: 'Weekly',
        interval: 1,
        dayOfWeek: aks.nodeOsMaintenance.dayOfWeek,
        startTime: aks.nodeOsMaintenance.startTime,
        utcOffset: '+00:00',
        duration: aks.nodeOsMaintenance.durationHours,
      },
      identity: { type: 'UserAssigned', identityIds: [identity.id] },
      dependsOn: [subnetRights, egressRights],
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      roleBasedAccessControlEnabled: true,
      defaultNodePool: {
        name: aks.systemPool.name,
        vmSize: aks.systemPool.vmSize,
        nodeCount: aks.systemPool.nodeCount,
        maxPods: MAX_PODS_PER_NODE,
        ...autoscaling(aks.systemPool.nodeCount, aks.systemPool.maxCount),
        osDiskSizeGb: aks.systemPool.osDiskSizeGb,
        vnetSubnetId: props.subnet.id,
        orchestratorVersion: aks.kubernetesVersion,
        onlyCriticalAddonsEnabled: false,
        temporaryNameForRotation: `${aks.systemPool.name.slice(0, 8)}tmp`,
        upgradeSettings: { maxSurge: '10%' },
        nodeLabels: { [SYSTEM_POOL.label.key]: SYSTEM_POOL.label.value },
      },
      networkProfile: {
        networkPlugin: 'azure',
        networkPolicy: policy,
        // Cilium policy requires the Cilium data plane.
        networkDataPlane: policy === 'cilium' ? 'cilium' : 'azure',
        serviceCidr: props.network.serviceCidr,
        dnsServiceIp: props.network.dnsServiceIp,
        loadBalancerSku: 'standard',
        loadBalancerProfile: { outboundIpAddressIds: [this.egressIp.id] },
      },
      // The add-on's pods; the workspace and data collection rule are ManagedPrometheus's.
      monitorMetrics: props.monitorMetrics ? {} : undefined,
      apiServerAccessProfile:
        aks.apiServerAuthorizedRanges && aks.apiServerAuthorizedRanges.length > 0
          ? { authorizedIpRanges: aks.apiServerAuthorizedRanges }
          : undefined,
      // The autoscaler owns the node count of a scaling pool.
      lifecycle: {
        ignoreChanges: [
          'default_node_pool[0].upgrade_settings',
          ...(scales(aks.systemPool.nodeCount, aks.systemPool.maxCount) ? ['default_node_pool[0].node_count'] : []),
        ],
      },
    });
    this.materializePoolLabels = {
      [MATERIALIZE_POOL.label.key]: MATERIALIZE_POOL.label.value,
      ...(props.swap ? { [MATERIALIZE_POOL.swapLabel.key]: MATERIALIZE_POOL.swapLabel.value } : {}),
    };
    this.materializePool = new KubernetesClusterNodePool(this, 'MaterializePool', {
      name: aks.materializePool.name,
      kubernetesClusterId: this.cluster.id,
      vmSize: aks.materializePool.vmSize,
      nodeCount: aks.materializePool.nodeCount,
      maxPods: MAX_PODS_PER_NODE,
      ...autoscaling(aks.materializePool.nodeCount, aks.materializePool.maxCount),
      lifecycle: scales(aks.materializePool.nodeCount, aks.materializePool.maxCount) ? { ignoreChanges: ['node_count'] } : undefined,
      osDiskSizeGb: aks.materializePool.osDiskSizeGb,
      vnetSubnetId: props.subnet.id,
      orchestratorVersion: aks.kubernetesVersion,
      mode: 'User',
      nodeLabels: this.materializePoolLabels,
      nodeTaints: [taintString()],
      temporaryNameForRotation: `${aks.materializePool.name.slice(0, 8)}tmp`,
      // An upgrade surges one node in ten (the subnet is sized for it, model/subnet.ts) and gives each
      // drained node 30 minutes: environmentd and clusterd move only once their pods are evicted.
      upgradeSettings: { maxSurge: '10%', drainTimeoutInMinutes: 30 },
    });
  }
}

import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { MATERIALIZE_POOL, SYSTEM_POOL, taintString } from '../model/contract';
import type { NetworkPolicyEngine } from '../model/environment';

export interface AksClusterProps {
  readonly name: string;
  /** Must match the provider's dns_prefix rule (see aksDnsPrefix in model/environment.ts). */
  readonly dnsPrefix: string;
  /** The control plane's user-assigned identity. */
  readonly identityName: string;
  /** The static public IP every node's egress leaves from. */
  readonly egressIpName: string;
  /** Premium tier and AKSLongTermSupport, for a minor past its end of life. @default false */
  readonly longTermSupport?: boolean;
  /** The weekly window (UTC) in which AKS may reimage nodes with a new OS image (the model's aks.nodeOsMaintenance). */
  readonly nodeOsMaintenance: { dayOfWeek: string; startTime: string; durationHours: number };
  readonly resourceGroupName: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  readonly subnetId: string;
  readonly serviceCidr: string;
  readonly dnsServiceIp: string;
  readonly systemPoolName: string;
  readonly systemPoolVmSize: string;
  readonly systemPoolNodeCount: number;
  readonly materializePoolName: string;
  readonly materializePoolVmSize: string;
  readonly materializePoolNodeCount: number;
  /** The autoscaler's maximum; equal to the node count, no autoscaling. @default - systemPoolNodeCount */
  readonly systemPoolMaxCount?: number;
  /** @default - materializePoolNodeCount */
  readonly materializePoolMaxCount?: number;
  /** Pods per node, what the capacity check assumes (model/capacity.ts). */
  readonly maxPods: number;
  readonly systemPoolOsDiskSizeGb: number;
  readonly materializePoolOsDiskSizeGb: number;
  /** Label the Materialize pool for swap (the disk-setup DaemonSet prepares it). */
  readonly swap: boolean;
  /** Enforces NetworkPolicies. */
  readonly networkPolicy: NetworkPolicyEngine;
  /** CIDRs allowed to reach the API server. @default - unrestricted */
  readonly apiServerAuthorizedRanges?: string[];
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
    const policy = props.networkPolicy;
    // A system-assigned identity exists only once the cluster does, too late for the rights its
    // internal load balancers need on a subnet this stack creates: a user-assigned one first.
    const identity = new UserAssignedIdentity(this, 'ControlPlaneIdentity', {
      name: props.identityName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    const subnetRights = new RoleAssignment(this, 'SubnetNetworkContributor', {
      scope: props.subnetId,
      roleDefinitionName: 'Network Contributor',
      principalId: identity.principalId,
      principalType: 'ServicePrincipal',
    });
    // A known egress address, for firewalls (public PostgreSQL) to admit the cluster by.
    this.egressIp = new PublicIp(this, 'EgressIp', {
      name: props.egressIpName,
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
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      dnsPrefix: props.dnsPrefix,
      kubernetesVersion: props.kubernetesVersion,
      ...(props.longTermSupport ? { skuTier: 'Premium', supportPlan: 'AKSLongTermSupport' } : {}),
      // Reimaging restarts every pod of the Materialize pool: only inside a chosen window.
      nodeOsUpgradeChannel: 'NodeImage',
      maintenanceWindowNodeOs: {
        frequency: 'Weekly',
        interval: 1,
        dayOfWeek: props.nodeOsMaintenance.dayOfWeek,
        startTime: props.nodeOsMaintenance.startTime,
        utcOffset: '+00:00',
        duration: props.nodeOsMaintenance.durationHours,
      },
      identity: { type: 'UserAssigned', identityIds: [identity.id] },
      dependsOn: [subnetRights, egressRights],
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      roleBasedAccessControlEnabled: true,
      defaultNodePool: {
        name: props.systemPoolName,
        vmSize: props.systemPoolVmSize,
        nodeCount: props.systemPoolNodeCount,
        maxPods: props.maxPods,
        ...autoscaling(props.systemPoolNodeCount, props.systemPoolMaxCount),
        osDiskSizeGb: props.systemPoolOsDiskSizeGb,
        vnetSubnetId: props.subnetId,
        orchestratorVersion: props.kubernetesVersion,
        onlyCriticalAddonsEnabled: false,
        temporaryNameForRotation: `${props.systemPoolName.slice(0, 8)}tmp`,
        upgradeSettings: { maxSurge: '10%' },
        nodeLabels: { [SYSTEM_POOL.label.key]: SYSTEM_POOL.label.value },
      },
      networkProfile: {
        networkPlugin: 'azure',
        networkPolicy: policy,
        // Cilium policy requires the Cilium data plane.
        networkDataPlane: policy === 'cilium' ? 'cilium' : 'azure',
        serviceCidr: props.serviceCidr,
        dnsServiceIp: props.dnsServiceIp,
        loadBalancerSku: 'standard',
        loadBalancerProfile: { outboundIpAddressIds: [this.egressIp.id] },
      },
      // The add-on's pods; the workspace and data collection rule are ManagedPrometheus's.
      monitorMetrics: props.monitorMetrics ? {} : undefined,
      apiServerAccessProfile:
        props.apiServerAuthorizedRanges && props.apiServerAuthorizedRanges.length > 0
          ? { authorizedIpRanges: props.apiServerAuthorizedRanges }
          : undefined,
      // The autoscaler owns the node count of a scaling pool.
      lifecycle: {
        ignoreChanges: [
          'default_node_pool[0].upgrade_settings',
          ...(scales(props.systemPoolNodeCount, props.systemPoolMaxCount) ? ['default_node_pool[0].node_count'] : []),
        ],
      },
    });
    this.materializePoolLabels = {
      [MATERIALIZE_POOL.label.key]: MATERIALIZE_POOL.label.value,
      ...(props.swap ? { [MATERIALIZE_POOL.swapLabel.key]: MATERIALIZE_POOL.swapLabel.value } : {}),
    };
    this.materializePool = new KubernetesClusterNodePool(this, 'MaterializePool', {
      name: props.materializePoolName,
      kubernetesClusterId: this.cluster.id,
      vmSize: props.materializePoolVmSize,
      nodeCount: props.materializePoolNodeCount,
      maxPods: props.maxPods,
      ...autoscaling(props.materializePoolNodeCount, props.materializePoolMaxCount),
      lifecycle: scales(props.materializePoolNodeCount, props.materializePoolMaxCount) ? { ignoreChanges: ['node_count'] } : undefined,
      osDiskSizeGb: props.materializePoolOsDiskSizeGb,
      vnetSubnetId: props.subnetId,
      orchestratorVersion: props.kubernetesVersion,
      mode: 'User',
      nodeLabels: this.materializePoolLabels,
      nodeTaints: [taintString()],
      temporaryNameForRotation: `${props.materializePoolName.slice(0, 8)}tmp`,
      // An upgrade surges one node in ten (the subnet is sized for it, model/subnet.ts) and gives each
      // drained node 30 minutes: environmentd and clusterd move only once their pods are evicted.
      upgradeSettings: { maxSurge: '10%', drainTimeoutInMinutes: 30 },
    });
  }
}

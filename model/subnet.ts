import { MAX_PODS_PER_NODE } from './capacity';
import type { Environment } from './environment';

/**
 * Addresses the AKS subnet must hold, on Azure CNI (node subnet): every node takes one address for
 * itself and one per pod it may run, reserved when the node is created (1 + max pods), so the
 * subnet must hold the most nodes there can ever be at once (MicrosoftDocs/azure-aks-docs,
 * concepts-network-ip-address-planning.md: "(nodes + max surge) + (nodes + max surge) x max pods").
 * The most nodes: every pool at its autoscaling maximum, plus the larger of what upgrades surge
 * (each pool's upgrade_settings max surge, 10%, at least one node) and a pool rotated through
 * temporary_name_for_rotation (a whole second pool of its size, beside it). Azure keeps five
 * addresses of every subnet; internal load balancers take their two fixed frontends from it.
 * Too small fails at create, or months later at an autoscale, an upgrade or a VM-size rotation
 * (SubnetIsFull).
 */
export const AZURE_RESERVED_PER_SUBNET = 5;
export const ADDRESSES_PER_NODE = 1 + MAX_PODS_PER_NODE;
export const UPGRADE_SURGE = 0.1;

export interface SubnetNeed {
  /** The most nodes at once. */
  readonly nodes: number;
  /** Addresses the nodes take, first in the subnet. */
  readonly nodeAddresses: number;
  /** Everything: nodes, Azure's reserved addresses, the load balancers' frontends. */
  readonly total: number;
}

export function subnetNeed(env: Environment): SubnetNeed {
  const pools = [env.aks.systemPool, env.aks.materializePool];
  const steady = pools.reduce((n, p) => n + p.maxCount, 0);
  const surge = pools.reduce((n, p) => n + Math.max(1, Math.ceil(p.maxCount * UPGRADE_SURGE)), 0);
  const rotation = Math.max(...pools.map((p) => p.maxCount));
  const nodes = steady + Math.max(surge, rotation);
  const nodeAddresses = nodes * ADDRESSES_PER_NODE;
  const frontends = env.access.publicLoadBalancers ? 0 : 2;
  return { nodes, nodeAddresses, total: nodeAddresses + AZURE_RESERVED_PER_SUBNET + frontends };
}

/** The longest prefix whose subnet holds `addresses`. */
export function smallestPrefixFor(addresses: number): number {
  let prefix = 32;
  while (prefix > 0 && 2 ** (32 - prefix) < addresses) prefix--;
  return prefix;
}

import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';
import type { Environment } from '../model/environment';

export interface NetworkProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly vnetName: string;
  /** The model's `network` section: the VNet's range and its subnets'. */
  readonly network: Pick<Environment['network'], 'vnetCidr' | 'aksSubnetCidr' | 'postgresSubnetCidr'>;
  /**
   * Delegate a subnet to PostgreSQL and link a private DNS zone to the VNet.
   * @default true
   */
  readonly privatePostgres?: boolean;
  /** Required when privatePostgres is on; must end in `.postgres.database.azure.com`. @default - no zone */
  readonly privateDnsZoneName?: string;
}

/** VNet with the AKS subnet and, for private PostgreSQL, a delegated subnet and its private DNS zone. */
export class Network extends Construct {
  readonly vnet: VirtualNetwork;
  readonly aksSubnet: Subnet;
  readonly postgresSubnet?: Subnet;
  readonly privateDnsZone?: PrivateDnsZone;
  readonly dnsLink?: PrivateDnsZoneVirtualNetworkLink;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const rg = props.resourceGroupName;
    this.vnet = new VirtualNetwork(this, 'Vnet', {
      name: props.vnetName,
      resourceGroupName: rg,
      location: props.location,
      addressSpace: [props.network.vnetCidr],
    });
    this.aksSubnet = new Subnet(this, 'AksSubnet', {
      name: 'aks',
      resourceGroupName: rg,
      virtualNetworkName: this.vnet.name,
      addressPrefixes: [props.network.aksSubnetCidr],
      // Persist traffic to Blob Storage stays on the Azure backbone, and the account admits this
      // subnet by it. (Microsoft.Sql does nothing for Flexible Server, which is private by VNet
      // integration or public by firewall.)
      serviceEndpoints: ['Microsoft.Storage'],
    });
    if (props.privatePostgres ?? true) {
      if (!props.privateDnsZoneName) throw new Error('Network: privateDnsZoneName is required for private PostgreSQL');
      this.postgresSubnet = new Subnet(this, 'PostgresSubnet', {
        name: 'postgres',
        resourceGroupName: rg,
        virtualNetworkName: this.vnet.name,
        addressPrefixes: [props.network.postgresSubnetCidr],
        delegation: [
          {
            name: 'postgres-flexible-server',
            serviceDelegation: {
              name: 'Microsoft.DBforPostgreSQL/flexibleServers',
              actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
            },
          },
        ],
      });
      this.privateDnsZone = new PrivateDnsZone(this, 'PostgresDnsZone', {
        name: props.privateDnsZoneName,
        resourceGroupName: rg,
      });
      this.dnsLink = new PrivateDnsZoneVirtualNetworkLink(this, 'PostgresDnsLink', {
        name: 'postgres-dns-link',
        resourceGroupName: rg,
        privateDnsZoneName: this.privateDnsZone.name,
        virtualNetworkId: this.vnet.id,
      });
    }
  }
}

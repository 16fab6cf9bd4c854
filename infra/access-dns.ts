import { PrivateDnsARecord } from '@cdktf/provider-azurerm/lib/private-dns-a-record';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { Construct } from 'constructs';

export interface AccessDnsProps {
  readonly resourceGroupName: string;
  /** e.g. `mzexample.mz.internal`. */
  readonly zoneName: string;
  readonly virtualNetworkId: string;
  /** Record name -> the internal load balancer's fixed address. */
  readonly records: Record<string, string>;
}

/**
 * Names for the internal load balancers, resolvable inside the VNet (and from networks that
 * forward to it): the certificates hold these names, since the CR takes no IP addresses.
 */
export class AccessDns extends Construct {
  readonly zone: PrivateDnsZone;

  constructor(scope: Construct, id: string, props: AccessDnsProps) {
    super(scope, id);
    this.zone = new PrivateDnsZone(this, 'Zone', { name: props.zoneName, resourceGroupName: props.resourceGroupName });
    new PrivateDnsZoneVirtualNetworkLink(this, 'Link', {
      name: 'access-dns-link',
      resourceGroupName: props.resourceGroupName,
      privateDnsZoneName: this.zone.name,
      virtualNetworkId: props.virtualNetworkId,
    });
    for (const [name, ip] of Object.entries(props.records)) {
      new PrivateDnsARecord(this, `Record-${name}`, {
        name,
        zoneName: this.zone.name,
        resourceGroupName: props.resourceGroupName,
        ttl: 300,
        records: [ip],
      });
    }
  }
}

import { ResourceGroup as AzResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Construct } from 'constructs';

export interface ResourceGroupProps {
  readonly name: string;
  readonly location: string;
}

/** The one resource group that holds every resource of an environment. */
export class ResourceGroup extends Construct {
  readonly resource: AzResourceGroup;
  readonly name: string;
  readonly location: string;

  constructor(scope: Construct, id: string, props: ResourceGroupProps) {
    super(scope, id);
    this.resource = new AzResourceGroup(this, 'Resource', { name: props.name, location: props.location });
    this.name = this.resource.name;
    this.location = this.resource.location;
  }
}

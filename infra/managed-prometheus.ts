import { MonitorDataCollectionEndpoint } from '@cdktf/provider-azurerm/lib/monitor-data-collection-endpoint';
import { MonitorDataCollectionRule } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule';
import { MonitorDataCollectionRuleAssociation } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association';
import { MonitorWorkspace } from '@cdktf/provider-azurerm/lib/monitor-workspace';
import { Construct } from 'constructs';
import { OBSERVABILITY } from '../model/contract';

export interface ManagedPrometheusProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** The workspace's, endpoint's and rule's name. */
  readonly name: string;
  /** The AKS cluster whose add-on sends its metrics here (its monitor_metrics block must be set). */
  readonly clusterId: string;
}

/**
 * AKS's managed Prometheus, the Azure resources of it (Azure Monitor docs, "Enable Prometheus
 * with Terraform"): an Azure Monitor workspace, a data collection endpoint, a rule that forwards
 * the add-on's Prometheus stream into the workspace, and the rule's association with the cluster.
 */
export class ManagedPrometheus extends Construct {
  readonly workspace: MonitorWorkspace;

  constructor(scope: Construct, id: string, props: ManagedPrometheusProps) {
    super(scope, id);
    const where = { resourceGroupName: props.resourceGroupName, location: props.location };
    this.workspace = new MonitorWorkspace(this, 'Workspace', { name: props.name, ...where });
    const endpoint = new MonitorDataCollectionEndpoint(this, 'Endpoint', { name: props.name, ...where, kind: 'Linux' });
    const destination = 'workspace';
    const rule = new MonitorDataCollectionRule(this, 'Rule', {
      name: props.name,
      ...where,
      kind: 'Linux',
      dataCollectionEndpointId: endpoint.id,
      destinations: { monitorAccount: [{ monitorAccountId: this.workspace.id, name: destination }] },
      dataFlow: [{ streams: [OBSERVABILITY.prometheusStream], destinations: [destination] }],
      dataSources: { prometheusForwarder: [{ name: 'prometheus', streams: [OBSERVABILITY.prometheusStream] }] },
    });
    new MonitorDataCollectionRuleAssociation(this, 'Association', {
      name: `${props.name}-aks`,
      targetResourceId: props.clusterId,
      dataCollectionRuleId: rule.id,
    });
  }
}

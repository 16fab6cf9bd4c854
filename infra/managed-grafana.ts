import { DashboardGrafana } from '@cdktf/provider-azurerm/lib/dashboard-grafana';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';

export interface ManagedGrafanaProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** 2-23 letters, digits and hyphens (azurerm's rule). */
  readonly name: string;
  /** The Azure Monitor workspace Grafana reads. */
  readonly workspaceId: string;
  /** Entra object IDs made Grafana Admin. @default [] */
  readonly admins?: readonly string[];
  /** Entra object IDs made Grafana Viewer. @default [] */
  readonly viewers?: readonly string[];
}

/**
 * Azure Managed Grafana on the environment's Azure Monitor workspace: its identity may read the
 * workspace (Monitoring Data Reader), and the people the environment names get Grafana roles.
 * azurerm 4.55 offers Grafana 10 and 11; 11 it is. The dashboards are not Terraform's: `mzops
 * deploy` provisions them from the repository (they survive a rebuild that way too).
 */
export class ManagedGrafana extends Construct {
  readonly grafana: DashboardGrafana;

  constructor(scope: Construct, id: string, props: ManagedGrafanaProps) {
    super(scope, id);
    this.grafana = new DashboardGrafana(this, 'Grafana', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      grafanaMajorVersion: '11',
      identity: { type: 'SystemAssigned' },
      azureMonitorWorkspaceIntegrations: [{ resourceId: props.workspaceId }],
    });
    new RoleAssignment(this, 'ReadsMetrics', {
      scope: props.workspaceId,
      roleDefinitionName: 'Monitoring Data Reader',
      principalId: this.grafana.identity.principalId,
      principalType: 'ServicePrincipal',
    });
    const grant = (role: string, ids: readonly string[] = []) =>
      ids.forEach(
        (principalId) =>
          new RoleAssignment(this, `${role.replace(/\s/g, '')}-${principalId}`, {
            scope: this.grafana.id,
            roleDefinitionName: role,
            principalId,
          }),
      );
    grant('Grafana Admin', props.admins);
    grant('Grafana Viewer', props.viewers);
  }
}

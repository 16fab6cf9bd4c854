import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorAlertPrometheusRuleGroup } from '@cdktf/provider-azurerm/lib/monitor-alert-prometheus-rule-group';
import { Construct } from 'constructs';
import type { AlertRule } from './alert-rules';

export interface PrometheusAlertsProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly name: string;
  /** The action group's short name, at most 12 characters (azurerm's rule). */
  readonly shortName: string;
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly clusterName: string;
  readonly rules: readonly AlertRule[];
  /** @default [] */
  readonly emails?: readonly string[];
  /** A webhook URL, as a (sensitive) Terraform expression. @default - none */
  readonly webhookUrl?: string;
}

/**
 * The alert rules as one Prometheus rule group evaluated against the environment's workspace,
 * and an action group that mails and/or posts every alert. Each rule's annotations name its
 * runbook line.
 */
export class PrometheusAlerts extends Construct {
  readonly actionGroup: MonitorActionGroup;

  constructor(scope: Construct, id: string, props: PrometheusAlertsProps) {
    super(scope, id);
    this.actionGroup = new MonitorActionGroup(this, 'ActionGroup', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      shortName: props.shortName,
      emailReceiver: (props.emails ?? []).map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress, useCommonAlertSchema: true })),
      webhookReceiver: props.webhookUrl ? [{ name: 'webhook', serviceUri: props.webhookUrl, useCommonAlertSchema: true }] : undefined,
    });
    new MonitorAlertPrometheusRuleGroup(this, 'Rules', {
      name: `${props.name}-materialize`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      clusterName: props.clusterName,
      scopes: [props.workspaceId, props.clusterId],
      interval: 'PT1M',
      ruleGroupEnabled: true,
      rule: props.rules.map((r) => ({
        alert: r.alert,
        expression: r.expression,
        for: r.for,
        severity: r.severity,
        enabled: true,
        labels: { environment: props.clusterName },
        annotations: { summary: r.summary, runbook: r.runbook },
        action: [{ actionGroupId: this.actionGroup.id }],
        alertResolution: { autoResolved: true, timeToResolve: 'PT10M' },
      })),
    });
  }
}

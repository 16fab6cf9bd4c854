import { Eventhub } from '@cdktf/provider-azurerm/lib/eventhub';
import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { EventhubNamespaceAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-namespace-authorization-rule';
import { Construct } from 'constructs';
import { EVENT_HUBS } from '../model/contract';
import type { Environment } from '../model/environment';
import { publicIpRules } from './ip-rules';

export interface EventHubsProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** The namespace's global name (the model derives it: names.eventHubsNamespace). */
  readonly namespaceName: string;
  /** The model's `eventHubs` section: SKU (Standard or above: Basic has no Kafka endpoint), capacity, topics, network access. */
  readonly eventHubs: Pick<Environment['eventHubs'], 'sku' | 'capacity' | 'topics' | 'publicNetworkAccess'>;
  /** Public client ranges admitted (private ones are dropped: the firewall sees public sources). @default [] */
  readonly allowedIpRanges?: readonly string[];
  /** Single addresses admitted, Terraform expressions allowed (the cluster's egress address). @default [] */
  readonly allowedAddresses?: readonly string[];
}

/**
 * Event Hubs namespace (the Kafka endpoint) behind its IP firewall, one hub per topic, and
 * namespace-wide Listen and Send rules.
 */
export class EventHubs extends Construct {
  readonly namespace: EventhubNamespace;
  readonly reader: EventhubNamespaceAuthorizationRule;
  readonly publisher: EventhubNamespaceAuthorizationRule;
  readonly hubs: Eventhub[];

  constructor(scope: Construct, id: string, props: EventHubsProps) {
    super(scope, id);
    this.namespace = new EventhubNamespace(this, 'Namespace', {
      name: props.namespaceName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: props.eventHubs.sku,
      capacity: props.eventHubs.capacity,
      minimumTlsVersion: '1.2',
      // Materialize authenticates with a SAS connection string over SASL PLAIN.
      localAuthenticationEnabled: true,
      // The public endpoint stays (Materialize and producers reach it by name), behind a firewall:
      // azurerm asks for the same public access setting here and in the rule set.
      publicNetworkAccessEnabled: true,
      networkRulesets: props.eventHubs.publicNetworkAccess
        ? undefined
        : [
            {
              defaultAction: 'Deny',
              publicNetworkAccessEnabled: true,
              trustedServiceAccessEnabled: false,
              ipRule: [...(props.allowedAddresses ?? []), ...publicIpRules(props.allowedIpRanges ?? [])].map((ipMask) => ({
                ipMask,
                action: 'Allow',
              })),
            },
          ],
    });
    this.hubs = props.eventHubs.topics.map(
      (t) =>
        new Eventhub(this, `Hub-${t.name}`, {
          name: t.name,
          namespaceId: this.namespace.id,
          partitionCount: t.partitions,
          messageRetention: t.retentionDays,
        }),
    );
    const rule = (ruleId: string, name: string, rights: { listen: boolean; send: boolean }) =>
      new EventhubNamespaceAuthorizationRule(this, ruleId, {
        name,
        namespaceName: this.namespace.name,
        resourceGroupName: props.resourceGroupName,
        manage: false,
        ...rights,
      });
    this.reader = rule('Reader', EVENT_HUBS.readerRule, { listen: true, send: false });
    this.publisher = rule('Publisher', EVENT_HUBS.publisherRule, { listen: false, send: true });
  }
}

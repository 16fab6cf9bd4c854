import { WIDEST_CLIENT_PREFIX } from '../../model/contract';
import { PostgresqlFlexibleServerDatabase } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-database';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesFluxConfiguration } from '@cdktf/provider-azurerm/lib/kubernetes-flux-configuration';
import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { PostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import { PostgresqlFlexibleServerFirewallRule } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-firewall-rule';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Token, type TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { parseCidr, parseIp } from '../../model/cidr';
import { POLICY_RULES, type PolicyRuleId, type PolicySeverity, type PolicySuppression } from '../../model/policy';

/**
 * Policy rules, one function each, in the cdk-nag style: a rule looks at one construct and
 * returns a violation message, or undefined when the construct complies or does not apply.
 */
export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  readonly severity: PolicySeverity;
  check(node: IConstruct, context: PolicyContext): string | undefined;
}

export interface PolicyContext {
  /** Stateful resources must carry prevent_destroy. */
  readonly dataProtection: boolean;
  /** Rules the environment sets aside, each with its reason. @default [] */
  readonly suppressions?: readonly PolicySuppression[];
}

/** A rule's id, description and severity come from the registry (model/policy.ts); the check is here. */
function rule(id: PolicyRuleId, description: string, check: PolicyRule['check']): PolicyRule {
  return { id, description, severity: POLICY_RULES[id].severity, check };
}

export const storageMinTls12 = rule('MZ-STG-1', 'Storage accounts require TLS 1.2', (node) =>
  node instanceof StorageAccount && node.minTlsVersionInput !== 'TLS1_2'
    ? `storage account must set minTlsVersion TLS1_2 (has ${node.minTlsVersionInput ?? 'provider default'})`
    : undefined,
);

export const storageHttpsOnly = rule('MZ-STG-2', 'Storage accounts accept HTTPS only', (node) =>
  node instanceof StorageAccount && node.httpsTrafficOnlyEnabledInput === false ? 'storage account must not allow plain HTTP' : undefined,
);

export const storageNoPublicBlobs = rule('MZ-STG-3', 'Storage accounts forbid anonymous blob access', (node) =>
  node instanceof StorageAccount && node.allowNestedItemsToBePublicInput !== false
    ? 'storage account must set allowNestedItemsToBePublic false'
    : undefined,
);

export const containerPrivate = rule('MZ-STG-4', 'Blob containers are private', (node) =>
  node instanceof StorageContainer && (node.containerAccessTypeInput ?? 'private') !== 'private'
    ? 'storage container must be private'
    : undefined,
);

export const postgresFirewallNotOpen = rule('MZ-PG-1', 'PostgreSQL firewall never opens the whole internet or all of Azure', (node) => {
  if (!(node instanceof PostgresqlFlexibleServerFirewallRule)) return undefined;
  const start = node.startIpAddressInput ?? '';
  const end = node.endIpAddressInput ?? '';
  // One address Terraform computes (the cluster's egress IP) is still one address; a computed range is not reviewable.
  if (Token.isUnresolved(start) || Token.isUnresolved(end))
    return start === end ? undefined : 'firewall rule ranges must be literal so that they can be reviewed';
  if (start === '0.0.0.0' && end === '0.0.0.0')
    return 'firewall rule 0.0.0.0-0.0.0.0 admits every Azure tenant; use private access or client ranges';
  if ((parseIp(end) ?? 0) - (parseIp(start) ?? 0) >= 2 ** (32 - WIDEST_CLIENT_PREFIX))
    return `firewall rule ${start}-${end} spans more than a /${WIDEST_CLIENT_PREFIX}`;
  return undefined;
});

export const postgresPasswordNotLiteral = rule('MZ-PG-2', 'The PostgreSQL admin password is never a literal', (node) => {
  if (!(node instanceof PostgresqlFlexibleServer)) return undefined;
  const pw = node.administratorPasswordInput;
  return pw !== undefined && !Token.isUnresolved(pw)
    ? 'administrator password is a literal in the Terraform JSON; use a generated password or a sensitive variable'
    : undefined;
});

export const aksNetworkPolicy = rule('MZ-AKS-1', 'AKS runs a network policy engine', (node) => {
  if (!(node instanceof KubernetesCluster)) return undefined;
  const policy = node.networkProfileInput?.networkPolicy;
  return policy ? undefined : 'AKS cluster has no network policy engine: NetworkPolicies would be ignored';
});

export const aksWorkloadIdentity = rule('MZ-AKS-2', 'AKS exposes an OIDC issuer and workload identity', (node) =>
  node instanceof KubernetesCluster && (node.oidcIssuerEnabledInput !== true || node.workloadIdentityEnabledInput !== true)
    ? 'AKS cluster must enable the OIDC issuer and workload identity'
    : undefined,
);

export const fluxPrunes = rule('MZ-FLUX-1', 'Flux kustomizations prune what Git no longer declares', (node) => {
  if (!(node instanceof KubernetesFluxConfiguration)) return undefined;
  const ks = node.kustomizationsInput;
  if (!Array.isArray(ks)) return undefined;
  return ks.some((k) => k.garbageCollectionEnabled !== true)
    ? 'every flux kustomization must set garbageCollectionEnabled (Terraform defaults it to false)'
    : undefined;
});

export const eventHubsTls12 = rule('MZ-EH-1', 'Event Hubs requires TLS 1.2', (node) =>
  node instanceof EventhubNamespace && node.minimumTlsVersionInput !== '1.2'
    ? 'Event Hubs namespace must set minimumTlsVersion 1.2'
    : undefined,
);

export const eventHubsFirewallNotOpen = rule(
  'MZ-EH-2',
  'The Event Hubs firewall admits no range wider than the widest client range',
  (node) => {
    if (!(node instanceof EventhubNamespace)) return undefined;
    const rulesets = node.networkRulesetsInput;
    if (!Array.isArray(rulesets)) return undefined;
    for (const ruleset of rulesets) {
      if (ruleset.defaultAction !== 'Deny')
        return `network rule set must refuse by default (has ${ruleset.defaultAction ?? 'provider default'})`;
      for (const ip of Array.isArray(ruleset.ipRule) ? ruleset.ipRule : []) {
        // A computed mask is the cluster's egress address: one address.
        if (ip.ipMask === undefined || Token.isUnresolved(ip.ipMask)) continue;
        const range = parseCidr(ip.ipMask.includes('/') ? ip.ipMask : `${ip.ipMask}/32`);
        if (typeof range === 'string') return `ip rule ${ip.ipMask} is not an IPv4 address or range`;
        if (range.prefix < WIDEST_CLIENT_PREFIX) return `ip rule ${ip.ipMask} spans more than a /${WIDEST_CLIENT_PREFIX}`;
      }
    }
    return undefined;
  },
);

/**
 * What cannot be rebuilt: the server and its database (name, charset and collation force a
 * replacement), the persist account and container, and the sealing key (every SealedSecret in
 * Git is encrypted for it).
 */
const STATEFUL = [PostgresqlFlexibleServer, PostgresqlFlexibleServerDatabase, StorageAccount, StorageContainer, PrivateKey];

export const statefulPreventDestroy = rule('MZ-DATA-1', 'Stateful resources are protected from destroy', (node, ctx) => {
  if (!ctx.dataProtection || !STATEFUL.some((cls) => node instanceof cls)) return undefined;
  return (node as TerraformResource).lifecycle?.preventDestroy === true
    ? undefined
    : 'stateful resource must set lifecycle prevent_destroy (dataProtection is on)';
});

export const ALL_RULES: PolicyRule[] = [
  storageMinTls12,
  storageHttpsOnly,
  storageNoPublicBlobs,
  containerPrivate,
  postgresFirewallNotOpen,
  postgresPasswordNotLiteral,
  aksNetworkPolicy,
  aksWorkloadIdentity,
  fluxPrunes,
  eventHubsTls12,
  eventHubsFirewallNotOpen,
  statefulPreventDestroy,
];

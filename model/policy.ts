/**
 * The policy rules by id: what each checks and how bad a violation is. The checks themselves are
 * infra/policy/rules.ts (a test keeps the two lists equal); the ids live here so that an
 * environment file's suppressions are validated with everything else.
 *
 * - `error`: fails the synth unless the environment suppresses it, with a reason.
 * - `warning`: printed by every synth; a suppression with a reason quiets it.
 */
export type PolicySeverity = 'error' | 'warning';

export const POLICY_RULES = {
  'MZ-STG-1': { severity: 'error', description: 'Storage accounts require TLS 1.2' },
  'MZ-STG-2': { severity: 'error', description: 'Storage accounts accept HTTPS only' },
  'MZ-STG-3': { severity: 'error', description: 'Storage accounts forbid anonymous blob access' },
  'MZ-STG-4': { severity: 'error', description: 'Blob containers are private' },
  'MZ-PG-1': { severity: 'error', description: 'PostgreSQL firewall never opens the whole internet or all of Azure' },
  'MZ-PG-2': { severity: 'error', description: 'The PostgreSQL admin password is never a literal' },
  'MZ-AKS-1': { severity: 'error', description: 'AKS runs a network policy engine' },
  'MZ-AKS-2': { severity: 'error', description: 'AKS exposes an OIDC issuer and workload identity' },
  'MZ-FLUX-1': { severity: 'error', description: 'Flux kustomizations prune what Git no longer declares' },
  'MZ-EH-1': { severity: 'error', description: 'Event Hubs requires TLS 1.2' },
  'MZ-EH-2': { severity: 'error', description: 'The Event Hubs firewall refuses by default and admits no range wider than a /8' },
  'MZ-DATA-1': { severity: 'error', description: 'Stateful resources are protected from destroy' },
} as const satisfies Record<string, { severity: PolicySeverity; description: string }>;

export type PolicyRuleId = keyof typeof POLICY_RULES;

/** A suppression must say why in at least this many characters (cdk-nag asks for ten; a sentence is more honest). */
export const MIN_SUPPRESSION_REASON = 20;

/** One rule switched off on purpose, for every resource of the environment or for one resource type. */
export interface PolicySuppression {
  readonly rule: string;
  readonly reason: string;
  /** A Terraform resource type (`azurerm_eventhub_namespace`); absent, every resource the rule checks. */
  readonly resourceType?: string;
}

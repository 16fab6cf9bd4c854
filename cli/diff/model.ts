/**
 * What `mzops diff` reports: per environment, the changes a pull request makes to the running
 * system, each classified by its worst effect with the reasons that decided it.
 */
export type Severity = 'data loss' | 'exposure' | 'downtime' | 'safe';

/** Worst first: the order of the summary columns and of the listing. */
export const SEVERITIES: readonly Severity[] = ['data loss', 'exposure', 'downtime', 'safe'];

/** The classes a pull request must not carry without a reviewer's acknowledgement. */
export const DANGEROUS: ReadonlySet<Severity> = new Set(['data loss', 'exposure']);

export type TerraformAction = 'create' | 'update' | 'replace' | 'destroy';
export type KubernetesAction = 'create' | 'update' | 'prune';

export interface AttributeChange {
  /** `network_rules.default_action`, `spec.environmentId`; list items as `[i]`. */
  readonly path: string;
  /** Secrets are masked before they get here; undefined means absent. */
  readonly before: unknown;
  readonly after: unknown;
}

export interface Finding {
  readonly severity: Severity;
  readonly reason: string;
}

export interface Change {
  /** `<environment>:<layer>:<address>:<action>`: what an acknowledgement names. */
  readonly id: string;
  readonly environment: string;
  readonly layer: 'terraform' | 'kubernetes';
  readonly action: TerraformAction | KubernetesAction;
  /** Terraform `type.name`; Kubernetes `Kind namespace/name`. */
  readonly address: string;
  /** Terraform resource type; Kubernetes `apiVersion/kind`. */
  readonly type: string;
  readonly attributes: readonly AttributeChange[];
  /** Why Terraform replaces it (with the table's source), when it does. */
  readonly replacement?: { readonly reasons: readonly string[]; readonly source: string };
  readonly findings: readonly Finding[];
  readonly severity: Severity;
  readonly acknowledged: boolean;
}

export interface EnvironmentDiff {
  readonly environment: string;
  /** Present on one side only. */
  readonly presence: 'both' | 'added' | 'removed';
  readonly changes: readonly Change[];
}

export interface DiffReport {
  readonly base: { readonly label: string; readonly commit?: string };
  readonly head: { readonly label: string; readonly commit?: string };
  readonly environments: readonly EnvironmentDiff[];
  /** Acknowledgement lines that match no change: stale, and worth deleting. */
  readonly unusedAcknowledgements: readonly string[];
  /** Unacknowledged data loss or exposure. */
  readonly dangerous: boolean;
}

export function worst(findings: readonly Finding[]): Severity {
  for (const s of SEVERITIES) if (findings.some((f) => f.severity === s)) return s;
  return 'safe';
}

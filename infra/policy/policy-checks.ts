import { Annotations, TerraformResource, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { PolicySuppression } from '../../model/policy';
import { ALL_RULES, type PolicyContext, type PolicyRule } from './rules';

/** A violation set aside by a suppression: what the report lists. */
export interface SuppressedViolation {
  readonly rule: string;
  /** The construct path. */
  readonly path: string;
  readonly violation: string;
  readonly reason: string;
}

/**
 * Runs every policy rule on every construct, in the cdk-nag way: an error fails `cdktf synth`, a
 * warning is annotated; either is set aside by a suppression of the environment (the rule, a
 * reason, optionally one resource type), and every one set aside is recorded with its reason.
 */
export class PolicyChecks implements IAspect {
  /** Violations the environment's suppressions set aside. */
  readonly suppressed: SuppressedViolation[] = [];

  constructor(
    private readonly context: PolicyContext,
    private readonly rules: PolicyRule[] = ALL_RULES,
  ) {}

  private suppression(rule: PolicyRule, node: IConstruct): PolicySuppression | undefined {
    const type = node instanceof TerraformResource ? node.terraformResourceType : undefined;
    return (this.context.suppressions ?? []).find((s) => s.rule === rule.id && (s.resourceType === undefined || s.resourceType === type));
  }

  visit(node: IConstruct): void {
    for (const r of this.rules) {
      const violation = r.check(node, this.context);
      if (!violation) continue;
      const suppressed = this.suppression(r, node);
      if (suppressed) {
        this.suppressed.push({ rule: r.id, path: node.node.path, violation, reason: suppressed.reason });
        Annotations.of(node).addInfo(`[${r.id}] suppressed: ${violation} (${suppressed.reason})`);
      } else if (r.severity === 'error') Annotations.of(node).addError(`[${r.id}] ${violation}`);
      else Annotations.of(node).addWarning(`[${r.id}] ${violation}`);
    }
  }
}

import { Annotations, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ALL_RULES, type PolicyContext, type PolicyRule } from './rules';

/** Runs every policy rule on every construct; a violation is an error that fails `cdktf synth`. */
export class PolicyChecks implements IAspect {
  constructor(
    private readonly context: PolicyContext,
    private readonly rules: PolicyRule[] = ALL_RULES,
  ) {}

  visit(node: IConstruct): void {
    for (const r of this.rules) {
      const violation = r.check(node, this.context);
      if (violation) Annotations.of(node).addError(`[${r.id}] ${violation}`);
    }
  }
}

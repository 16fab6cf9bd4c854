import { PLANS, stepsSuite } from '../support/steps-harness';

/** rotate-sas, rollout and recreate with each external call failing in turn (test/support/steps-harness.ts). */
stepsSuite(PLANS.filter(([name]) => !name.startsWith('deploy')));

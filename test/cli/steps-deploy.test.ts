import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deployPlan } from '../../cli/operations';
import { stackFile, workspace } from '../../core/workspace';
import type { TerraformJson } from '../infra/stack-fixture';
import { OUTPUTS, PLANS, repository, runWith, stepsSuite } from '../support/steps-harness';

/** Deploy's external calls failing in turn (test/support/steps-harness.ts); split from the other plans so jest's workers share the time. */
stepsSuite(PLANS.filter(([name]) => name.startsWith('deploy')));

describe('the stand-ins', () => {
  it('are where the plan finds them, and cdktf writes its outputs relative to the repository root', async () => {
    const root = repository();
    try {
      const outcome = await runWith(root, (c) => deployPlan(c, { push: false, wait: false }));
      expect(outcome.error).toBeUndefined();
      expect(JSON.parse(readFileSync(join(root, '.mzops', 'example', 'outputs.json'), 'utf8'))).toEqual({ example: OUTPUTS });
      // The cluster alone first, then the full apply of the stack that apply saw.
      const calls = outcome.events.filter((e) => e.startsWith('call ')).map((e) => e.replace(/^call /, ''));
      const cluster = Object.keys(
        (JSON.parse(readFileSync(stackFile(workspace(root), 'example'), 'utf8')) as TerraformJson).resource.azurerm_kubernetes_cluster,
      );
      expect(calls.slice(0, 3)).toEqual([
        'terraform -chdir=cdktf.out/stacks/example init -input=false',
        `terraform -chdir=cdktf.out/stacks/example apply -input=false -auto-approve -target=azurerm_kubernetes_cluster.${cluster[0]}`,
        'npx cdktf deploy example --skip-synth --auto-approve --outputs-file .mzops/example/outputs.json --outputs-file-include-sensitive-outputs',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

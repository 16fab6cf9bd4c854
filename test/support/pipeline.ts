import { rmSync } from 'node:fs';
import { synthesize, type Renderers } from '../../core/synthesize';
import { workspace } from '../../core/workspace';
import { copyRepo, plantTerraformFiles, snapshotTree, tempRepo, writeEnvironment } from './repo';

/** A new requestRollout for both environments: a change every folder of the repository carries. */
export const ROLLOUT = { requestRollout: '11111111-1111-4111-8111-111111111111' };

/**
 * A repository with synthesized output and Terraform's files in place, and environment files
 * changed since: the state a synth starts from. A probe run on a copy records every write and
 * rename the next synth makes (`<root>` standing for the repository) and what it leaves.
 */
export function pendingChange(
  renderers: Renderers,
  planted: string[],
): { base: string; before: Record<string, string>; points: string[]; after: Record<string, string> } {
  const base = tempRepo(['example', 'prod']);
  jest.resetModules();
  synthesize({ workspace: workspace(base), renderers });
  for (const name of planted) plantTerraformFiles(base, name);
  writeEnvironment(base, 'example', ROLLOUT);
  writeEnvironment(base, 'prod', ROLLOUT);
  const before = snapshotTree(base);
  const probe = copyRepo(base);
  const points: string[] = [];
  jest.resetModules();
  synthesize({ workspace: workspace(probe), renderers, fault: (p) => void points.push(p.split(probe).join('<root>')) });
  const after = snapshotTree(probe);
  rmSync(probe, { recursive: true, force: true });
  return { base, before, points, after };
}

import { synthesize, type Renderers, type SynthesizeOptions, type SynthesizeResult } from '../core/synthesize';
import { synthInfra } from '../infra/app';
import { renderGitops } from '../manifests/gitops';
import { CDKTF_MANIFEST } from '../infra/cdktf-manifest';

/** The two renderings of an environment: cdk8s for dist/, cdktf for cdktf.out/. */
export const RENDERERS: Renderers = {
  gitops: renderGitops,
  terraformIndex: CDKTF_MANIFEST,
  terraform: (envs, outdir, context) => ({
    // The suppression report: every violation set aside, where, and the reason the environment gives.
    notices: synthInfra(envs, outdir, context).flatMap((stack) =>
      stack.policy.suppressed.map(
        (s) =>
          `policy: environment "${stack.node.id}": ${s.rule} suppressed on ${s.path.split('/').slice(1).join('/')} (${s.violation}): ${s.reason}`,
      ),
    ),
  }),
};

/** The synthesis pipeline with the real renderers: what every entry point and command runs. */
export function synthesizeAll(options: Omit<SynthesizeOptions, 'renderers'>): SynthesizeResult {
  return synthesize({ ...options, renderers: RENDERERS });
}

/** What synth says after writing: what it repaired, which environments lack sealed values, which folders lost their file. */
export function describeResult(result: SynthesizeResult): string[] {
  const lines = [...result.notices, `synthesized: ${result.environments.join(', ') || 'nothing'} (dist/ and cdktf.out/)`];
  for (const u of result.unsealed) {
    lines.push(
      `warning: environment "${u.environment}" is not sealed yet (missing ${u.missing.join(', ')}): its SealedSecret is a placeholder; run mzops seal ${u.environment}`,
    );
  }
  for (const o of result.orphans) {
    lines.push(
      `warning: ${o} has no environment file; it is kept (Flux still applies a dist/ folder). Delete it on purpose if the environment is gone.`,
    );
  }
  return lines;
}

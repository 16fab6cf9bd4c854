import '../core/fast-start';
import { runOrExplain } from '../cli/errors';
import { describeResult, synthesizeAll } from '../cli/pipeline';
import { workspace } from '../core/workspace';

/**
 * The cdktf app (cdktf.json `app`): `cdktf synth|deploy|diff` run it with CDKTF_OUTDIR naming the
 * output folder. It runs the one pipeline over every environment, so cdktf's manifest lists every
 * stack (cdktf deletes the stack folders it does not list) and dist/ stays in step.
 */
runOrExplain(() => {
  const cdktfOut = process.env.CDKTF_OUTDIR;
  const result = synthesizeAll({ workspace: workspace(undefined, cdktfOut ? { cdktfOut } : {}) });
  for (const line of describeResult(result)) process.stderr.write(`${line}\n`);
});

import '../core/fast-start';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { runOrExplain } from '../cli/errors';
import { describeResult, synthesizeAll } from '../cli/pipeline';
import { workspace } from '../core/workspace';
import { WORKSPACE } from '../model/contract';

/**
 * The cdk8s app (cdk8s.yaml `app`). The cdk8s CLI empties its output folder before running the
 * app, so that folder is a scratch one (.cdk8s.out); the pipeline writes dist/ and cdktf.out/.
 */
runOrExplain(() => {
  for (const line of describeResult(synthesizeAll({ workspace: workspace() }))) process.stderr.write(`${line}\n`);
  // The CLI fails unless the app creates its output folder; the manifests are in dist/.
  mkdirSync(resolve(process.env.CDK8S_OUTDIR ?? WORKSPACE.cdk8sScratch), { recursive: true });
});

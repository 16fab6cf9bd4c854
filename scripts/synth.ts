import '../core/fast-start';
import { resolve } from 'node:path';
import { runOrExplain } from '../cli/errors';
import { describeResult, synthesizeAll } from '../cli/pipeline';
import { workspace } from '../core/workspace';

/**
 * `npm run synth [-- <environment>...]`: Terraform JSON (cdktf.out/) and the GitOps folders
 * (dist/) in one process; no Azure account or secrets needed. Named environments narrow the run;
 * the other environments' folders are left as they are. `--root <dir>` works on a repository
 * layout elsewhere (the bench and the tests use it).
 */
runOrExplain(() => {
  const args = process.argv.slice(2);
  const at = args.indexOf('--root');
  const root = at >= 0 ? resolve(args.splice(at, 2)[1] ?? '.') : undefined;
  const result = synthesizeAll({ workspace: workspace(root), environments: args });
  for (const line of describeResult(result)) process.stdout.write(`${line}\n`);
});

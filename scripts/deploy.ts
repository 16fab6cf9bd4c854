import '../core/fast-start';
import { runOrExplain } from '../cli/errors';
import { prerequisiteError, stackDeployPlan, stackPrerequisites } from '../cli/operations';
import { runPlan } from '../cli/plan';
import { userVariables } from '../cli/workspace';
import { selectEnvironments } from '../core/environments';
import { workspace } from '../core/workspace';

/**
 * `npm run deploy -- <environment> [cdktf deploy flags]`: validates and synthesizes, applies the
 * cluster alone (Terraform shows that plan and asks, unless `--auto-approve` is among the flags),
 * then runs `cdktf deploy` for that one stack. Needs Azure credentials (az login or ARM_*
 * variables) and, when postgres.generatePassword is false, TF_VAR_postgres_admin_password; a
 * missing subscription, credentials or terraform is reported before anything runs.
 */
runOrExplain(async () => {
  const [name, ...flags] = process.argv.slice(2);
  if (!name) throw new Error('usage: npm run deploy -- <environment> [cdktf deploy flags]');
  const ws = workspace();
  const root = ws.root;
  const [env] = selectEnvironments(ws.environmentsDir, [name]).selected;
  const log = (line: string) => void process.stdout.write(`${line}\n`);
  const ctx = { env, root, variables: userVariables(root), log };
  // Found before the synth and the first apply, not after them.
  const problems = stackPrerequisites(ctx);
  if (problems.length > 0) throw prerequisiteError(problems);
  await runPlan(stackDeployPlan(ctx, flags), { log, cwd: root });
});

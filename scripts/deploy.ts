import '../core/fast-start';
import { runOrExplain } from '../cli/errors';
import { runSync } from '../cli/runner';
import { selectEnvironments } from '../core/environments';
import { workspace } from '../core/workspace';

/**
 * `npm run deploy -- <environment> [cdktf deploy flags]`: validates, then runs `cdktf deploy`
 * for that one stack. Needs Azure credentials (az login or ARM_* variables) and, when
 * postgres.generatePassword is false, TF_VAR_postgres_admin_password.
 */
runOrExplain(() => {
  const [name, ...rest] = process.argv.slice(2);
  if (!name) throw new Error('usage: npm run deploy -- <environment> [cdktf deploy flags]');
  const [env] = selectEnvironments(workspace().environmentsDir, [name]).selected;
  // Creating AKS and a Flexible Server takes tens of minutes; two hours is the deadline.
  const result = runSync('npx', ['cdktf', 'deploy', env.name, ...rest], { attached: true, timeoutMs: 2 * 60 * 60 * 1000 });
  if (result.timedOut) throw new Error(result.stderr);
  process.exit(result.status ?? 1);
});

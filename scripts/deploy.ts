import '../core/fast-start';
import { spawnSync } from 'node:child_process';
import { runOrExplain } from '../cli/errors';
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
  const result = spawnSync('npx', ['cdktf', 'deploy', env.name, ...rest], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
});

import { resolve } from 'node:path';
import { synthInfra } from '../infra/app';
import { writeDirectoryAtomically } from './atomic-dir';
import { runOrExplain, selectEnvironments } from './environments';

/**
 * `npm run synth`: Terraform JSON for every environment, no Azure account or secrets needed.
 * MZ_CDKTF_OUT moves the output (the bench uses it); MZ_ENVIRONMENTS narrows the run.
 */
runOrExplain(() => {
  const envs = selectEnvironments();
  const cdktfOut = resolve(process.env.MZ_CDKTF_OUT ?? 'cdktf.out');
  writeDirectoryAtomically(cdktfOut, (tmp) => synthInfra(envs, tmp));
  process.stdout.write(`cdktf.out: ${envs.map((e) => e.name).join(', ')}\n`);
  if (process.env.MZ_REPORT_RSS) process.stderr.write(`maxrss-kb ${process.resourceUsage().maxRSS}\n`);
});

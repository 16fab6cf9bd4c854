import { resolve } from 'node:path';
import { synthInfra } from '../infra/app';
import { writeDirectoryAtomically } from './atomic-dir';
import { runOrExplain, selectEnvironments } from './environments';

/** `npm run synth`: Terraform JSON for every environment, no Azure account or secrets needed. */
runOrExplain(() => {
  const envs = selectEnvironments();
  writeDirectoryAtomically(resolve('cdktf.out'), (tmp) => synthInfra(envs, tmp));
  process.stdout.write(`cdktf.out: ${envs.map((e) => e.name).join(', ')}\n`);
});

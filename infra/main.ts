import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeDirectoryAtomically } from '../scripts/atomic-dir';
import { runOrExplain, selectEnvironments } from '../scripts/environments';
import { synthInfra } from './app';

/**
 * cdktf entry point (cdktf.json `app`). Under `cdktf synth|deploy` the CLI names the output
 * folder in CDKTF_OUTDIR; standalone it replaces cdktf.out atomically.
 */
runOrExplain(() => {
  const envs = selectEnvironments();
  const cliOutdir = process.env.CDKTF_OUTDIR;
  if (cliOutdir) {
    mkdirSync(cliOutdir, { recursive: true });
    synthInfra(envs, cliOutdir);
  } else {
    writeDirectoryAtomically(resolve('cdktf.out'), (tmp) => synthInfra(envs, tmp));
  }
});

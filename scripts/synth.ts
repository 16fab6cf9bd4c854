import { resolve } from 'node:path';
import { synthInfra } from '../infra/app';
import { describeReport } from '../manifests/synth-report';
import { writeDist } from '../manifests/write-dist';
import { writeDirectoryAtomically } from './atomic-dir';
import { loadSelection, runOrExplain } from './environments';

/**
 * `npm run synth`: Terraform JSON (cdktf.out/) and the GitOps folders (dist/) for every
 * environment, in one process. No Azure account or secrets needed.
 * MZ_ENVIRONMENTS narrows the run; MZ_CDKTF_OUT and MZ_DIST_DIR move the output (bench, tests).
 */
runOrExplain(() => {
  const { selected: envs, allNames } = loadSelection();
  const cdktfOut = resolve(process.env.MZ_CDKTF_OUT ?? 'cdktf.out');
  const distDir = resolve(process.env.MZ_DIST_DIR ?? 'dist');
  // GitOps first: its checks (environmentId, empty folders) refuse before anything is written.
  const report = writeDist(envs, distDir, process.env.MZ_ENVIRONMENTS_DIR, allNames);
  writeDirectoryAtomically(cdktfOut, (tmp) => synthInfra(envs, tmp));
  process.stdout.write(`cdktf.out: ${envs.map((e) => e.name).join(', ')}\n`);
  for (const line of describeReport(report)) process.stdout.write(`${line}\n`);
  if (process.env.MZ_REPORT_RSS) process.stderr.write(`maxrss-kb ${process.resourceUsage().maxRSS}\n`);
});

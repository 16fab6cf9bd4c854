import { resolve } from 'node:path';
import { loadRepositoryEnvironments } from '../model/load';
import { runOrExplain, selectEnvironments } from '../scripts/environments';
import { describeReport } from './synth-report';
import { writeDist } from './write-dist';

/** cdk8s entry point (cdk8s.yaml `app`): writes dist/<environment>/ for every environment. */
runOrExplain(() => {
  const envs = selectEnvironments();
  const distDir = resolve(process.env.MZ_DIST_DIR ?? 'dist');
  const all = loadRepositoryEnvironments(process.env.MZ_ENVIRONMENTS_DIR).map((e) => e.name);
  const report = writeDist(envs, distDir, process.env.MZ_ENVIRONMENTS_DIR, all);
  for (const line of describeReport(report)) process.stderr.write(`${line}\n`);
});

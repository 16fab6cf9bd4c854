import { resolve } from 'node:path';
import { loadSelection, runOrExplain } from '../scripts/environments';
import { describeReport } from './synth-report';
import { writeDist } from './write-dist';

/** cdk8s entry point (cdk8s.yaml `app`): writes dist/<environment>/ for every environment. */
runOrExplain(() => {
  const { selected, allNames } = loadSelection();
  const distDir = resolve(process.env.MZ_DIST_DIR ?? 'dist');
  const report = writeDist(selected, distDir, process.env.MZ_ENVIRONMENTS_DIR, allNames);
  for (const line of describeReport(report)) process.stderr.write(`${line}\n`);
});

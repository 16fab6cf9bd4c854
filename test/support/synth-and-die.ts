import { RENDERERS } from '../../cli/pipeline';
import { synthesize } from '../../core/synthesize';
import { workspace } from '../../core/workspace';

/** `synth-and-die.ts <root> <n>`: runs the pipeline on <root> and kills itself (SIGKILL) at its n-th write or rename. */
const [root, at] = process.argv.slice(2);
let n = 0;
synthesize({
  workspace: workspace(root),
  renderers: RENDERERS,
  fault: () => {
    if (n++ === Number(at)) process.kill(process.pid, 'SIGKILL');
  },
});
process.stderr.write(`finished without reaching point ${at} (${n} points)\n`);
process.exit(3);

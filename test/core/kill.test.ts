import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RENDERERS } from '../../cli/pipeline';
import { synthesize } from '../../core/synthesize';
import { recoverInterrupted } from '../../core/swap';
import { workspace } from '../../core/workspace';
import { REGISTER, REPO_ROOT } from '../helpers';
import { pendingChange } from '../support/pipeline';
import { copyRepo, snapshotTree, temporaryEntries } from '../support/repo';

/** A real synth process killed with SIGKILL at chosen writes and renames (test/support/synth-and-die.ts). */
function synthIn(root: string) {
  jest.resetModules();
  return synthesize({ workspace: workspace(root), renderers: RENDERERS });
}

describe('kill -9 during a synth', () => {
  const killAt = async (root: string, point: number): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--require', REGISTER, join(__dirname, '..', 'support', 'synth-and-die.ts'), root, String(point)],
        { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`expected SIGKILL, got ${code ?? signal}: ${stderr}`)),
      );
    });
  };

  // One prepared repository (old output, new environment files) and one probe run, shared by the cases.
  let base: string;
  let old: Record<string, string>;
  let fresh: Record<string, string>;
  let points: string[];
  beforeAll(() => {
    ({ base, before: old, points, after: fresh } = pendingChange(RENDERERS, ['example']));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it.each([
    ['while writing dist files', (p: string[]) => p.findIndex((x) => x.startsWith('write example/'))],
    ['after the journal, before the first rename', (p: string[]) => p.indexOf('write journal') + 1],
    [
      'between moving a stack folder away and moving the new one in',
      (p: string[]) => p.findIndex((x) => x.startsWith('rename <root>/cdktf.out/stacks/example ->')) + 1,
    ],
    ['before carrying .terraform into the new stack folder', (p: string[]) => p.findIndex((x) => x.includes('/.terraform -> '))],
    ['at the last rename', (p: string[]) => p.length - 1],
  ])('%s: every folder is then wholly old or wholly new, and the next run leaves no temporary folder', async (_name, pick) => {
    const root = copyRepo(base);
    try {
      const point = pick(points);
      expect(point).toBeGreaterThan(0);
      await killAt(root, point);
      recoverInterrupted([join(root, 'dist'), join(root, 'cdktf.out'), join(root, 'cdktf.out', 'stacks')]);
      expect(temporaryEntries(root)).toEqual([]);
      const now = snapshotTree(root);
      const part = (t: Record<string, string>, prefix: string) =>
        Object.fromEntries(Object.entries(t).filter(([k]) => k.startsWith(prefix)));
      for (const folder of ['dist/example/', 'dist/prod/', 'cdktf.out/stacks/example/', 'cdktf.out/stacks/prod/', 'state/']) {
        const actual = part(now, folder);
        expect([folder, actual]).toEqual([
          folder,
          JSON.stringify(actual) === JSON.stringify(part(old, folder)) ? part(old, folder) : part(fresh, folder),
        ]);
      }
      // The next run completes the change.
      synthIn(root);
      expect(snapshotTree(root)).toEqual(fresh);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { partPath, writeFileAtomically } from '../../core/swap';
import { REPO_ROOT } from '../helpers';

describe('writeFileAtomically', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mz-swap-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file whole and leaves nothing beside it', () => {
    const target = join(dir, 'prod.sealed.json');
    writeFileAtomically(target, 'old\n');
    writeFileAtomically(target, 'new\n');
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['prod.sealed.json']);
  });

  it('a rename that fails removes its temporary file and leaves the target as it was', () => {
    // A folder where the file should go: the write succeeds, the rename cannot.
    const target = join(dir, 'prod.mzops.json');
    mkdirSync(target);
    expect(() => writeFileAtomically(target, '{}\n')).toThrow();
    expect(readdirSync(dir)).toEqual(['prod.mzops.json']);
    expect(readdirSync(target)).toEqual([]);
  });

  it('writes under a name git ignores, so a leftover from a kill is never committed', () => {
    for (const file of ['environments/prod.sealed.json', 'environments/prod.mzops.json', 'dist/.mz-tmp-x.journal.json']) {
      const part = relative(REPO_ROOT, partPath(join(REPO_ROOT, file)));
      expect(part).toMatch(new RegExp(`\\.${process.pid}\\.part$`));
      // Exit status 0: ignored by the repository's own .gitignore (not by any file's presence).
      expect(() => execFileSync('git', ['check-ignore', '--no-index', '-q', part], { cwd: REPO_ROOT })).not.toThrow();
    }
    // The rule it relies on is not vacuous: a committed environment file is not ignored.
    expect(() => execFileSync('git', ['check-ignore', '--no-index', '-q', 'environments/prod.ts'], { cwd: REPO_ROOT })).toThrow();
  });
});

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext } from '../../cli/context';
import { explain, fileSystemError } from '../../cli/errors';
import { buildProgram } from '../../cli/main';
import { tempRepo } from '../support/repo';

/** Runs mzops against a repository at `root`, as the bin does; returns what it printed and its exit code. */
async function mzops(root: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    const argv = ['node', 'mzops', ...args];
    await buildProgram(createContext(root), { argv }).parseAsync(argv);
    return { stdout: out.join(''), stderr: err.join(''), code: Number(process.exitCode ?? 0) };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = saved;
  }
}

describe('a file where a folder belongs, a folder where a file belongs, a file that is not there', () => {
  let root: string;
  beforeEach(() => (root = tempRepo(['example'])));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('.env as a folder: one error naming .env and what it is, one hint, exit 1', async () => {
    mkdirSync(join(root, '.env'));
    const r = await mzops(root, ['doctor', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*\.env \(the variables file\) is a folder, where a file belongs\nhint: /m);
    expect(r.stderr).not.toMatch(/EISDIR|\n\s+at /);
  });

  it('seal --cert naming a file that is not there, or a folder', async () => {
    const outputs = join(root, 'outputs.json');
    writeFileSync(outputs, JSON.stringify({ example: {} }));
    const missing = await mzops(root, ['seal', 'example', '--cert', join(root, 'nope.pem'), '--outputs', outputs]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*nope\.pem \(the --cert sealing certificate\) does not exist\nhint: check the path/m);
    mkdirSync(join(root, 'certs'));
    const folder = await mzops(root, ['seal', 'example', '--cert', join(root, 'certs'), '--outputs', outputs]);
    expect(folder.stderr).toMatch(/certs \(the --cert sealing certificate\) is a folder, where a file belongs/);
    expect(`${missing.stderr}${folder.stderr}`).not.toMatch(/ENOENT|EISDIR|\n\s+at /);
  });

  it('seal --cert naming a file that is not a certificate: the error says where it came from, the hint how to do without it', async () => {
    writeFileSync(join(root, 'cert.pem'), 'not a certificate\n');
    const outputs = join(root, 'outputs.json');
    writeFileSync(outputs, JSON.stringify({ example: {} }));
    const r = await mzops(root, ['seal', 'example', '--cert', join(root, 'cert.pem'), '--outputs', outputs]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: environment "example": the sealing certificate is not a PEM X\.509 certificate .*\(from the --cert file\)\nhint: leave out --cert: .*mzops deploy example/m,
    );
  });

  it('doctor reads past an unreadable .mzops.json: one failed check naming it, with its fix, and every other check', async () => {
    writeFileSync(join(root, 'environments', 'example.mzops.json'), '<<<<<<< HEAD\n{}');
    const r = await mzops(root, ['doctor', 'example']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^fail {2}state: environments\/example\.mzops\.json: the file must be JSON .*\n {6}fix: resolve it by hand, or restore the committed file: git checkout -- environments\/example\.mzops\.json$/m,
    );
    // The other areas still ran.
    expect(r.stdout).toMatch(/^(ok|fail) {2,4}variables: /m);
    expect(r.stdout).toMatch(/^(ok|warn|fail) {2,4}(cluster|sealed): /m);
    // Other commands of this environment still refuse it.
    const seal = await mzops(root, ['seal', 'example']);
    expect(seal.code).toBe(1);
    expect(seal.stderr).toMatch(/environments\/example\.mzops\.json.*must be JSON/);
  });

  it('any other file-system failure that names its path reads as what it means', () => {
    // A real ENOTDIR: a folder wanted below a file (state/ as a file).
    writeFileSync(join(root, 'state'), '');
    let thrown: unknown;
    try {
      mkdirSync(join(root, 'state', 'example'), { recursive: true });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    expect(fileSystemError(thrown, root)?.message).toBe('a part of state/example is a file, where a folder belongs');
    expect(explain(thrown)).toMatch(/^error: a part of .*state\/example is a file, where a folder belongs\nhint: find the file on the way/);
    // A read-only dist/: root, which runs CI, is never refused, so the error is built as Node builds it.
    const denied = Object.assign(new Error(`EACCES: permission denied, open '${join(root, 'dist', 'x.yaml')}'`), {
      code: 'EACCES',
      syscall: 'open',
      path: join(root, 'dist', 'x.yaml'),
    });
    expect(explain(fileSystemError(denied, root))).toBe(
      'error: no permission to open dist/x.yaml (EACCES)\nhint: make it writable for you: chmod u+w dist dist/x.yaml',
    );
    // What carries no path stays Node's own message.
    expect(fileSystemError(new Error('boom'), root)).toBeUndefined();
  });
});

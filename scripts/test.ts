import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { explain } from '../cli/errors';
import { fillReferenceCache } from '../core/reference-data';
import { REPOSITORY_ROOT } from '../core/workspace';
import { VARIABLES } from '../model/variables';

/**
 * `npm test`: everything a fresh clone needs, then the gates, then jest (arguments after `--` go to
 * jest). The reference cache is filled or verified first (from the mirror when there is one, else
 * from the pinned URLs); the programs the tests run are provisioned by jest's global setup
 * (scripts/test-tools.ts). The type check, eslint and prettier run beside jest, in the moments its
 * workers wait (a server starting, a deadline test): a failed gate fails the run all the same.
 */
const bin = (name: string) => join(REPOSITORY_ROOT, 'node_modules', '.bin', name);
const CACHE = join(REPOSITORY_ROOT, '.cache');

function run(
  label: string,
  command: string,
  args: string[],
  quiet: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ label: string; status: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: REPOSITORY_ROOT, env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e) => done({ label, status: 127, output: `${label} could not start: ${e.message}` }));
    child.on('close', (code, signal) => done({ label, status: code ?? (signal ? 128 : 1), output }));
  });
}

async function main(): Promise<number> {
  const mirrors = [process.env[VARIABLES.referenceMirror.name], join(REPOSITORY_ROOT, '..', 'shared', 'reference')]
    .filter((dir): dir is string => Boolean(dir))
    .map((dir) => resolve(dir))
    .filter((dir) => existsSync(dir));
  try {
    const { counts, files } = await fillReferenceCache({ root: REPOSITORY_ROOT, mirrors, log: (l) => process.stderr.write(`${l}\n`) });
    if (counts.mirror + counts.downloaded > 0)
      process.stdout.write(`reference: ${files} files verified (${counts.mirror} from the mirror, ${counts.downloaded} downloaded)\n`);
  } catch (e) {
    process.stderr.write(`${explain(e)}\n`);
    return 1;
  }
  const started = Date.now();
  const gates = Promise.all([
    // Each keeps what it learnt in .cache/ (git-ignored): a second run checks only what changed.
    run('tsc --noEmit', bin('tsc'), ['--noEmit', '-p', '.', '--incremental', '--tsBuildInfoFile', join(CACHE, 'tsc.tsbuildinfo')], true),
    run('eslint', bin('eslint'), ['.', '--cache', '--cache-strategy', 'content', '--cache-location', join(CACHE, 'eslint')], true),
    run(
      'prettier --check',
      bin('prettier'),
      ['--check', '.', '--log-level', 'warn', '--cache', '--cache-strategy', 'content', '--cache-location', join(CACHE, 'prettier')],
      true,
    ),
  ]).then((results) => {
    const failed = results.filter((g) => g.status !== 0);
    for (const g of failed) process.stderr.write(`\n${g.label} failed:\n${g.output}`);
    if (failed.length === 0) process.stdout.write(`type check, lint and format: ok in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return failed;
  });
  // A larger young generation for jest's workers and every Node process the tests start: the
  // suite allocates much and keeps little (renders, synths), and with V8's default semi-space the
  // scavenger ran thousands of times (measured: about 4 s less CPU per run at 32 MB).
  const nodeOptions = [process.env.NODE_OPTIONS, '--max-semi-space-size=32'].filter(Boolean).join(' ');
  const jest = await run('jest', bin('jest'), process.argv.slice(2), false, { ...process.env, NODE_OPTIONS: nodeOptions });
  const failed = await gates;
  if (failed.length > 0) {
    process.stderr.write(`\nerror: ${failed.map((g) => g.label).join(', ')} failed (npm run format fixes what prettier reports)\n`);
    return 1;
  }
  return jest.status;
}

main().then((status) => (process.exitCode = status));

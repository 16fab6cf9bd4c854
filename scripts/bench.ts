import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `npm run bench [-- --runs N] [-- --synth-only]`: cold synth time and peak RSS for the example environment,
 * synth scaling over 1, 5 and 20 environments, the CLI's start (`mzops --help` and a usage error, by
 * node bin/mzops and by npx, side by side), and `npm test`'s wall time. Medians.
 */
const ROOT = resolve(__dirname, '..');
const REGISTER = join(ROOT, 'core', 'register.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Wall time and peak RSS of one child process (getrusage of the waited-for child, via /usr/bin/time's format). */
function timed(cmd: string, args: string[]): { seconds: number; rssMb: number } {
  const start = process.hrtime.bigint();
  // Debian's time package; without it the RSS column reads NaN.
  const r = existsSync('/usr/bin/time')
    ? spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', cmd, ...args], { cwd: ROOT, encoding: 'utf8' })
    : spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const kb = Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { seconds, rssMb: kb / 1024 };
}

/** A repository layout whose environments/ holds `count` files that differ only in their globally unique parts (0: the example itself). */
function syntheticRepository(count: number): string {
  // On the repository's own file system, which is where `npm run synth` writes (a synth of twenty
  // environments creates about 700 files; /tmp may sit on another file system, or behave unlike it).
  const cache = join(ROOT, '.cache');
  mkdirSync(cache, { recursive: true });
  const root = mkdtempSync(join(cache, 'mz-bench-'));
  const dir = join(root, 'environments');
  mkdirSync(dir);
  if (count === 0)
    writeFileSync(join(dir, 'example.ts'), `export { default } from ${JSON.stringify(join(ROOT, 'environments', 'example'))};\n`);
  for (let i = 0; i < count; i++) {
    const hex = i.toString(16).padStart(12, '0');
    writeFileSync(
      join(dir, `bench${i}.ts`),
      `import { defineEnvironment } from ${JSON.stringify(join(ROOT, 'model'))};
import base from ${JSON.stringify(join(ROOT, 'environments', 'example'))};
export default defineEnvironment({ ...base, name: 'bench${i}', prefix: 'bench${i}',
  materialize: { ...base.materialize, environmentId: '00000000-0000-4000-8000-${hex}' } });
`,
    );
  }
  return root;
}

/** Cold synth runs, as `npm run synth` makes them (one fresh process each), against a repository layout elsewhere. */
function synthRuns(count: number, runs: number) {
  const root = syntheticRepository(count);
  // The first run transpiles the generated files (core/register.js caches them), as a user's first synth does; it is not counted.
  timed(process.execPath, ['--require', REGISTER, 'scripts/synth.ts', '--root', root]);
  const results = Array.from({ length: runs }, () => timed(process.execPath, ['--require', REGISTER, 'scripts/synth.ts', '--root', root]));
  rmSync(root, { recursive: true, force: true });
  return { seconds: median(results.map((r) => r.seconds)), rssMb: median(results.map((r) => r.rssMb)) };
}

const rows: string[][] = [];
const example = synthRuns(0, RUNS);
rows.push(['synth, example environment (cold process)', `${example.seconds.toFixed(2)} s`, `${example.rssMb.toFixed(0)} MB`]);
for (const n of [1, 5, 20]) {
  const r = synthRuns(n, Math.min(RUNS, 3));
  rows.push([`synth, ${n} environment${n > 1 ? 's' : ''}`, `${r.seconds.toFixed(2)} s`, `${r.rssMb.toFixed(0)} MB`]);
}
// The CLI's start, interleaved so that both see the same machine: the command a user types.
const cli = { node: [] as number[], npx: [] as number[], usage: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  cli.node.push(timed(process.execPath, [join(ROOT, 'bin', 'mzops'), '--help']).seconds);
  cli.npx.push(timed('npx', ['mzops', '--help']).seconds);
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, [join(ROOT, 'bin', 'mzops'), 'rollout'], { cwd: ROOT, encoding: 'utf8' });
  cli.usage.push(Number(process.hrtime.bigint() - start) / 1e9);
}
rows.push(['mzops --help (node bin/mzops)', `${median(cli.node).toFixed(2)} s`, '']);
rows.push(['mzops --help (npx mzops)', `${median(cli.npx).toFixed(2)} s`, '']);
rows.push(['mzops rollout (a usage error)', `${median(cli.usage).toFixed(2)} s`, '']);

// `--synth-only` leaves the suite out: the synth rows in a minute instead of five.
const testTimes = process.argv.includes('--synth-only')
  ? []
  : Array.from({ length: Math.min(RUNS, 3) }, () => {
      const start = process.hrtime.bigint();
      const r = spawnSync('npm', ['test', '--silent', '--', '--silent'], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`npm test failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
      return Number(process.hrtime.bigint() - start) / 1e9;
    });
if (testTimes.length > 0) rows.push(['npm test: gates and the whole suite (wall)', `${median(testTimes).toFixed(1)} s`, '']);

const width = [44, 10, 10];
process.stdout.write(`node ${process.version}; median of ${RUNS} runs (scaling and npm test: ${Math.min(RUNS, 3)})\n`);
process.stdout.write(`${['measurement', 'time', 'peak RSS'].map((c, i) => c.padEnd(width[i])).join(' ')}\n`);
for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(width[i])).join(' ')}\n`);

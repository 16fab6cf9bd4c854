import { cacheProblem } from '../../core/reference-data';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite } from './azurite';
import { startPostgres } from './postgres';
import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { linkBinaries, provisionBinaries, ToolError } from '../../scripts/test-tools';

const ROOT = join(__dirname, '..', '..');

/**
 * One PostgreSQL server and one Azurite for the whole run: starting them per suite cost several
 * seconds. Workers inherit the environment variables set here; teardown stops both.
 */
export default async function globalSetup(): Promise<void> {
  // Every suite that reads upstream files would fail with its own ENOENT: say it once, with the fix.
  const problem = cacheProblem(ROOT);
  if (problem) {
    process.stderr.write(`\n${problem}\n`);
    process.exit(1);
  }
  // helm and kubectl, pinned and checksummed, found by name by the tests and the CLI they start.
  try {
    const bin = linkBinaries(ROOT, await provisionBinaries(ROOT, process.env, (line) => process.stderr.write(`${line}\n`)));
    process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    process.stderr.write(`\nerror: ${e.message}\n`);
    process.exit(1);
  }
  const [pg, azurite] = await Promise.all([startPostgres(), startAzurite()]);
  process.env.MZ_TEST_POSTGRES = JSON.stringify({ port: pg.port, caFile: pg.caFile, password: pg.password });
  process.env.MZ_TEST_AZURITE = azurite.endpoint;
  // Should jest be killed, the reaper stops both servers and removes their folders.
  const reaper = spawn(
    process.execPath,
    [
      join(__dirname, 'reaper.js'),
      JSON.stringify({
        parent: process.pid,
        pids: [
          { pid: pg.info.pid, signal: 'SIGQUIT' },
          { pid: azurite.pid, signal: 'SIGKILL' },
        ],
        dirs: [pg.info.data ? join(pg.info.data, '..') : undefined, azurite.dir].filter(Boolean),
      }),
    ],
    { detached: true, stdio: 'ignore' },
  );
  reaper.unref();
  (globalThis as Record<string, unknown>).__mzTestServers = { pg, azurite, reaper: reaper.pid };
  // Temporary folders the suites make, and those cdktf's Testing helpers make and never remove
  // (one cdktf.outdir.* per call), go under one folder that teardown removes.
  const runTmp = mkdtempSync(join(tmpdir(), 'mz-test-run-'));
  process.env.TMPDIR = runTmp;
  (globalThis as Record<string, unknown>).__mzTestTmp = runTmp;
}

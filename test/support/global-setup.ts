import { cacheProblem } from '../../core/reference-data';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite } from './azurite';
import { startPostgres } from './postgres';

/**
 * One PostgreSQL server and one Azurite for the whole run: starting them per suite cost several
 * seconds. Workers inherit the environment variables set here; teardown stops both.
 */
export default async function globalSetup(): Promise<void> {
  // Every suite that reads upstream files would fail with its own ENOENT: say it once, with the fix.
  const problem = cacheProblem(join(__dirname, '..', '..'));
  if (problem) {
    process.stderr.write(`\n${problem}\n`);
    process.exit(1);
  }
  const [pg, azurite] = await Promise.all([startPostgres(), startAzurite()]);
  process.env.MZ_TEST_POSTGRES = JSON.stringify({ port: pg.port, caFile: pg.caFile, password: pg.password });
  process.env.MZ_TEST_AZURITE = azurite.endpoint;
  (globalThis as Record<string, unknown>).__mzTestServers = { pg, azurite };
  // Temporary folders the suites make, and those cdktf's Testing helpers make and never remove
  // (one cdktf.outdir.* per call), go under one folder that teardown removes.
  const runTmp = mkdtempSync(join(tmpdir(), 'mz-test-run-'));
  process.env.TMPDIR = runTmp;
  (globalThis as Record<string, unknown>).__mzTestTmp = runTmp;
}

import { rmSync } from 'node:fs';
import type { TestAzurite } from './azurite';
import type { TestPostgres } from './postgres';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__mzTestServers as
    { pg: TestPostgres; azurite: TestAzurite; reaper?: number } | undefined;
  try {
    servers?.pg.stop();
    await servers?.azurite.stop();
  } finally {
    if (servers?.reaper) {
      try {
        process.kill(servers.reaper, 'SIGTERM');
      } catch {
        // It ended already.
      }
    }
  }
  const runTmp = (globalThis as Record<string, unknown>).__mzTestTmp as string | undefined;
  if (runTmp) rmSync(runTmp, { recursive: true, force: true });
}

import { rmSync } from 'node:fs';
import type { TestAzurite } from './azurite';
import type { TestPostgres } from './postgres';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__mzTestServers as { pg: TestPostgres; azurite: TestAzurite } | undefined;
  servers?.pg.stop();
  await servers?.azurite.stop();
  const runTmp = (globalThis as Record<string, unknown>).__mzTestTmp as string | undefined;
  if (runTmp) rmSync(runTmp, { recursive: true, force: true });
}

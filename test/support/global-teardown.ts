import type { TestAzurite } from './azurite';
import type { TestPostgres } from './postgres';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__mzTestServers as { pg: TestPostgres; azurite: TestAzurite } | undefined;
  servers?.pg.stop();
  await servers?.azurite.stop();
}

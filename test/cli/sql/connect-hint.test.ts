import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { connectHint } from '../../../cli/commands/sql';
import { env } from '../../helpers';
import { freePort } from '../../support/ports';
import { testPostgres } from '../../support/postgres';

/** The error a real connection attempt gives: a real server (TLS on) stands in for Materialize's pgwire endpoint. */
async function failure(config: ConstructorParameters<typeof Client>[0]): Promise<Error & { code?: string }> {
  const client = new Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    return e as Error & { code?: string };
  } finally {
    await client.end().catch(() => undefined);
  }
  throw new Error('the connection succeeded');
}

describe('mzops sql: the hint fits the failure', () => {
  it('an untrusted certificate points at the CA, not at the network', async () => {
    const pg = await testPostgres();
    const e = await failure({
      host: '127.0.0.1',
      port: pg.port,
      user: pg.user,
      password: pg.password,
      database: pg.database,
      ssl: { rejectUnauthorized: true },
    });
    expect(connectHint(env('example'), e)).toMatch(/^verify against the instance's CA: mzops ca example \(or set PGSSLROOTCERT\)/);
  });

  it('a wrong password points at the sealed password', async () => {
    const pg = await testPostgres();
    const ca = readFileSync(pg.caFile, 'utf8');
    const e = await failure({
      host: '127.0.0.1',
      port: pg.port,
      user: pg.user,
      password: 'wrong',
      database: pg.database,
      ssl: { ca, servername: 'localhost', rejectUnauthorized: false },
    });
    expect(e.code).toBe('28P01');
    expect(connectHint(env('example'), e)).toMatch(
      /mz_system password differs from the sealed one: use \.mzops\/example\/mz_system_password/,
    );
  });

  it('a refused connection points at the VNet', async () => {
    const e = await failure({ host: '127.0.0.1', port: await freePort(), user: 'mz_system', password: 'x', connectionTimeoutMillis: 3000 });
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(connectHint(env('example'), e)).toMatch(/^internal load balancers are reachable from the VNet only/);
  });
});

import { checkPostgres } from '../../../cli/doctor/postgres-checks';
import { freePort } from '../../support/ports';
import { testPostgres, type TestPostgres } from '../../support/postgres';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await testPostgres();
}, 60_000);
afterAll(() => pg?.stop());

describe('doctor: PostgreSQL against a real server with TLS', () => {
  it('passes with good credentials, over TLS, and reports max_connections', async () => {
    const results = await checkPostgres(pg.url(), { environment: 'staging', caFile: pg.caFile });
    expect(results.map((r) => r.status)).toEqual(['ok', 'warn']);
    expect(results[0].detail).toMatch(/TLS login as materialize to 127.0.0.1:\d+\/materialize works/);
    // The test server runs with 60 connections: below what Materialize wants, so a warning with the fix.
    expect(results[1].detail).toMatch(/max_connections is 60/);
    expect(results[1].fix).toMatch(/postgres.maxConnections/);
  });

  it('fails on a wrong password, naming the fix', async () => {
    const [r] = await checkPostgres(pg.url({ password: 'wrong-password' }), { environment: 'staging', caFile: pg.caFile });
    expect(r).toMatchObject({ status: 'fail', detail: 'password authentication failed for materialize' });
    expect(r.fix).toMatch(/mzops seal/);
  });

  it('fails on a missing database', async () => {
    const [r] = await checkPostgres(pg.url({ database: 'nothere' }), { environment: 'staging', caFile: pg.caFile });
    expect(r).toMatchObject({
      status: 'fail',
      detail: 'database "nothere" does not exist',
      fix: 'Terraform creates it: run npm run deploy -- staging',
    });
  });

  it('fails on an unreachable port, quickly', async () => {
    const port = await freePort();
    const start = Date.now();
    const [r] = await checkPostgres(pg.url({ port }), { environment: 'staging', caFile: pg.caFile });
    expect(r).toMatchObject({ status: 'fail', detail: `nothing listens on 127.0.0.1:${port}` });
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('fails when the server certificate is not trusted', async () => {
    const [r] = await checkPostgres(pg.url(), { environment: 'staging', caFile: undefined });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/TLS to 127.0.0.1:\d+ is not trusted/);
    expect(r.fix).toMatch(/PGSSLROOTCERT/);
  });
});

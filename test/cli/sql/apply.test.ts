import type { Client } from 'pg';
import { executeStatements, readCatalogState, runVerify, verifyCluster, verifyQueries, type Queryable } from '../../../cli/sql/apply';
import { loadEnvironment } from '../../../model/load';
import type { Statement } from '../../../cli/sql/plan';
import { Sql, sql } from '../../../cli/sql/quote';
import { customerMessages, orderMessages } from '../../../cli/sample-data/generate';
import { env, exampleWith } from '../../helpers';
import { connectTestClient, testPostgres, type TestPostgres } from '../../support/postgres';

let pg: TestPostgres;
let client: Client;
beforeAll(async () => {
  pg = await testPostgres();
  client = await connectTestClient(pg, 'apply_test');
}, 60_000);
afterAll(async () => {
  await client?.end();
  pg?.stop();
});

const stmt = (object: string, s: Sql): Statement => ({ kind: 'source', object, sql: s });

describe('sql apply over the PostgreSQL wire protocol (a real PostgreSQL server)', () => {
  it('runs statements in order, one line each', async () => {
    const lines: string[] = [];
    const n = await executeStatements(
      client,
      [
        stmt('t', Sql.raw('CREATE TABLE apply_order (i int)')),
        stmt('t', Sql.raw('INSERT INTO apply_order VALUES (1)')),
        stmt('t', Sql.raw('INSERT INTO apply_order SELECT max(i) + 1 FROM apply_order')),
      ],
      (l) => lines.push(l),
    );
    expect(n).toBe(3);
    expect(lines).toEqual([
      '[1/3] CREATE TABLE apply_order (i int)  ok',
      '[2/3] INSERT INTO apply_order VALUES (1)  ok',
      '[3/3] INSERT INTO apply_order SELECT max(i) + 1 FROM apply_order  ok',
    ]);
    expect((await client.query('SELECT array_agg(i ORDER BY i) AS a FROM apply_order')).rows[0].a).toEqual([1, 2]);
  });

  it('stops at the first failure, naming the statement (masked) and the server message (scrubbed)', async () => {
    const lines: string[] = [];
    const secret = "s3cr3t'$ConnectionString";
    const run = executeStatements(
      client,
      [
        stmt('a', Sql.raw('CREATE TABLE apply_stop (i int)')),
        stmt('b', sql`SELECT ${Sql.secret(secret)}::int`),
        stmt('c', Sql.raw('INSERT INTO apply_stop VALUES (1)')),
      ],
      (l) => lines.push(l),
    );
    await expect(run).rejects.toThrow(
      /^statement 2 of 3 failed: SELECT '<redacted>'::int\nserver: invalid input syntax for type integer: "<redacted>"$/,
    );
    expect(lines).toEqual(['[1/3] CREATE TABLE apply_stop (i int)  ok', "[2/3] SELECT '<redacted>'::int  FAILED"]);
    expect((await client.query('SELECT count(*)::int AS n FROM apply_stop')).rows[0].n).toBe(0);
  });

  it("verify prints the predecessor's checks as tables", async () => {
    // Tables shaped like the example's views, filled from the sample generator.
    await client.query(
      'CREATE TABLE orders (order_id text, customer_name text, total_amount double precision, status text, created_at text, region text)',
    );
    await client.query(
      'CREATE TABLE customers (customer_id text, first_name text, last_name text, tier text, total_orders int, lifetime_value double precision)',
    );
    for (const m of orderMessages(12, 7)) {
      const o = JSON.parse(m.value);
      await client.query('INSERT INTO orders VALUES ($1,$2,$3,$4,$5,$6)', [
        o.order_id,
        o.customer_name,
        o.total_amount,
        o.status,
        o.created_at,
        o.region,
      ]);
    }
    const latest = new Map(customerMessages(30, 7).map((m) => [m.key, JSON.parse(m.value)]));
    for (const c of latest.values())
      await client.query('INSERT INTO customers VALUES ($1,$2,$3,$4,$5,$6)', [
        c.customer_id,
        c.first_name,
        c.last_name,
        c.tier,
        c.total_orders,
        c.lifetime_value,
      ]);
    const lines: string[] = [];
    const views = env('example').eventHubs.topics.flatMap((t) => t.views);
    await runVerify(client, verifyQueries(views), (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toMatch(/orders: row count\nrows\n-+\n12\n\(1 row\)/);
    expect(text).toMatch(/customers: row count\nrows\n-+\n10\n\(1 row\)/);
    expect(text).toMatch(/orders: latest 10\norder_id\s+\| customer_name/);
    expect(text).toMatch(/orders: revenue per region\nregion\s+\| orders \| revenue/);
    expect(text).toMatch(/customers: customers per tier\ntier\s+\| customers \| avg_orders \| total_ltv/);
  });

  it("verify first moves the session off mz_system's cluster, which has no replicas, onto the views' cluster", async () => {
    // PostgreSQL has no CLUSTER setting: the SET goes to a recorder (its text is Materialize's
    // `SET CLUSTER = '<name>'`, docs: sql/set), every other query to the real server.
    const seen: string[] = [];
    const recorder: Queryable = {
      query: (text) => (seen.push(text), /^SET CLUSTER/.test(text) ? Promise.resolve({ rows: [] }) : client.query(text)),
    };
    const e = env('example');
    expect(verifyCluster(e)).toBe('ingest');
    await runVerify(recorder, verifyQueries([{ name: 'orders', columns: [{ name: 'order_id' }] }]), () => undefined, verifyCluster(e));
    expect(seen).toEqual(["SET CLUSTER = 'ingest'", 'SELECT COUNT(*) AS rows FROM orders']);
  });

  it('verify picks a cluster with replicas, and says so when there is none', () => {
    const having = (clusters: { name: string; replicationFactor: number }[]) =>
      loadEnvironment(
        exampleWith((d) => {
          d.eventHubs!.clusters = clusters;
          for (const t of d.eventHubs!.topics!) t.source = { ...t.source, cluster: clusters[0].name };
        }),
      );
    expect(
      verifyCluster(
        having([
          { name: 'ingest', replicationFactor: 0 },
          { name: 'serving', replicationFactor: 2 },
        ]),
      ),
    ).toBe('serving');
    expect(() => verifyCluster(having([{ name: 'ingest', replicationFactor: 0 }]))).toThrow(
      /declares no cluster with replicas: nothing can answer a SELECT/,
    );
  });
});

describe("reading Materialize's catalog", () => {
  // No Materialize server runs here: a stand-in answers the catalog queries (see README).
  it('maps catalog rows and comments to the plan state', async () => {
    const answers: [RegExp, Record<string, unknown>[]][] = [
      [/mz_secrets/, [{ name: 'eventhubs_connection', comment: 'scrypt$a$b' }]],
      [
        /mz_materialized_views/,
        [
          { name: 'orders', comment: 'sha256:x' },
          { name: 'customers', comment: null },
        ],
      ],
      [/mz_connections/, [{ name: 'eventhubs_kafka', comment: null }]],
      [/mz_sources/, [{ name: 'orders_raw', comment: null }]],
      [/mz_roles/, [{ name: 'analyst' }, { name: 'mz_system' }]],
      [/mz_clusters/, [{ name: 'ingest', size: '25cc', replication_factor: '1' }]],
    ];
    const seen: string[] = [];
    const fake: Queryable = { query: async (text) => (seen.push(text), { rows: answers.find(([re]) => re.test(text))![1] }) };
    const state = await readCatalogState(fake);
    expect(state.secrets.get('eventhubs_connection')).toBe('scrypt$a$b');
    expect([...state.views]).toEqual([
      ['orders', 'sha256:x'],
      ['customers', undefined],
    ]);
    expect([...state.sources]).toEqual(['orders_raw']);
    expect(state.roles.has('analyst')).toBe(true);
    expect([...state.clusters]).toEqual([['ingest', { size: '25cc', replicationFactor: 1 }]]);
    expect(seen.filter((q) => q.includes("sc.name = 'public'"))).toHaveLength(4);
  });
});

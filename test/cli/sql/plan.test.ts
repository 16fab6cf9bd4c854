import { definitionDigest, EMPTY_CATALOG, planSql, renderPlan, viewDefinition, type CatalogState } from '../../../cli/sql/plan';
import { fingerprint } from '../../../cli/seal/fingerprint';
import { join } from 'node:path';
import { loadAllEnvironments } from '../../../core/environments';
import { env, REPO_ROOT } from '../../helpers';

// A stand-in with every character the predecessor's envsubst mangled.
const CONN =
  "Endpoint=sb://mzexample-events.servicebus.windows.net/;SharedAccessKeyName=materialize-multi-reader;SharedAccessKey=Xy$Z'q\\w;=";
const PASSWORDS = { analyst: "an'alyst$pw\\1" };

function fullState(conn = CONN): CatalogState {
  const e = env('example');
  return {
    clusters: new Map([['ingest', { size: '25cc', replicationFactor: 1 }]]),
    secrets: new Map([['eventhubs_connection', fingerprint(conn)]]),
    connections: new Set(['eventhubs_kafka']),
    sources: new Set(e.eventHubs.topics.map((t) => t.source.name)),
    views: new Map(
      e.eventHubs.topics.flatMap((t) => t.views.map((v) => [v.name, definitionDigest(viewDefinition(t, v).text)] as [string, string])),
    ),
    roles: new Set(['analyst']),
  };
}

describe('sql plan for the example', () => {
  const plan = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS });

  it('matches its snapshot, secrets masked', () => {
    expect(renderPlan(plan)).toMatchSnapshot();
  });

  it('never shows a secret in the masked form, and carries it intact in the real one', () => {
    const masked = renderPlan(plan);
    expect(masked).not.toContain('SharedAccessKey');
    expect(masked).not.toContain('alyst$pw');
    const real = renderPlan(plan, { reveal: true });
    expect(real).toContain(
      "CREATE SECRET eventhubs_connection AS 'Endpoint=sb://mzexample-events.servicebus.windows.net/;SharedAccessKeyName=materialize-multi-reader;SharedAccessKey=Xy$Z''q\\w;='",
    );
    expect(real).toContain("CREATE ROLE analyst WITH LOGIN PASSWORD 'an''alyst$pw\\1'");
  });

  it('keeps the literal $ConnectionString user name that envsubst used to erase', () => {
    expect(renderPlan(plan)).toContain("SASL USERNAME = '$ConnectionString'");
    expect(renderPlan(plan)).toContain("BROKER 'mzexample-events.servicebus.windows.net:9093'");
  });

  it('creates sources with the GA syntax: JSON append-only and text-keyed upsert', () => {
    const text = renderPlan(plan);
    expect(text).toContain(
      "CREATE SOURCE orders_raw\n  IN CLUSTER ingest\n  FROM KAFKA CONNECTION eventhubs_kafka (TOPIC 'orders')\n  FORMAT JSON;",
    );
    expect(text).toContain(
      "CREATE SOURCE customers_raw\n  IN CLUSTER ingest\n  FROM KAFKA CONNECTION eventhubs_kafka (TOPIC 'customers')\n  KEY FORMAT TEXT\n  VALUE FORMAT JSON\n  ENVELOPE UPSERT;",
    );
  });

  it('creates its cluster first, and places every source and materialized view on a user cluster', () => {
    expect(plan.statements[0].sql.text).toBe("CREATE CLUSTER ingest (SIZE = '25cc', REPLICATION FACTOR = 1)");
    for (const s of plan.statements.filter((x) => x.kind === 'source' || x.kind === 'view'))
      expect(s.sql.text).toMatch(/\n {2}IN CLUSTER ingest( AS)?\n/);
  });

  it('grants per object, in the forms Materialize parses', () => {
    expect(plan.statements.filter((s) => s.kind === 'grant').map((s) => s.sql.text)).toEqual([
      'GRANT SELECT ON TABLE orders TO analyst',
      'GRANT SELECT ON TABLE customers TO analyst',
    ]);
  });

  it('filters null records only for append-only sources: under upsert a null value is a delete', () => {
    const upsert = env('example').eventHubs.topics.find((t) => t.source.envelope === 'upsert')!;
    expect(viewDefinition(upsert, { ...upsert.views[0], skipNullRecords: true }).text).not.toContain('WHERE');
    const plain = env('example').eventHubs.topics.find((t) => t.source.envelope === 'none')!;
    expect(viewDefinition(plain, { ...plain.views[0], skipNullRecords: true }).text).toContain('\nWHERE data IS NOT NULL');
  });

  it('orders statements: secret, connection, then each source before its views, roles last', () => {
    expect(plan.statements.map((s) => `${s.kind}:${s.object}`)).toEqual([
      'cluster:ingest',
      'secret:eventhubs_connection',
      'comment:eventhubs_connection',
      'connection:eventhubs_kafka',
      'source:orders_raw',
      'view:orders',
      'comment:orders',
      'source:customers_raw',
      'view:customers',
      'comment:customers',
      'role:analyst',
      'grant:analyst',
      'grant:analyst',
    ]);
  });
});

describe("every environment's plan", () => {
  const all = [...loadAllEnvironments(join(REPO_ROOT, 'environments')), env('staging'), env('prod')].filter((e) => e.eventHubs.enabled);
  it.each(all.map((e) => [e.name, e] as const))(
    '%s: places each source and view on a declared user cluster, and grants only in parseable forms',
    (_n, e) => {
      const plan = planSql({
        env: e,
        readerConnectionString: CONN,
        rolePasswords: Object.fromEntries(e.eventHubs.roles.map((r) => [r.name, 'pw'])),
      });
      const clusters = e.eventHubs.clusters.map((c) => c.name);
      for (const s of plan.statements.filter((x) => x.kind === 'source' || x.kind === 'view')) {
        const cluster = /\n {2}IN CLUSTER (\w+)/.exec(s.sql.text)?.[1];
        expect([s.object, clusters.includes(cluster ?? '') && !cluster?.startsWith('mz_')]).toEqual([s.object, true]);
      }
      for (const g of plan.statements.filter((x) => x.kind === 'grant'))
        expect(g.sql.text).toMatch(/^GRANT SELECT ON (TABLE \w+|ALL TABLES IN SCHEMA public) TO \w+$/);
    },
  );
});

describe('sql apply is idempotent', () => {
  it('plans nothing but the (idempotent) grants when everything exists', () => {
    const plan = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state: fullState() });
    expect(plan.statements.map((s) => s.kind)).toEqual(['grant', 'grant']);
    expect(plan.notes).toEqual([]);
  });

  it("turns a rotated connection string into ALTER SECRET, then recreates the source cluster's replicas so running sources read it", () => {
    const plan = planSql({ env: env('example'), readerConnectionString: `${CONN}rotated`, rolePasswords: PASSWORDS, state: fullState() });
    expect(plan.statements.slice(0, 4).map((s) => s.sql.masked)).toEqual([
      "ALTER SECRET eventhubs_connection AS '<redacted>'",
      "COMMENT ON SECRET eventhubs_connection IS '<redacted>'",
      'ALTER CLUSTER ingest SET (REPLICATION FACTOR = 0)',
      'ALTER CLUSTER ingest SET (REPLICATION FACTOR = 1)',
    ]);
    expect(plan.notes[0]).toBe(
      'secret eventhubs_connection: the connection string changed; altering it, then recreating the replicas of ingest so running sources read it (ingestion pauses while they restart)',
    );
  });

  it('resizes a cluster whose size or replication factor changed', () => {
    const state = fullState();
    (state.clusters as Map<string, { size: string; replicationFactor: number }>).set('ingest', { size: '50cc', replicationFactor: 2 });
    const plan = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state });
    expect(plan.statements[0].sql.text).toBe("ALTER CLUSTER ingest SET (SIZE = '25cc', REPLICATION FACTOR = 1)");
  });

  it('reports a changed view and replaces it only when asked', () => {
    const state = fullState();
    (state.views as Map<string, string>).set('orders', definitionDigest('an older definition'));
    const left = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state });
    expect(left.statements.some((s) => s.kind === 'view')).toBe(false);
    expect(left.notes).toEqual([
      'materialized view orders: its definition changed; left as it is (re-run with --replace-views to replace it)',
    ]);
    const replaced = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state, replaceViews: true });
    expect(replaced.statements.find((s) => s.kind === 'view')!.sql.text).toMatch(
      /^CREATE OR REPLACE MATERIALIZED VIEW orders\n {2}IN CLUSTER ingest AS/,
    );
  });

  it('starts from nothing with an empty catalog', () => {
    expect(
      planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state: EMPTY_CATALOG }).statements,
    ).toHaveLength(13);
  });
});

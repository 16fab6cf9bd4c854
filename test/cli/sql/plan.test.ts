import { definitionDigest, EMPTY_CATALOG, planSql, renderPlan, viewDefinition, type CatalogState } from '../../../cli/sql/plan';
import { fingerprint } from '../../../cli/seal/fingerprint';
import { env } from '../../helpers';

// A stand-in with every character the predecessor's envsubst mangled.
const CONN = "Endpoint=sb://mzexample-events.servicebus.windows.net/;SharedAccessKeyName=materialize-multi-reader;SharedAccessKey=Xy$Z'q\\w;=";
const PASSWORDS = { analyst: "an'alyst$pw\\1" };

function fullState(conn = CONN): CatalogState {
  const e = env('example');
  return {
    secrets: new Map([['eventhubs_connection', fingerprint(conn)]]),
    connections: new Set(['eventhubs_kafka']),
    sources: new Set(e.eventHubs.topics.map((t) => t.source.name)),
    views: new Map(e.eventHubs.topics.flatMap((t) => t.views.map((v) => [v.name, definitionDigest(viewDefinition(t, v).text)] as [string, string]))),
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
    expect(real).toContain("CREATE SECRET eventhubs_connection AS 'Endpoint=sb://mzexample-events.servicebus.windows.net/;SharedAccessKeyName=materialize-multi-reader;SharedAccessKey=Xy$Z''q\\w;='");
    expect(real).toContain("CREATE ROLE analyst WITH LOGIN PASSWORD 'an''alyst$pw\\1'");
  });

  it('keeps the literal $ConnectionString user name that envsubst used to erase', () => {
    expect(renderPlan(plan)).toContain("SASL USERNAME = '$ConnectionString'");
    expect(renderPlan(plan)).toContain("BROKER 'mzexample-events.servicebus.windows.net:9093'");
  });

  it('creates sources with the GA syntax: JSON append-only and text-keyed upsert', () => {
    const text = renderPlan(plan);
    expect(text).toContain("CREATE SOURCE orders_raw\n  FROM KAFKA CONNECTION eventhubs_kafka (TOPIC 'orders')\n  FORMAT JSON;");
    expect(text).toContain("CREATE SOURCE customers_raw\n  FROM KAFKA CONNECTION eventhubs_kafka (TOPIC 'customers')\n  KEY FORMAT TEXT\n  VALUE FORMAT JSON\n  ENVELOPE UPSERT;");
  });

  it('orders statements: secret, connection, then each source before its views, roles last', () => {
    expect(plan.statements.map((s) => `${s.kind}:${s.object}`)).toEqual([
      'secret:eventhubs_connection', 'comment:eventhubs_connection', 'connection:eventhubs_kafka',
      'source:orders_raw', 'view:orders', 'comment:orders', 'source:customers_raw', 'view:customers', 'comment:customers',
      'role:analyst', 'grant:analyst', 'grant:analyst',
    ]);
  });
});

describe('sql apply is idempotent', () => {
  it('plans nothing but the (idempotent) grants when everything exists', () => {
    const plan = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state: fullState() });
    expect(plan.statements.map((s) => s.kind)).toEqual(['grant', 'grant']);
    expect(plan.notes).toEqual([]);
  });

  it('turns a rotated connection string into ALTER SECRET', () => {
    const plan = planSql({ env: env('example'), readerConnectionString: `${CONN}rotated`, rolePasswords: PASSWORDS, state: fullState() });
    expect(plan.statements.slice(0, 2).map((s) => s.sql.masked)).toEqual(["ALTER SECRET eventhubs_connection AS '<redacted>'", "COMMENT ON SECRET eventhubs_connection IS '<redacted>'"]);
    expect(plan.notes[0]).toMatch(/the connection string changed/);
  });

  it('reports a changed view and replaces it only when asked', () => {
    const state = fullState();
    (state.views as Map<string, string>).set('orders', definitionDigest('an older definition'));
    const left = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state });
    expect(left.statements.some((s) => s.kind === 'view')).toBe(false);
    expect(left.notes).toEqual(['materialized view orders: its definition changed; left as it is (re-run with --replace-views to replace it)']);
    const replaced = planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state, replaceViews: true });
    expect(replaced.statements.find((s) => s.kind === 'view')!.sql.text).toMatch(/^CREATE OR REPLACE MATERIALIZED VIEW orders AS/);
  });

  it('starts from nothing with an empty catalog', () => {
    expect(planSql({ env: env('example'), readerConnectionString: CONN, rolePasswords: PASSWORDS, state: EMPTY_CATALOG }).statements).toHaveLength(12);
  });
});

import type { Client } from 'pg';
import { quoteIdent, quoteLiteral, Sql, sql } from '../../../cli/sql/quote';
import { connectTestClient, testPostgres, type TestPostgres } from '../../support/postgres';

const NASTY = [
  'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=materialize-multi-reader;SharedAccessKey=ab+c/d=',
  '$ConnectionString',
  "it's a 'quoted' \"string\"",
  'back\\slash \\n not a newline \\\\',
  'semi;colon; DROP TABLE x; --',
  'ünïcødé ✓ 数据 🚀',
  'line one\nline two\r\nline three\ttab',
  '${POSTGRES_PASSWORD} and $HOME and $$dollar$$',
  "''",
  '',
];

let pg: TestPostgres;
let client: Client;
beforeAll(async () => {
  pg = await testPostgres();
  client = await connectTestClient(pg, 'quote_test');
}, 60_000);
afterAll(async () => {
  await client?.end();
  pg?.stop();
});

describe('SQL quoting, proven against a real server', () => {
  it.each(NASTY)('a literal survives the round trip: %j', async (value) => {
    const result = await client.query(`SELECT ${quoteLiteral(value)} AS v`);
    expect(result.rows[0].v).toBe(value);
  });

  it.each(['orders', 'Mixed Case', 'with"quote', 'select', 'ümlaut', 'semi;colon', '1starts_with_digit'])(
    'an identifier survives the round trip: %j',
    async (name) => {
      await client.query(`CREATE TEMP TABLE ${quoteIdent(name)} (x int)`);
      const result = await client.query("SELECT relname FROM pg_class WHERE relname = $1 AND relpersistence = 't'", [name]);
      expect(result.rows).toEqual([{ relname: name }]);
    },
  );

  it('quotes only identifiers that need it', () => {
    expect(quoteIdent('orders_raw')).toBe('orders_raw');
    expect(quoteIdent('select')).toBe('"select"');
    expect(quoteIdent('Orders')).toBe('"Orders"');
  });

  it('refuses NUL characters', () => {
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
  });

  it('masks secrets and scrubs them from messages', () => {
    const s = sql`CREATE SECRET x AS ${Sql.secret("p'a$s")}`;
    expect(s.text).toBe("CREATE SECRET x AS 'p''a$s'");
    expect(s.masked).toBe("CREATE SECRET x AS '<redacted>'");
    expect(s.scrub(`syntax error at or near "p'a$s" in 'p''a$s'`)).toBe('syntax error at or near "<redacted>" in <redacted>');
  });
});

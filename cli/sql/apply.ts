import { CliError } from '../errors';
import type { CatalogState, Statement } from './plan';
import type { Environment } from '../../model/environment';
import { quoteIdent, sql } from './quote';

/** The part of a pg Client that applying and verifying need. */
export interface Queryable {
  query(text: string): Promise<{ rows: Record<string, unknown>[]; fields?: { name: string }[] }>;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return text.includes('\n') ? `${line} ...` : line;
}

/**
 * Runs statements in order over the PostgreSQL wire protocol, one line each; stops at the first
 * failure and reports that statement (masked) and the server's message (scrubbed of secrets).
 */
export async function executeStatements(client: Queryable, statements: Statement[], log: (line: string) => void): Promise<number> {
  for (const [i, s] of statements.entries()) {
    const label = `[${i + 1}/${statements.length}] ${firstLine(s.sql.masked)}`;
    try {
      await client.query(s.sql.text);
      log(`${label}  ok`);
    } catch (e) {
      log(`${label}  FAILED`);
      const message = s.sql.scrub((e as Error).message);
      throw new CliError(
        `statement ${i + 1} of ${statements.length} failed: ${s.sql.masked}\nserver: ${message}`,
        `${statements.length - i - 1} later statement(s) were not run; fix the cause and re-run (applied statements are skipped)`,
      );
    }
  }
  return statements.length;
}

/** Materialize's catalog: which of our objects exist, and the fingerprints we left in comments. */
export async function readCatalogState(client: Queryable): Promise<CatalogState> {
  const inPublic = (table: string, alias: string) =>
    `FROM ${table} ${alias} JOIN mz_catalog.mz_schemas sc ON ${alias}.schema_id = sc.id JOIN mz_catalog.mz_databases d ON sc.database_id = d.id
     LEFT JOIN mz_internal.mz_comments c ON c.id = ${alias}.id AND c.object_sub_id IS NULL
     WHERE sc.name = 'public' AND d.name = current_database()`;
  const named = async (table: string) =>
    (await client.query(`SELECT o.name, c.comment ${inPublic(table, 'o')}`)).rows.map(
      (r) => [String(r.name), r.comment === null || r.comment === undefined ? undefined : String(r.comment)] as const,
    );
  const secrets = new Map(await named('mz_catalog.mz_secrets'));
  const views = new Map(await named('mz_catalog.mz_materialized_views'));
  const connections = new Set((await named('mz_catalog.mz_connections')).map(([n]) => n));
  const sources = new Set((await named('mz_catalog.mz_sources')).map(([n]) => n));
  const roles = new Set((await client.query('SELECT name FROM mz_catalog.mz_roles')).rows.map((r) => String(r.name)));
  const clusters = new Map(
    (await client.query('SELECT name, size, replication_factor FROM mz_catalog.mz_clusters WHERE managed')).rows.map(
      (r) => [String(r.name), { size: String(r.size), replicationFactor: Number(r.replication_factor) }] as const,
    ),
  );
  return { clusters, secrets, views, connections, sources, roles };
}

export interface VerifyQuery {
  readonly title: string;
  readonly sql: string;
}

/** The predecessor's verification queries, for whichever declared views have the columns they need. */
export function verifyQueries(views: { name: string; columns: { name: string }[] }[]): VerifyQuery[] {
  const queries: VerifyQuery[] = [];
  for (const v of views) {
    const has = (...cols: string[]) => cols.every((c) => v.columns.some((x) => x.name === c));
    const t = quoteIdent(v.name);
    queries.push({ title: `${v.name}: row count`, sql: `SELECT COUNT(*) AS rows FROM ${t}` });
    if (has('created_at')) queries.push({ title: `${v.name}: latest 10`, sql: `SELECT * FROM ${t} ORDER BY created_at DESC LIMIT 10` });
    if (has('region', 'total_amount'))
      queries.push({
        title: `${v.name}: revenue per region`,
        sql: `SELECT region, COUNT(*) AS orders, SUM(total_amount) AS revenue FROM ${t} GROUP BY region ORDER BY region`,
      });
    if (has('tier', 'total_orders', 'lifetime_value'))
      queries.push({
        title: `${v.name}: customers per tier`,
        sql: `SELECT tier, COUNT(*) AS customers, AVG(total_orders) AS avg_orders, SUM(lifetime_value) AS total_ltv FROM ${t} GROUP BY tier ORDER BY tier`,
      });
    if (!has('created_at') && has('lifetime_value'))
      queries.push({ title: `${v.name}: by lifetime value`, sql: `SELECT * FROM ${t} ORDER BY lifetime_value DESC LIMIT 10` });
  }
  return queries;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  const s = String(v);
  return /^-?\d+\.\d{3,}$/.test(s) ? Number(s).toFixed(2) : s;
}

export function formatTable(fields: string[], rows: Record<string, unknown>[]): string[] {
  const body = rows.map((r) => fields.map((f) => cell(r[f])));
  const widths = fields.map((f, i) => Math.max(f.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [
    line(fields),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...body.map(line),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ];
}

/**
 * The cluster verify's SELECTs run on: a connection as mz_system starts on the mz_system cluster,
 * which has no replicas ("has no replicas available to service request"). The views' own cluster
 * first (it holds their arrangements), else any declared cluster with replicas.
 */
export function verifyCluster(env: Environment): string {
  const withReplicas = env.eventHubs.clusters.filter((c) => c.replicationFactor > 0).map((c) => c.name);
  const viewClusters = env.eventHubs.topics.flatMap((t) => t.views.map((v) => v.cluster));
  const chosen = viewClusters.find((c) => withReplicas.includes(c)) ?? withReplicas[0];
  if (!chosen)
    throw new CliError(
      `environment "${env.name}" declares no cluster with replicas: nothing can answer a SELECT`,
      `give one of eventHubs.clusters a replicationFactor of 1 or more, then mzops sql apply ${env.name}`,
    );
  return chosen;
}

/** Runs the queries on `cluster` (Materialize's `SET CLUSTER = '<name>'`), printing each as a table. */
export async function runVerify(client: Queryable, queries: VerifyQuery[], log: (line: string) => void, cluster?: string): Promise<void> {
  if (cluster !== undefined) await client.query(sql`SET CLUSTER = ${cluster}`.text);
  for (const q of queries) {
    const result = await client.query(q.sql);
    const fields = result.fields?.map((f) => f.name) ?? Object.keys(result.rows[0] ?? {});
    log(`\n${q.title}`);
    for (const l of formatTable(fields, result.rows)) log(l);
  }
}

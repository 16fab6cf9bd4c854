import type { Environment, ResolvedTopic } from '../../model/environment';
import { EVENT_HUBS } from '../../model/contract';
import { createHash } from 'node:crypto';
import { fingerprint, matchesFingerprint } from '../seal/fingerprint';
import { Sql, sql } from './quote';

/** Names of the objects every environment's streaming setup creates. */
export const STREAMING = {
  secret: 'eventhubs_connection',
  connection: 'eventhubs_kafka',
  /** Event Hubs' Kafka endpoint takes the literal user name `$ConnectionString`. */
  saslUsername: EVENT_HUBS.kafkaUsername,
} as const;

export type StatementKind = 'cluster' | 'secret' | 'connection' | 'source' | 'view' | 'role' | 'grant' | 'comment';

export interface Statement {
  readonly kind: StatementKind;
  /** The object it creates or changes. */
  readonly object: string;
  readonly sql: Sql;
}

/** What exists already, read from Materialize's catalog before applying. */
export interface CatalogState {
  /** Managed cluster name -> its size and replication factor. */
  readonly clusters: Map<string, { size: string; replicationFactor: number }>;
  /** Secret name -> its comment (an scrypt fingerprint of the value we stored). */
  readonly secrets: Map<string, string | undefined>;
  readonly connections: Set<string>;
  readonly sources: Set<string>;
  /** Materialized view name -> its comment (a digest of the definition we created). */
  readonly views: Map<string, string | undefined>;
  readonly roles: Set<string>;
}

export const EMPTY_CATALOG: CatalogState = {
  clusters: new Map(),
  secrets: new Map(),
  connections: new Set(),
  sources: new Set(),
  views: new Map(),
  roles: new Set(),
};

export interface SqlPlanInput {
  readonly env: Environment;
  /** Namespace-level Listen connection string (no EntityPath). */
  readonly readerConnectionString: string;
  /** Role name -> LOGIN password. */
  readonly rolePasswords: Record<string, string>;
  readonly state?: CatalogState;
  /** Replace materialized views whose definition changed. @default false */
  readonly replaceViews?: boolean;
}

export interface SqlPlan {
  readonly statements: Statement[];
  /** Things the user should know: a changed view left alone, a rotated secret. */
  readonly notes: string[];
}

const FORMAT: Record<string, string> = { json: 'JSON', text: 'TEXT', bytes: 'BYTES' };
const CAST: Record<string, string> = {
  text: 'text',
  int: 'int',
  bigint: 'bigint',
  double: 'double',
  numeric: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
};

export function kafkaBroker(namespace: string): string {
  return EVENT_HUBS.kafkaBroker(namespace);
}

function sourceStatement(topic: ResolvedTopic): Sql {
  const s = topic.source;
  // IN CLUSTER always: the mz_system login's default cluster has no replicas.
  const head = sql`CREATE SOURCE ${Sql.ident(s.name)}\n  IN CLUSTER ${Sql.ident(s.cluster)}\n  FROM KAFKA CONNECTION ${Sql.ident(STREAMING.connection)} (TOPIC ${topic.name})`;
  if (s.envelope === 'upsert') {
    return Sql.join(
      [head, Sql.raw(`  KEY FORMAT ${FORMAT[s.keyFormat]}\n  VALUE FORMAT ${FORMAT[s.valueFormat]}\n  ENVELOPE UPSERT`)],
      '\n',
    );
  }
  return Sql.join([head, Sql.raw(`  FORMAT ${FORMAT[s.valueFormat]}`)], '\n');
}

/** The view's body: one column per declared field, read from the source's JSON `data` column. */
export function viewDefinition(topic: ResolvedTopic, view: ResolvedTopic['views'][number]): Sql {
  const columns = view.columns.map((c) => {
    const value = c.type === 'jsonb' ? sql`data->${c.field}` : sql`(data->>${c.field})::${Sql.raw(CAST[c.type])}`;
    return sql`    ${value} AS ${Sql.ident(c.name)}`;
  });
  // Under ENVELOPE UPSERT a null value deletes its key: the source never holds one (validation refuses the flag there).
  const where = view.skipNullRecords && topic.source.envelope !== 'upsert' ? Sql.raw('\nWHERE data IS NOT NULL') : Sql.raw('');
  return sql`SELECT\n${Sql.join(columns, ',\n')}\nFROM ${Sql.ident(topic.source.name)}${where}`;
}

/** A view's definition is not secret: a plain digest keeps plans deterministic. */
export function definitionDigest(definition: string): string {
  return `sha256:${createHash('sha256').update(definition).digest('hex')}`;
}

function comment(kind: 'SECRET' | 'MATERIALIZED VIEW', name: string, text: Sql): Statement {
  return { kind: 'comment', object: name, sql: sql`COMMENT ON ${Sql.raw(kind)} ${Sql.ident(name)} IS ${text}` };
}

/**
 * Everything the environment declares, minus what the catalog already has: re-running with an
 * unchanged environment yields no statement. A rotated connection string becomes ALTER SECRET;
 * a changed view is reported, and replaced only with replaceViews.
 */
export function planSql(input: SqlPlanInput): SqlPlan {
  const { env } = input;
  const state = input.state ?? EMPTY_CATALOG;
  const statements: Statement[] = [];
  const notes: string[] = [];
  const conn = input.readerConnectionString;

  for (const c of env.eventHubs.clusters) {
    const existing = state.clusters.get(c.name);
    const options = sql`SIZE = ${c.size}, REPLICATION FACTOR = ${Sql.raw(String(c.replicationFactor))}`;
    if (!existing) statements.push({ kind: 'cluster', object: c.name, sql: sql`CREATE CLUSTER ${Sql.ident(c.name)} (${options})` });
    else if (existing.size !== c.size || existing.replicationFactor !== c.replicationFactor) {
      statements.push({ kind: 'cluster', object: c.name, sql: sql`ALTER CLUSTER ${Sql.ident(c.name)} SET (${options})` });
      notes.push(`cluster ${c.name}: from ${existing.size} x${existing.replicationFactor} to ${c.size} x${c.replicationFactor}`);
    }
  }

  if (!state.secrets.has(STREAMING.secret)) {
    statements.push({
      kind: 'secret',
      object: STREAMING.secret,
      sql: sql`CREATE SECRET ${Sql.ident(STREAMING.secret)} AS ${Sql.secret(conn)}`,
    });
    statements.push(comment('SECRET', STREAMING.secret, Sql.secret(fingerprint(conn))));
  } else if (!matchesFingerprint(conn, state.secrets.get(STREAMING.secret))) {
    statements.push({
      kind: 'secret',
      object: STREAMING.secret,
      sql: sql`ALTER SECRET ${Sql.ident(STREAMING.secret)} AS ${Sql.secret(conn)}`,
    });
    statements.push(comment('SECRET', STREAMING.secret, Sql.secret(fingerprint(conn))));
    // Running sources may keep the old value for weeks; recreating their cluster's replicas makes
    // them read the new one (Materialize docs, ALTER SECRET).
    const hosting = [...new Set(env.eventHubs.topics.filter((t) => state.sources.has(t.source.name)).map((t) => t.source.cluster))];
    for (const name of hosting) {
      const c = env.eventHubs.clusters.find((x) => x.name === name);
      if (!c || c.replicationFactor === 0) continue;
      statements.push({ kind: 'cluster', object: name, sql: sql`ALTER CLUSTER ${Sql.ident(name)} SET (REPLICATION FACTOR = 0)` });
      statements.push({
        kind: 'cluster',
        object: name,
        sql: sql`ALTER CLUSTER ${Sql.ident(name)} SET (REPLICATION FACTOR = ${Sql.raw(String(c.replicationFactor))})`,
      });
    }
    notes.push(
      `secret ${STREAMING.secret}: the connection string changed; altering it` +
        (hosting.length
          ? `, then recreating the replicas of ${hosting.join(', ')} so running sources read it (ingestion pauses while they restart)`
          : ''),
    );
  }

  if (!state.connections.has(STREAMING.connection)) {
    statements.push({
      kind: 'connection',
      object: STREAMING.connection,
      sql: sql`CREATE CONNECTION ${Sql.ident(STREAMING.connection)} TO KAFKA (
    BROKER ${kafkaBroker(env.names.eventHubsNamespace)},
    SECURITY PROTOCOL = 'SASL_SSL',
    SASL MECHANISMS = 'PLAIN',
    SASL USERNAME = ${STREAMING.saslUsername},
    SASL PASSWORD = SECRET ${Sql.ident(STREAMING.secret)}
)`,
    });
  }

  for (const topic of env.eventHubs.topics) {
    if (!state.sources.has(topic.source.name)) statements.push({ kind: 'source', object: topic.source.name, sql: sourceStatement(topic) });
    for (const view of topic.views) {
      const body = viewDefinition(topic, view);
      const existing = state.views.get(view.name);
      const exists = state.views.has(view.name);
      if (exists && existing === definitionDigest(body.text)) continue;
      if (exists && !input.replaceViews) {
        notes.push(`materialized view ${view.name}: its definition changed; left as it is (re-run with --replace-views to replace it)`);
        continue;
      }
      const verb = exists ? 'CREATE OR REPLACE' : 'CREATE';
      statements.push({
        kind: 'view',
        object: view.name,
        sql: sql`${Sql.raw(verb)} MATERIALIZED VIEW ${Sql.ident(view.name)}\n  IN CLUSTER ${Sql.ident(view.cluster)} AS\n${body}`,
      });
      statements.push(comment('MATERIALIZED VIEW', view.name, Sql.literal(definitionDigest(body.text))));
      if (exists) notes.push(`materialized view ${view.name}: replacing it with the new definition`);
    }
  }

  for (const role of env.eventHubs.roles) {
    if (!state.roles.has(role.name)) {
      const password = input.rolePasswords[role.name];
      if (!password) throw new Error(`no password for role ${role.name}`);
      statements.push({
        kind: 'role',
        object: role.name,
        sql: sql`CREATE ROLE ${Sql.ident(role.name)} WITH LOGIN PASSWORD ${Sql.secret(password)}`,
      });
    }
    // GRANT is idempotent: granting what is held already changes nothing. ALL TABLES is the only
    // plural form Materialize parses, and it covers every relation (sources, views, materialized views).
    if (role.selectOnAll)
      statements.push({
        kind: 'grant',
        object: role.name,
        sql: sql`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${Sql.ident(role.name)}`,
      });
    for (const on of role.selectOn) {
      statements.push({ kind: 'grant', object: role.name, sql: sql`GRANT SELECT ON TABLE ${Sql.ident(on)} TO ${Sql.ident(role.name)}` });
    }
  }
  return { statements, notes };
}

/** The SQL script of a plan, secrets masked unless asked otherwise. */
export function renderPlan(plan: SqlPlan, options: { reveal?: boolean } = {}): string {
  return plan.statements.map((s) => `${options.reveal ? s.sql.text : s.sql.masked};`).join('\n\n') + (plan.statements.length ? '\n' : '');
}

import { VARIABLES } from '../../model/variables';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Client, type ClientConfig } from 'pg';
import { fail, ok, warn, withTimeout, type CheckResult } from './check';

const AREA = 'postgres';

/**
 * The connection Materialize will make: TLS required and the server certificate verified
 * (Azure's chains to a public root; PGSSLROOTCERT adds a CA, for a private server or a test).
 */
export function clientConfig(metadataUrl: string, caFile: string | undefined = process.env[VARIABLES.pgSslRootCert.name]): ClientConfig {
  const url = new URL(metadataUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    ssl: {
      rejectUnauthorized: true,
      // SNI carries names only (RFC 6066): Node 26 refuses an address there with a TypeError. Without
      // it, an address is verified against the certificate's IP entries, as before.
      ...(isIP(url.hostname) === 0 ? { servername: url.hostname } : {}),
      ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
    },
    connectionTimeoutMillis: 10_000,
    statement_timeout: 10_000,
  };
}

function explain(err: { code?: string; message: string }, config: ClientConfig, environment: string): CheckResult {
  const where = `${config.host}:${config.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return fail(
        AREA,
        `nothing listens on ${where}`,
        'check postgres_fqdn and that the server is running; private servers are reachable only from the VNet',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(
        AREA,
        `${config.host} does not resolve`,
        'private access needs the private DNS zone: run doctor from inside the VNet (or a pod)',
      );
    case '28P01':
      return fail(
        AREA,
        `password authentication failed for ${config.user}`,
        'the password in metadata_backend_url is stale: re-run mzops seal after npm run deploy',
      );
    case '3D000':
      return fail(
        AREA,
        `database "${String(config.database)}" does not exist`,
        `Terraform creates it: run npm run deploy -- ${environment}`,
      );
    case '53300':
      return fail(AREA, 'too many connections', 'raise postgres.maxConnections in the environment and deploy');
    default:
      if (/does not support SSL/i.test(err.message))
        return fail(AREA, `${where} refuses TLS, which sslmode=require needs`, 'turn require_secure_transport on (Terraform pins it on)');
      if (/certificate|self.signed|unable to verify/i.test(err.message))
        return fail(AREA, `TLS to ${where} is not trusted: ${err.message}`, `set ${VARIABLES.pgSslRootCert.name} to the server CA file`);
      if (/did not answer|timeout/i.test(err.message))
        return fail(
          AREA,
          `${where} did not answer: ${err.message}`,
          'a firewall or NSG drops the traffic: check allowedClientRanges / private access',
        );
      return fail(AREA, err.message, 'check metadata_backend_url');
  }
}

/** Reachable, TLS accepted, login, database present, max_connections with headroom. */
export async function checkPostgres(
  metadataUrl: string,
  options: { /** Named in the fixes. */ environment: string; caFile?: string; timeoutMs?: number },
): Promise<CheckResult[]> {
  const config = clientConfig(metadataUrl, options.caFile ?? process.env[VARIABLES.pgSslRootCert.name]);
  const client = new Client(config);
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), options.timeoutMs ?? 15_000, `${config.host}:${config.port}`);
  } catch (e) {
    await client.end().catch(() => undefined);
    return [explain(e as { code?: string; message: string }, config, options.environment)];
  }
  const results: CheckResult[] = [
    ok(AREA, `TLS login as ${config.user} to ${config.host}:${config.port}/${String(config.database)} works`),
  ];
  try {
    const ssl = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    if (ssl.rows[0]?.ssl !== true) results.push(fail(AREA, 'the session is not encrypted', 'require TLS on the server'));
    const max = Number((await client.query<{ max_connections: string }>('SHOW max_connections')).rows[0].max_connections);
    const used = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity')).rows[0].n);
    const free = max - used;
    if (max < 100)
      results.push(
        warn(
          AREA,
          `max_connections is ${max}; Materialize opens many connections`,
          'set postgres.maxConnections to at least 100 (200 on B1ms) and deploy',
        ),
      );
    else if (free < max * 0.2)
      results.push(warn(AREA, `${used} of ${max} connections in use`, 'raise postgres.maxConnections or find the leak'));
    else results.push(ok(AREA, `max_connections ${max}, ${used} in use`));
  } catch (e) {
    results.push(explain(e as { code?: string; message: string }, config, options.environment));
  } finally {
    await client.end().catch(() => undefined);
  }
  return results;
}

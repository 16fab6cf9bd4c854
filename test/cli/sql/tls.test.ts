import { CliError } from '../../../cli/errors';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions } from 'node:tls';
import { RecordedKube } from '../../../cli/kube';
import { caFile, mzSystemConfig } from '../../../cli/sql/session';
import { fetchCaCertificate } from '../../../cli/tls';
import { accessEndpoints } from '../../../model/endpoints';
import { env } from '../../helpers';

/**
 * TLS as clients will see it: a CA and a server certificate made the way cert-manager's CA issuer
 * makes them (openssl here), holding the endpoint's name only, since the CR takes no addresses.
 * mzops dials the load balancer's address and must verify for the name.
 */
let dir: string;
let ca: string;
let cert: string;
let key: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mz-tls-'));
  const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  o(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=materialize CA',
  );
  o(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'srv.key',
    '-out',
    'srv.csr',
    '-subj',
    '/CN=balancerd',
  );
  writeFileSync(
    join(dir, 'ext.cnf'),
    `subjectAltName=DNS:${accessEndpoints(env('example')).sql.host},DNS:materialize-sql.materialize-environment.svc.cluster.local\n`,
  );
  o(
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
  [ca, cert, key] = ['ca.crt', 'srv.crt', 'srv.key'].map((f) => readFileSync(join(dir, f), 'utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function handshake(options: ConnectionOptions): Promise<string> {
  const server = createServer({ cert, key }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<string>((resolve) => {
      const socket = connect({ ...options, host: '127.0.0.1', port }, () => resolve(socket.authorized ? 'verified' : 'unverified'));
      socket.on('error', (e) => resolve(`refused: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    });
  } finally {
    server.close();
  }
}

describe('mzops sql over TLS', () => {
  it('verifies the server for the endpoint name while dialing its address, against the instance CA', async () => {
    writeFileSync(join(dir, 'root.crt'), ca);
    const config = mzSystemConfig(env('example'), {
      host: '127.0.0.1',
      password: 'pw',
      root: dir,
      variables: { PGSSLROOTCERT: join(dir, 'root.crt') },
    });
    const ssl = config.ssl as ConnectionOptions;
    expect(ssl).toMatchObject({ rejectUnauthorized: true, servername: 'sql.mzexample.mz.internal' });
    expect(await handshake(ssl)).toBe('verified');
  });

  it('refuses a certificate for another name, or from another CA', async () => {
    expect(await handshake({ ca, rejectUnauthorized: true, servername: 'other.mzexample.mz.internal' })).toBe(
      'refused: ERR_TLS_CERT_ALTNAME_INVALID',
    );
    const other = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        '/dev/null',
        '-days',
        '1',
        '-subj',
        '/CN=other CA',
      ],
      { stdio: 'pipe' },
    ).toString();
    expect(await handshake({ ca: other, rejectUnauthorized: true, servername: 'sql.mzexample.mz.internal' })).toMatch(/^refused: /);
  });

  it('takes the template\'s empty MZ_SYSTEM_PASSWORD= for "use the generated one", which seal keeps in .mzops/', () => {
    const root = mkdtempSync(join(tmpdir(), 'mz-sql-pw-'));
    try {
      writeFileSync(join(root, 'ca.crt'), ca);
      const generated = join(root, '.mzops', 'example', 'mz_system_password');
      mkdirSync(join(root, '.mzops', 'example'), { recursive: true });
      writeFileSync(generated, 'generated-pw\n');
      const config = mzSystemConfig(env('example'), {
        host: 'h',
        root,
        variables: { MZ_SYSTEM_PASSWORD: '', PGSSLROOTCERT: join(root, 'ca.crt') },
      });
      expect(config.password).toBe('generated-pw');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('asks for the CA rather than connecting unverified', () => {
    expect(() => mzSystemConfig(env('example'), { host: 'h', password: 'pw', root: dir, variables: {} })).toThrow(
      /no CA certificate for environment "example"/,
    );
  });

  it("mzops ca stores the CA from cert-manager's secret where mzops sql looks for it", async () => {
    const kube = new RecordedKube({
      'secrets cert-manager materialize-ca -': {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'materialize-ca', namespace: 'cert-manager' },
        type: 'kubernetes.io/tls',
        data: { 'ca.crt': Buffer.from(ca).toString('base64'), 'tls.key': 'c2VjcmV0' },
      },
    });
    const file = await fetchCaCertificate(env('example'), kube, dir);
    expect(file).toBe(caFile('example', dir));
    expect(readFileSync(file, 'utf8')).toBe(ca);
    const config = mzSystemConfig(env('example'), { host: '127.0.0.1', password: 'pw', root: dir, variables: {} });
    expect(await handshake(config.ssl as ConnectionOptions)).toBe('verified');
  });

  it('mzops ca, before cert-manager issued the CA, points at the Certificate whose events say why', async () => {
    const secret = (data: Record<string, string>) =>
      new RecordedKube({
        'secrets cert-manager materialize-ca -': {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'materialize-ca', namespace: 'cert-manager' },
          data,
        },
      });
    const hintOf = (kube: RecordedKube) =>
      fetchCaCertificate(env('example'), kube, dir).then(
        () => '',
        (e: CliError) => `${e.message} | ${e.hint}`,
      );
    expect(await hintOf(secret({}))).toBe(
      'secret cert-manager/materialize-ca has no ca.crt | cert-manager has not issued the CA yet: kubectl --context mzexample-aks -n cert-manager describe certificate materialize-ca',
    );
    expect(await hintOf(secret({ 'ca.crt': Buffer.from('not a certificate').toString('base64') }))).toMatch(
      /is not a PEM certificate \| something other than cert-manager wrote the secret; .*describe certificate materialize-ca$/,
    );
    expect(await hintOf(new RecordedKube({}))).toMatch(
      /no secret cert-manager\/materialize-ca yet \| cert-manager creates it once Flux applies the instance layer/,
    );
  });
});

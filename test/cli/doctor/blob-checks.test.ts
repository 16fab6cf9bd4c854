import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBlob, containerUsage } from '../../../cli/doctor/blob-checks';
import { parsePersistUrl } from '../../../cli/backend-values';
import { testAzurite, type TestAzurite } from '../../support/azurite';

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await testAzurite();
  await azurite.createContainer('materialize-persist');
}, 60_000);
afterAll(() => azurite?.stop());

describe('doctor: Blob Storage against Azurite', () => {
  it('passes a full rwdlacup SAS with a put, get, list and delete probe, and leaves nothing behind', async () => {
    const url = azurite.persistUrl('materialize-persist');
    const results = await checkBlob(url, { environment: 'staging' });
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(results[2].detail).toMatch(/^put, get, list and delete under mzops-doctor\/[0-9a-f]{12} work$/);
    expect(await containerUsage(url)).toEqual({ count: 0, bytes: 0 });
  });

  it('fails an expired SAS', async () => {
    const results = await checkBlob(
      azurite.persistUrl('materialize-persist', {
        startsOn: new Date(Date.now() - 10 * 86_400_000),
        expiresOn: new Date(Date.now() - 86_400_000),
      }),
      { environment: 'staging' },
    );
    const r = results.find((x) => x.status === 'fail')!;
    expect(r.detail).toMatch(/^the SAS expired on /);
    expect(r.fix).toMatch(/mzops rotate-sas staging /);
  });

  it('warns when the SAS expires within 30 days', async () => {
    const results = await checkBlob(azurite.persistUrl('materialize-persist', { expiresOn: new Date(Date.now() + 10 * 86_400_000) }), {
      environment: 'staging',
    });
    expect(results.find((x) => x.status === 'warn')!.detail).toMatch(/the SAS expires in (9|10) days/);
  });

  it('fails a SAS without delete, and the server agrees', async () => {
    const url = azurite.persistUrl('materialize-persist', { permissions: 'rwlacup' });
    const results = await checkBlob(url, { environment: 'staging' });
    expect(results.find((x) => x.status === 'fail')!.detail).toBe('the SAS lacks delete permission (sp=rwlacup)');
  });

  it('fails a SAS without list', async () => {
    const results = await checkBlob(azurite.persistUrl('materialize-persist', { permissions: 'rwdacup' }), { environment: 'staging' });
    expect(results.find((x) => x.status === 'fail')!.detail).toBe('the SAS lacks list permission (sp=rwdacup)');
  });

  it('tells a SAS whose signature does not verify from one without permission, each with its own fix', async () => {
    const url = new URL(azurite.persistUrl('materialize-persist'));
    url.searchParams.set('sig', Buffer.from('not the signature').toString('base64'));
    const r = (await checkBlob(url.toString(), { environment: 'staging' })).find((x) => x.status === 'fail')!;
    expect(r.detail).toMatch(/refused \(AuthenticationFailed\): the SAS signature does not verify/);
    expect(r.fix).toBe('take persist_backend_url from the Terraform output again, or issue a new SAS: mzops rotate-sas staging');
  });

  it.each([
    [
      'the storage firewall',
      'AuthorizationFailure',
      'This request is not authorized to perform this operation.',
      /the storage firewall does not admit this machine/,
      /allowedClientRanges/,
    ],
    [
      'a missing permission',
      'AuthorizationPermissionMismatch',
      'This request is not authorized to perform this operation using this permission.',
      /the credential does not allow put/,
      /rwdlacup/,
    ],
    [
      'shared keys switched off',
      'KeyBasedAuthenticationNotPermitted',
      'Key based authentication is not permitted on this storage account.',
      /accepts no SAS signed with its key/,
      /workload identity/,
    ],
  ])(
    'tells %s from the other refusals, as Azure reports each (a loopback server answering as Azure does)',
    async (_what, code, message, detail, fix) => {
      // Azurite has no firewall and no shared-key switch; this server answers every request the way Blob Storage refuses one.
      const server = createServer((_req, res) => {
        res.writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': code });
        res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const sas = new URL(azurite.persistUrl('materialize-persist')).search;
        const r = (await checkBlob(`http://127.0.0.1:${port}/devstoreaccount1/materialize-persist${sas}`, { environment: 'staging' })).find(
          (x) => x.status === 'fail',
        )!;
        expect(r.detail).toMatch(detail);
        expect(r.fix).toMatch(fix);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );

  it('reports a missing container from the probe', async () => {
    const results = await checkBlob(azurite.persistUrl('no-such-container'), { environment: 'staging' });
    expect(results.find((x) => x.status === 'fail')!.detail).toMatch(/^put: container not found/);
  });

  it('parses persist URLs the way Materialize does', () => {
    expect(parsePersistUrl('https://acct.blob.core.windows.net/materialize-persist?sv=1&sig=x')).toMatchObject({
      account: 'acct',
      container: 'materialize-persist',
      emulator: false,
    });
    expect(parsePersistUrl('https://acct.blob.core.windows.net/materialize-persist')).toMatchObject({ sas: undefined });
    expect(parsePersistUrl('https://acct.blob.core.chinacloudapi.cn/c?sv=1')).toMatch(/only <account>.blob.core.windows.net/);
    expect(parsePersistUrl('https://acct.blob.core.windows.net/')).toBe('names no container (the first path segment)');
    expect(parsePersistUrl('http://acct.blob.core.windows.net/c')).toBe('uses http; Azure Blob Storage needs https');
    expect(parsePersistUrl('s3://bucket/x')).toMatch(/scheme s3/);
  });
});

describe('doctor: Blob Storage that accepts connections and never answers', () => {
  it('fails the probe within its deadline, the clean-up included', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const hole = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    const port = (hole.address() as { port: number }).port;
    try {
      const url = azurite.persistUrl('materialize-persist').replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`);
      const start = Date.now();
      const results = await checkBlob(url, { environment: 'staging', timeoutMs: 500 });
      const elapsed = Date.now() - start;
      expect(results.find((r) => r.status === 'fail')?.detail).toMatch(/put/);
      // The put's deadline and the clean-up's, with room for a slow machine; unbounded, this took minutes.
      expect(elapsed).toBeLessThan(4_000);
    } finally {
      for (const s of sockets) s.destroy();
      hole.close();
    }
  }, 20_000);

  it('says which probe blob it left when the storage stops answering after the put, and how to remove it', async () => {
    // A proxy to Azurite that forwards the probe's first request (the put) and then answers nothing.
    const target = new URL(azurite.persistUrl('materialize-persist'));
    let forwarded = 0;
    const held: import('node:http').ServerResponse[] = [];
    const proxy = createServer((req, res) => {
      if (forwarded++ > 0) return void held.push(res);
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (r: import('node:http').IncomingMessage) => {
          res.writeHead(r.statusCode ?? 500, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as AddressInfo).port;
    try {
      const url = azurite.persistUrl('materialize-persist').replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`);
      const results = await checkBlob(url, { environment: 'staging', timeoutMs: 500 });
      expect(results.find((r) => r.status === 'fail')?.detail).toMatch(/get/);
      const left = results.find((r) => r.status === 'warn' && /left the probe blob/.test(r.detail));
      expect(left?.detail).toMatch(/^left the probe blob (mzops-doctor\/[0-9a-f]{12}) in container materialize-persist/);
      const name = /(mzops-doctor\/[0-9a-f]{12})/.exec(left!.detail)![1];
      expect(left?.fix).toContain(`--name ${name}`);
      // It is there indeed; remove it so that the other tests see an empty container.
      const { ContainerClient } = await import('@azure/storage-blob');
      const direct = new ContainerClient(azurite.persistUrl('materialize-persist'));
      expect(await direct.getBlockBlobClient(name).exists()).toBe(true);
      await direct.getBlockBlobClient(name).delete();
    } finally {
      for (const r of held) r.destroy();
      proxy.close();
    }
  }, 20_000);
});

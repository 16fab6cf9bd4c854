import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { REPO_ROOT } from '../helpers';
import { freePort, waitForPort } from './ports';

// Azurite's documented development account; not a secret.
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Azurite, the Azure Storage emulator, on a free loopback port. */
export interface TestAzurite {
  readonly endpoint: string;
  /** The server's process and folder, for the reaper (undefined for a shared one). */
  readonly pid?: number;
  readonly dir?: string;
  createContainer(name: string): Promise<void>;
  /** A persist URL for the container with an account SAS like Terraform's, adjustable per test. */
  persistUrl(container: string, sas?: { permissions?: string; expiresOn?: Date; startsOn?: Date }): string;
  stop(): Promise<void>;
}

function handle(endpoint: string, stop: () => Promise<void>, own: { pid?: number; dir?: string } = {}): TestAzurite {
  const credential = new StorageSharedKeyCredential(ACCOUNT, KEY);
  const service = new BlobServiceClient(endpoint, credential);
  return {
    endpoint,
    ...own,
    async createContainer(name) {
      await service.getContainerClient(name).createIfNotExists();
    },
    persistUrl(container, sas = {}) {
      const query = generateAccountSASQueryParameters(
        {
          services: AccountSASServices.parse('b').toString(),
          resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
          permissions: AccountSASPermissions.parse(sas.permissions ?? 'rwdlacup'),
          startsOn: sas.startsOn ?? new Date(Date.now() - 5 * 60_000),
          expiresOn: sas.expiresOn ?? new Date(Date.now() + 180 * 86_400_000),
          protocol: SASProtocol.HttpsAndHttp,
        },
        credential,
      ).toString();
      return `${endpoint}/${container}?${query}`;
    },
    stop,
  };
}

/** The Azurite globalSetup started for the whole run, or a private one when a file runs alone. */
export async function testAzurite(): Promise<TestAzurite> {
  const shared = process.env.MZ_TEST_AZURITE;
  if (shared) return handle(shared, async () => undefined);
  return startAzurite();
}

export async function startAzurite(): Promise<TestAzurite> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mz-azurite-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js'),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--location',
      dir,
      '--silent',
      '--skipApiVersionCheck',
      '--loose',
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(port, 20_000);
  const endpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
  return handle(
    endpoint,
    async () => {
      // Azurite waits for idle keep-alive sockets on SIGTERM; a test server needs no grace.
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
    { pid: child.pid, dir },
  );
}

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { VARIABLES } from '../../model/variables';
import { provisionBinaries, RELEASES, ToolError, TOOL_VERSIONS, type ReleaseArchive } from '../../scripts/test-tools';

/**
 * Provisioning helm and kubectl where no npm package carries them (macOS, Linux arm64): the
 * projects' release archives, checked against their published digests. No download leaves this
 * machine here: a local server (or folder) stands in for get.helm.sh and dl.k8s.io, serving
 * archives made with tar, under the paths the real URLs have.
 */
const scratch = mkdtempSync(join(tmpdir(), 'mz-tools-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A tar.gz holding one executable script at `member` that prints `says`. */
function archive(member: string, says: string): Buffer {
  const dir = mkdtempSync(join(scratch, 'src-'));
  mkdirSync(join(dir, dirname(member)), { recursive: true });
  writeFileSync(join(dir, member), `#!/bin/sh\necho ${says}\n`);
  chmodSync(join(dir, member), 0o755);
  execFileSync('tar', ['-czf', join(dir, 'out.tar.gz'), '-C', dir, member]);
  return readFileSync(join(dir, 'out.tar.gz'));
}

const served = new Map<string, Buffer>();
let requests: string[] = [];
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const body = served.get(req.url!);
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const digest = (algorithm: 'sha256' | 'sha512', data: Buffer) => ({ algorithm, hex: createHash(algorithm).update(data).digest('hex') });

/** Release entries with the real URL shapes and members, and the digests of the archives made here. */
function releasesFor(target: string, helm: Buffer, kubectl: Buffer): Record<string, Record<'helm' | 'kubectl', ReleaseArchive>> {
  const real = RELEASES[target];
  return {
    [target]: { helm: { ...real.helm, digest: digest('sha256', helm) }, kubectl: { ...real.kubectl, digest: digest('sha512', kubectl) } },
  };
}

describe('the pinned release archives', () => {
  it('cover macOS on both architectures and Linux arm64, for the versions Linux x64 gets', () => {
    expect(Object.keys(RELEASES).sort()).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64']);
    for (const [target, { helm, kubectl }] of Object.entries(RELEASES)) {
      const [os, cpu] = target.split('-');
      const goArch = cpu === 'x64' ? 'amd64' : cpu;
      expect(helm.url).toBe(`https://get.helm.sh/helm-${TOOL_VERSIONS.helm}-${os}-${goArch}.tar.gz`);
      expect(helm.member).toBe(`${os}-${goArch}/helm`);
      expect(helm.digest.hex).toMatch(/^[0-9a-f]{64}$/);
      expect(kubectl.url).toBe(`https://dl.k8s.io/${TOOL_VERSIONS.kubectl}/kubernetes-client-${os}-${goArch}.tar.gz`);
      expect(kubectl.member).toBe('kubernetes/client/bin/kubectl');
      expect(kubectl.digest.hex).toMatch(/^[0-9a-f]{128}$/);
    }
  });
});

describe('provisioning from release archives', () => {
  beforeEach(() => {
    served.clear();
    requests = [];
  });

  it('downloads, checks the digest, unpacks the binary, and uses it from then on without a download', async () => {
    const helm = archive('darwin-arm64/helm', 'helm-from-archive');
    const kubectl = archive('kubernetes/client/bin/kubectl', 'kubectl-from-archive');
    served.set('/helm-v4.1.4-darwin-arm64.tar.gz', helm);
    served.set('/v1.35.2/kubernetes-client-darwin-arm64.tar.gz', kubectl);
    const root = mkdtempSync(join(scratch, 'repo-'));
    const options = { target: 'darwin-arm64', releases: releasesFor('darwin-arm64', helm, kubectl) };
    const env = { [VARIABLES.testToolsMirror.name]: base };
    const lines: string[] = [];
    const found = await provisionBinaries(root, env, (l) => lines.push(l), options);
    expect(spawnSync(found.helm, { encoding: 'utf8' }).stdout).toBe('helm-from-archive\n');
    expect(spawnSync(found.kubectl, { encoding: 'utf8' }).stdout).toBe('kubectl-from-archive\n');
    expect(found.helm.startsWith(join(root, '.tools'))).toBe(true);
    expect(lines).toEqual([
      `tools: downloading ${base}/helm-v4.1.4-darwin-arm64.tar.gz`,
      `tools: downloading ${base}/v1.35.2/kubernetes-client-darwin-arm64.tar.gz`,
    ]);
    // The second run checks what it unpacked, and downloads nothing.
    requests = [];
    expect(await provisionBinaries(root, env, () => undefined, options)).toEqual(found);
    expect(requests).toEqual([]);
    // A binary changed after it was unpacked is not used: it is fetched and checked again.
    writeFileSync(found.helm, '#!/bin/sh\necho tampered\n');
    await provisionBinaries(root, env, () => undefined, options);
    expect(requests).toEqual(['/helm-v4.1.4-darwin-arm64.tar.gz']);
    expect(spawnSync(found.helm, { encoding: 'utf8' }).stdout).toBe('helm-from-archive\n');
  });

  it('reads the archives from a folder laid out like the release URLs', async () => {
    const helm = archive('linux-arm64/helm', 'h');
    const kubectl = archive('kubernetes/client/bin/kubectl', 'k');
    const mirror = mkdtempSync(join(scratch, 'mirror-'));
    mkdirSync(join(mirror, 'v1.35.2'));
    writeFileSync(join(mirror, 'helm-v4.1.4-linux-arm64.tar.gz'), helm);
    writeFileSync(join(mirror, 'v1.35.2', 'kubernetes-client-linux-arm64.tar.gz'), kubectl);
    const root = mkdtempSync(join(scratch, 'repo-'));
    const found = await provisionBinaries(root, { [VARIABLES.testToolsMirror.name]: mirror }, () => undefined, {
      target: 'linux-arm64',
      releases: releasesFor('linux-arm64', helm, kubectl),
    });
    expect(spawnSync(found.kubectl, { encoding: 'utf8' }).stdout).toBe('k\n');
  });

  it('refuses an archive whose digest is not the published one, unpacking nothing, in one line that says what to do', async () => {
    const helm = archive('darwin-x64/helm', 'h');
    const kubectl = archive('kubernetes/client/bin/kubectl', 'k');
    served.set('/helm-v4.1.4-darwin-amd64.tar.gz', archive('darwin-x64/helm', 'something else'));
    served.set('/v1.35.2/kubernetes-client-darwin-amd64.tar.gz', kubectl);
    const root = mkdtempSync(join(scratch, 'repo-'));
    const attempt = provisionBinaries(root, { [VARIABLES.testToolsMirror.name]: base }, () => undefined, {
      target: 'darwin-x64',
      releases: releasesFor('darwin-x64', helm, kubectl),
    });
    await expect(attempt).rejects.toBeInstanceOf(ToolError);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toMatch(
      new RegExp(
        `^helm v4\\.1\\.4 for darwin-x64: ${base}/helm-v4\\.1\\.4-darwin-amd64\\.tar\\.gz does not have the published sha256 [0-9a-f]{64} \\(got [0-9a-f]{64}\\): not unpacked; set MZ_TOOLS_MIRROR to a mirror of it, or MZ_HELM=/path/to/helm$`,
      ),
    );
    // Checked before anything is written: not even the tools folder exists.
    expect(existsSync(join(root, '.tools'))).toBe(false);
  });

  it('names what is missing and how to supply it when the download fails', async () => {
    const root = mkdtempSync(join(scratch, 'repo-'));
    const attempt = provisionBinaries(root, { [VARIABLES.testToolsMirror.name]: base }, () => undefined, { target: 'darwin-arm64' });
    await expect(attempt).rejects.toThrow(
      `helm v4.1.4 for darwin-arm64: ${base}/helm-v4.1.4-darwin-arm64.tar.gz answered HTTP 404; set MZ_TOOLS_MIRROR to a mirror of it, or MZ_HELM=/path/to/helm`,
    );
    // A program given by its variable needs no download at all.
    const given = join(scratch, 'my-helm');
    writeFileSync(given, '#!/bin/sh\n');
    chmodSync(given, 0o755);
    const attempt2 = provisionBinaries(root, { MZ_HELM: given, MZ_KUBECTL: given }, () => undefined, { target: 'darwin-arm64' });
    await expect(attempt2).resolves.toEqual({ helm: given, kubectl: given });
    expect(existsSync(join(root, '.tools', 'bin'))).toBe(false);
  });
});

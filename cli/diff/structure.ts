import type { AttributeChange } from './model';

/** Keys whose values are secrets wherever they appear: shown as changed, never printed. */
const SENSITIVE_KEY = /(password|secret|private_key|token|connection_string|sas|key_data|client_key|encrypteddata)/i;
export const MASK = '(sensitive)';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Leaf-level differences between two JSON values, with paths like `a.b[0].c`. Lists are compared
 * item by item; a key under a sensitive name is compared but its values are masked.
 * `ignore` drops keys that carry no meaning for the running system (cdktf's `//` metadata).
 */
export function differences(
  before: unknown,
  after: unknown,
  ignore: ReadonlySet<string> = new Set(),
  path = '',
  sensitive = false,
): AttributeChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !ignore.has(k)).sort();
    return keys.flatMap((k) => differences(before[k], after[k], ignore, path ? `${path}.${k}` : k, sensitive || SENSITIVE_KEY.test(k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.every(isObject)) {
    return before.flatMap((b, i) => differences(b, after[i], ignore, `${path}[${i}]`, sensitive));
  }
  // A block that appears or goes whole is listed leaf by leaf, so its paths match the argument table.
  if (before === undefined && isObject(after)) return leaves(after, ignore, 'after', path, sensitive);
  if (after === undefined && isObject(before)) return leaves(before, ignore, 'before', path, sensitive);
  return [{ path, before: sensitive && before !== undefined ? MASK : before, after: sensitive && after !== undefined ? MASK : after }];
}

/** Every leaf of a value as an addition (or removal), for resources that appear or go whole. */
export function leaves(
  value: unknown,
  ignore: ReadonlySet<string>,
  side: 'before' | 'after',
  path = '',
  sensitive = false,
): AttributeChange[] {
  // An empty block (`monitor_metrics {}`) is itself the setting: its coming or going is a change.
  if (isObject(value) && Object.keys(value).length > 0) {
    return Object.keys(value)
      .filter((k) => !ignore.has(k))
      .sort()
      .flatMap((k) => leaves(value[k], ignore, side, path ? `${path}.${k}` : k, sensitive || SENSITIVE_KEY.test(k)));
  }
  const shown = sensitive ? MASK : value;
  return [{ path, before: side === 'before' ? shown : undefined, after: side === 'after' ? shown : undefined }];
}

/** A value at a dotted path (list indices as `[i]`), or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let v: unknown = root;
  for (const p of parts) {
    if (Array.isArray(v)) v = v[Number(p)];
    else if (isObject(v)) v = v[p];
    else return undefined;
  }
  return v;
}

/** A short, one-line rendering of a value for listings. */
export function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

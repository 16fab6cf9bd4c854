/**
 * A minimal strict-shape checker for the inputs we read (environment files, sealed files). It
 * replaces a schema library on the synth path, where loading one cost about as much as the whole
 * GitOps rendering; what it needs is little: strict objects, primitives, enums, arrays, records,
 * string patterns, and a static type to tie each schema to the documented interfaces.
 */
export type Issue =
  | { readonly code: 'unrecognized_keys'; readonly path: readonly (string | number)[]; readonly keys: string[]; readonly known: string[] }
  | { readonly code: 'invalid_type'; readonly path: readonly (string | number)[]; readonly expected: string }
  | { readonly code: 'invalid_value'; readonly path: readonly (string | number)[]; readonly values: readonly unknown[] }
  | { readonly code: 'custom'; readonly path: readonly (string | number)[]; readonly message: string };

export interface Shape<T> {
  /** Phantom: the value type this shape accepts. */
  readonly _type?: T;
  check(value: unknown, path: (string | number)[], issues: Issue[]): void;
}

export interface OptionalShape<T> extends Shape<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

type ObjectType<P extends Record<string, Shape<unknown>>> = {
  [K in keyof P as P[K] extends OptionalShape<unknown> ? never : K]: Infer<P[K]>;
} & {
  [K in keyof P as P[K] extends OptionalShape<unknown> ? K : never]?: Exclude<Infer<P[K]>, undefined>;
};

type Flatten<T> = { [K in keyof T]: T[K] };

/** `a string`, `an array`, `an object`: type names as a sentence reads them. */
export function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

const typeName = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

function primitive<T>(expected: string, test: (v: unknown) => boolean): Shape<T> {
  return { check: (v, path, issues) => void (test(v) || issues.push({ code: 'invalid_type', path: [...path], expected })) };
}

export const s = {
  string: (pattern?: RegExp, message?: string): Shape<string> => ({
    check(v, path, issues) {
      if (typeof v !== 'string') issues.push({ code: 'invalid_type', path: [...path], expected: 'string' });
      else if (pattern && !pattern.test(v)) issues.push({ code: 'custom', path: [...path], message: message ?? `must match ${pattern}` });
    },
  }),
  int: () => primitive<number>('number', (v) => typeof v === 'number' && Number.isInteger(v)),
  boolean: () => primitive<boolean>('boolean', (v) => typeof v === 'boolean'),
  enum: <const V extends readonly string[]>(values: V): Shape<V[number]> => ({
    check(v, path, issues) {
      if (!values.includes(v as string)) issues.push({ code: 'invalid_value', path: [...path], values });
    },
  }),
  literal: <const V extends string>(value: V): Shape<V> => ({
    check(v, path, issues) {
      if (v !== value) issues.push({ code: 'invalid_value', path: [...path], values: [value] });
    },
  }),
  array: <T>(element: Shape<T>): Shape<T[]> => ({
    check(v, path, issues) {
      if (!Array.isArray(v)) return void issues.push({ code: 'invalid_type', path: [...path], expected: 'array' });
      v.forEach((x, i) => element.check(x, [...path, i], issues));
    },
  }),
  record: <T>(value: Shape<T>): Shape<Record<string, T>> => ({
    check(v, path, issues) {
      if (typeName(v) !== 'object') return void issues.push({ code: 'invalid_type', path: [...path], expected: 'object' });
      for (const [k, x] of Object.entries(v as object)) value.check(x, [...path, k], issues);
    },
  }),
  /** Strict: a key the shape does not name is an issue, not silently dropped. */
  object: <P extends Record<string, Shape<unknown>>>(props: P): Shape<Flatten<ObjectType<P>>> & { readonly props: P } => ({
    props,
    check(v, path, issues) {
      if (typeName(v) !== 'object') return void issues.push({ code: 'invalid_type', path: [...path], expected: 'object' });
      const obj = v as Record<string, unknown>;
      const unknownKeys = Object.keys(obj).filter((k) => !(k in props));
      if (unknownKeys.length > 0) issues.push({ code: 'unrecognized_keys', path: [...path], keys: unknownKeys, known: Object.keys(props) });
      for (const [k, shape] of Object.entries(props)) {
        if (obj[k] === undefined && 'optional' in shape) continue;
        shape.check(obj[k], [...path, k], issues);
      }
    },
  }),
  optional: <T>(inner: Shape<T>): OptionalShape<T> => ({
    optional: true,
    check: (v, path, issues) => (v === undefined ? undefined : inner.check(v, path, issues)),
  }),
};

export function issuesOf(shape: Shape<unknown>, value: unknown): Issue[] {
  const issues: Issue[] = [];
  shape.check(value, [], issues);
  return issues;
}

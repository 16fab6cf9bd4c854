/**
 * A small strict-schema library for the inputs we read (environment files, sealed files, the mzops
 * state file). One declaration per field carries its type, its default, its rules and an example;
 * the JSDoc written on the declaration is what editors show, because the input type maps over the
 * declaration's own properties. A schema library on the synth path (zod 4 was measured) cost about
 * as much as rendering the whole GitOps tree; what we need is this little.
 *
 * A value goes through three passes: `check` (input types and unknown keys, nothing resolved yet),
 * `resolve` (defaults; a default may be a function of the object it sits in, its ancestors and the
 * root, evaluated in declaration order once every static default is in place), then `rules` (on
 * the resolved value, so that derived names are checked like written ones).
 */
export type Path = readonly (string | number)[];

export type Issue =
  | { readonly code: 'unrecognized_keys'; readonly path: Path; readonly keys: string[]; readonly known: string[] }
  | { readonly code: 'invalid_type'; readonly path: Path; readonly expected: string }
  | { readonly code: 'invalid_value'; readonly path: Path; readonly values: readonly unknown[] }
  | { readonly code: 'custom'; readonly path: Path; readonly message: string };

/** A broken rule of a resolved value: where, which rule, what was there, what would pass. */
export interface RuleProblem {
  readonly path: Path;
  readonly rule: string;
  readonly value: unknown;
  readonly example: string;
}

/** What a computed default can read. `ancestors` are the enclosing objects, outermost first, without `parent`. */
export interface ResolveContext {
  // The resolved tree is typed by the schema that is being declared, which cannot name itself here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly parent: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly ancestors: readonly any[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly root: any;
}

/** required: must be given; optional: may be absent; defaulted: absent means the default; computed: never given. */
export type Mode = 'required' | 'optional' | 'defaulted' | 'computed';

interface Rule<O> {
  readonly test: (value: O) => boolean;
  /** The rule, or a function of the value that says it (to suggest the nearest valid value). */
  readonly rule: string | ((value: O) => string);
}

type Kind =
  | { readonly type: 'string'; readonly pattern?: RegExp; readonly message?: string }
  | { readonly type: 'int' }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'array'; readonly element: AnyShape }
  | { readonly type: 'record'; readonly value: AnyShape }
  | { readonly type: 'object'; readonly props: Record<string, AnyShape> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyShape = Shape<any, any, Mode>;

/** Holds a computed default's place, so that the key keeps its declaration order in the output. */
const PENDING = Symbol('pending default');

export class Shape<I, O = I, M extends Mode = 'required'> {
  /** Phantom types: what the input accepts, what resolution yields, how the field may be absent. */
  declare readonly _in: I;
  declare readonly _out: O;
  declare readonly _mode: M;

  constructor(
    readonly kind: Kind,
    readonly mode: Mode = 'required',
    readonly rules: readonly Rule<O>[] = [],
    readonly exampleText?: string,
    readonly defaultValue?: O | ((context: ResolveContext) => O),
    readonly missingRule?: string,
  ) {}

  // The phantom types change with the mode; the value is the same kind of object.
  private with(changes: Partial<Pick<AnyShape, 'mode' | 'rules' | 'exampleText' | 'defaultValue' | 'missingRule'>>): never {
    const next = {
      mode: this.mode,
      rules: this.rules,
      exampleText: this.exampleText,
      defaultValue: this.defaultValue,
      missingRule: this.missingRule,
      ...changes,
    };
    return new Shape(this.kind, next.mode, next.rules, next.exampleText, next.defaultValue, next.missingRule) as never;
  }

  /** May be absent, and stays absent. */
  optional(): Shape<I, O, 'optional'> {
    return this.with({ mode: 'optional' });
  }

  /**
   * Absent means this value, resolved like a written one (its fields take their own defaults); a
   * function computes it from the resolved surroundings, after every static default and in
   * declaration order, so it may read fields declared before it and any static default.
   */
  default(value: O | ((context: ResolveContext) => O)): Shape<I, O, 'defaulted'> {
    return this.with({ mode: 'defaulted', defaultValue: value });
  }

  /** Absent means `{}`, each field then taking its own default: for sections that may be left out. */
  defaultEmpty(): Shape<I, O, 'defaulted'> {
    return this.with({ mode: 'defaulted', defaultValue: {} as O });
  }

  /** A value that would pass, as the user would write it: shown in every message about this field. */
  example(text: string): Shape<I, O, M> {
    return this.with({ exampleText: text });
  }

  /** What to say when a required field is missing. */
  required(rule: string): Shape<I, O, M> {
    return this.with({ missingRule: rule });
  }

  /** A rule on the resolved value; `rule` finishes the sentence "<field> ...". */
  rule(test: (value: O) => boolean, rule: string | ((value: O) => string)): Shape<I, O, M> {
    return this.with({ rules: [...this.rules, { test, rule }] });
  }

  /** A string rule. */
  pattern(re: RegExp, rule: string): Shape<I, O, M> {
    return this.rule((v) => typeof v === 'string' && re.test(v), rule);
  }

  /** A whole-number range. */
  range(min: number, max: number, rule = `must be a whole number from ${min} to ${max}`): Shape<I, O, M> {
    return this.rule((v) => typeof v === 'number' && v >= min && v <= max, rule);
  }

  /** One of a list (for values the type leaves open, such as a number). */
  oneOf(values: readonly O[], rule = `must be one of ${values.join(', ')}`): Shape<I, O, M> {
    return this.rule((v) => values.includes(v), rule);
  }

  /** Input types and unknown keys; nothing is resolved yet. */
  check(v: unknown, path: Path, issues: Issue[]): void {
    const k = this.kind;
    const expect = (expected: string) => issues.push({ code: 'invalid_type', path, expected });
    switch (k.type) {
      case 'string':
        if (typeof v !== 'string') return void expect('string');
        if (k.pattern && !k.pattern.test(v)) issues.push({ code: 'custom', path, message: k.message ?? `must match ${k.pattern}` });
        return;
      case 'int':
        return void (typeof v === 'number' && Number.isInteger(v) ? undefined : expect('whole number'));
      case 'boolean':
        return void (typeof v === 'boolean' ? undefined : expect('boolean'));
      case 'enum':
        return void (k.values.includes(v as string) ? undefined : issues.push({ code: 'invalid_value', path, values: k.values }));
      case 'array':
        if (!Array.isArray(v)) return void expect('array');
        return v.forEach((x, i) => k.element.check(x, [...path, i], issues));
      case 'record':
        if (typeName(v) !== 'object') return void expect('object');
        for (const [key, x] of Object.entries(v as object)) k.value.check(x, [...path, key], issues);
        return;
      case 'object': {
        if (typeName(v) !== 'object') return void expect('object');
        const obj = v as Record<string, unknown>;
        const known = Object.keys(k.props).filter((key) => k.props[key].mode !== 'computed');
        const unknownKeys = Object.keys(obj).filter((key) => !known.includes(key));
        if (unknownKeys.length > 0) issues.push({ code: 'unrecognized_keys', path, keys: unknownKeys, known });
        for (const key of known) {
          const field = k.props[key];
          if (obj[key] === undefined && field.mode !== 'required') continue;
          field.check(obj[key], [...path, key], issues);
        }
      }
    }
  }

  /** Applies every default: static ones at once, computed ones in declaration order after them. */
  resolve(input: I): O {
    const pending: (() => void)[] = [];
    const root = this.resolveStatic(input, [], pending);
    for (const fill of pending) fill();
    return root as O;
  }

  private resolveStatic(v: unknown, ancestors: readonly unknown[], pending: (() => void)[]): unknown {
    const k = this.kind;
    if (k.type === 'array') return (v as unknown[]).map((x) => (k.element as Shape<unknown>).resolveStatic(x, ancestors, pending));
    if (k.type === 'record') return { ...(v as object) };
    if (k.type !== 'object') return v;
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const inner = [...ancestors, out];
    for (const [key, field] of Object.entries(k.props)) {
      let value = field.mode === 'computed' ? undefined : input[key];
      if (value === undefined) {
        const d = field.defaultValue;
        if (typeof d === 'function') {
          out[key] = PENDING;
          pending.push(() => (out[key] = d({ parent: out, ancestors, root: inner[0] })));
          continue;
        }
        if (d === undefined && field.kind.type !== 'object') continue;
        if (d === undefined && field.mode === 'optional') continue;
        value = d === undefined ? {} : structuredClone(d);
      }
      out[key] = field.resolveStatic(value, inner, pending);
    }
    return out;
  }

  /** Every rule of the resolved value, field by field in declaration order. */
  ruleProblems(v: O, path: Path = [], problems: RuleProblem[] = []): RuleProblem[] {
    if (v === undefined) return problems;
    for (const r of this.rules)
      if (!r.test(v))
        problems.push({
          path,
          rule: typeof r.rule === 'function' ? r.rule(v) : r.rule,
          value: v,
          example: this.exampleText ?? '(see model/environment.ts)',
        });
    const k = this.kind;
    if (k.type === 'array') (v as unknown[]).forEach((x, i) => k.element.ruleProblems(x, [...path, i], problems));
    if (k.type === 'record') for (const [key, x] of Object.entries(v as object)) k.value.ruleProblems(x, [...path, key], problems);
    if (k.type === 'object')
      for (const [key, field] of Object.entries(k.props)) field.ruleProblems((v as Record<string, unknown>)[key], [...path, key], problems);
    return problems;
  }

  /** The field at a path of property names (array indexes skipped): for messages about it. */
  at(path: Path): AnyShape | undefined {
    return path.reduce<AnyShape | undefined>((shape, key) => {
      const k = shape?.kind;
      if (typeof key === 'number') return k?.type === 'array' ? k.element : shape;
      return k?.type === 'object' ? k.props[key] : k?.type === 'record' ? k.value : undefined;
    }, this);
  }
}

type In<S> = S extends { readonly _in: infer I } ? I : never;
type Out<S> = S extends { readonly _out: infer O } ? O : never;
type ModeOf<S> = S extends { readonly _mode: infer M } ? M : never;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The type a user writes: required fields required, optional and defaulted ones optional, computed ones absent. */
export type InputOf<P> = Flatten<
  { [K in keyof P as ModeOf<P[K]> extends 'required' ? K : never]: In<P[K]> } & {
    [K in keyof P as ModeOf<P[K]> extends 'optional' | 'defaulted' ? K : never]?: Exclude<In<P[K]>, undefined>;
  }
>;

/** The type resolution yields: everything present but what is optional without a default. */
export type OutputOf<P> = Flatten<
  { [K in keyof P as ModeOf<P[K]> extends 'optional' ? never : K]: Out<P[K]> } & {
    [K in keyof P as ModeOf<P[K]> extends 'optional' ? K : never]?: Out<P[K]>;
  }
>;

export type Infer<S> = In<S>;
export type Resolved<S> = Out<S>;

/** `a string`, `an array`, `an object`: type names as a sentence reads them. */
export function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

const typeName = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

export const s = {
  string: (pattern?: RegExp, message?: string) => new Shape<string>({ type: 'string', pattern, message }),
  int: () => new Shape<number>({ type: 'int' }),
  boolean: () => new Shape<boolean>({ type: 'boolean' }),
  enum: <const V extends readonly string[]>(values: V) => new Shape<V[number]>({ type: 'enum', values }),
  literal: <const V extends string>(value: V) => new Shape<V>({ type: 'enum', values: [value] }),
  array: <E extends AnyShape>(element: E) => new Shape<In<E>[], Out<E>[]>({ type: 'array', element }),
  record: <E extends AnyShape>(value: E) => new Shape<Record<string, In<E>>, Record<string, Out<E>>>({ type: 'record', value }),
  /** Strict: a key the shape does not name is an issue, not silently dropped. */
  object: <P extends Record<string, AnyShape>>(props: P) => new Shape<InputOf<P>, OutputOf<P>>({ type: 'object', props }),
  optional: <I, O>(inner: Shape<I, O, Mode>) => inner.optional(),
  /** Never written by the user: computed from the resolved surroundings (a derived name, a switch). */
  computed: <O>(compute: (context: ResolveContext) => O) =>
    new Shape<never, O, 'computed'>({ type: 'boolean' }, 'computed', [], undefined, compute),
};

export function issuesOf(shape: AnyShape, value: unknown): Issue[] {
  const issues: Issue[] = [];
  shape.check(value, [], issues);
  return issues;
}

/**
 * SQL quoting for Materialize (PostgreSQL rules, standard_conforming_strings on): no shell,
 * no templating. The predecessor piped SQL through envsubst, which turned
 * '$ConnectionString' into ''.
 */

const SIMPLE_IDENT = /^[a-z_][a-z0-9_]*$/;
// Words that must be quoted even when simple: a conservative subset of SQL reserved words.
const RESERVED = new Set([
  'all',
  'and',
  'any',
  'as',
  'asc',
  'between',
  'by',
  'case',
  'cast',
  'check',
  'collate',
  'column',
  'constraint',
  'create',
  'cross',
  'current_date',
  'current_role',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'full',
  'grant',
  'group',
  'having',
  'in',
  'inner',
  'intersect',
  'into',
  'is',
  'join',
  'left',
  'like',
  'limit',
  'natural',
  'not',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'outer',
  'primary',
  'references',
  'right',
  'select',
  'session_user',
  'some',
  'table',
  'then',
  'to',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'when',
  'where',
  'window',
  'with',
]);

function refuseNul(value: string, what: string): void {
  if (value.includes('\0')) throw new Error(`${what} contains a NUL character, which SQL text cannot carry`);
}

/** A string literal: single quotes doubled; backslashes, `$`, semicolons and newlines kept as they are. */
export function quoteLiteral(value: string): string {
  refuseNul(value, 'a string literal');
  return `'${value.replace(/'/g, "''")}'`;
}

/** An identifier, quoted only when it has to be (so generated SQL reads like the seed's). */
export function quoteIdent(name: string): string {
  refuseNul(name, 'an identifier');
  if (name.length === 0) throw new Error('an identifier cannot be empty');
  return SIMPLE_IDENT.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A SQL text together with the same text where every secret value reads '<redacted>'. */
export class Sql {
  private constructor(
    readonly text: string,
    readonly masked: string,
    /** The secret values inside `text`, so that error messages can be scrubbed of them too. */
    readonly secrets: readonly string[] = [],
  ) {}

  static raw(text: string): Sql {
    return new Sql(text, text);
  }

  static of(text: string, masked: string, secrets: readonly string[] = []): Sql {
    return new Sql(text, masked, secrets);
  }

  static literal(value: string): Sql {
    return Sql.raw(quoteLiteral(value));
  }

  static ident(name: string): Sql {
    return Sql.raw(quoteIdent(name));
  }

  /** A secret literal: real in `text`, redacted in `masked`. */
  static secret(value: string): Sql {
    return new Sql(quoteLiteral(value), "'<redacted>'", [value]);
  }

  static join(parts: Sql[], separator: string): Sql {
    return new Sql(
      parts.map((p) => p.text).join(separator),
      parts.map((p) => p.masked).join(separator),
      parts.flatMap((p) => p.secrets),
    );
  }

  /** Replaces every secret value (and its quoted form) in a text, e.g. a server error message. */
  scrub(message: string): string {
    let out = message;
    for (const secret of this.secrets) {
      for (const form of [quoteLiteral(secret), secret]) out = out.split(form).join('<redacted>');
    }
    return out;
  }
}

/** Template tag: interpolated strings are literals unless wrapped in Sql. */
export function sql(strings: TemplateStringsArray, ...values: (Sql | string | number)[]): Sql {
  let text = strings[0];
  let masked = strings[0];
  const secrets: string[] = [];
  values.forEach((v, i) => {
    const part = v instanceof Sql ? v : typeof v === 'number' ? Sql.raw(String(v)) : Sql.literal(v);
    text += part.text + strings[i + 1];
    masked += part.masked + strings[i + 1];
    secrets.push(...part.secrets);
  });
  return Sql.of(text, masked, secrets);
}

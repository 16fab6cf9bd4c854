import { ENVIRONMENT_SCHEMA, type Environment } from './environment';
import { nearestKey } from './nearest';
import { article, issuesOf, type Path } from './shape';

/** One problem with a definition: where, what rule, what was there, what would pass. */
export interface FieldProblem {
  /** The field's path, as a user writes it: `aks.systemPool.vmSize`, `eventHubs.topics[0].name`. */
  readonly field: string;
  readonly rule: string;
  readonly value: unknown;
  readonly example: string;
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
}

function formatPath(path: Path): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** A value of each type, for a field that declares no example of its own. */
const EXAMPLE_OF: Record<string, string> = { string: '"text"', 'whole number': '1', boolean: 'true', array: '[]', object: '{}' };

/** Every shape problem of a definition (nothing is resolved or defaulted yet), or none. */
export function shapeProblems(definition: unknown): FieldProblem[] {
  return issuesOf(ENVIRONMENT_SCHEMA, definition).flatMap((issue): FieldProblem[] => {
    const path = issue.path;
    const field = ENVIRONMENT_SCHEMA.at(path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const near = nearestKey(key, issue.known);
        return {
          field: formatPath([...path, key]),
          rule: `is not a field of ${formatPath(path) || 'the environment'}${near ? `: did you mean "${near}"?` : ` (known: ${issue.known.join(', ')})`}`,
          value: valueAt(definition, [...path, key]),
          example: near ? `${near}: ...` : `one of ${issue.known.slice(0, 4).join(', ')}`,
        };
      });
    }
    const value = valueAt(definition, path);
    if (issue.code === 'invalid_type') {
      const example = field?.exampleText ?? EXAMPLE_OF[issue.expected] ?? issue.expected;
      if (value === undefined) {
        return [{ field: formatPath(path), rule: field?.missingRule ?? `is required (${article(issue.expected)})`, value, example }];
      }
      // NaN and Infinity are numbers to typeof: "must be a number, not a number" told the user nothing.
      const got =
        typeof value === 'number'
          ? Number.isNaN(value)
            ? 'NaN'
            : !Number.isFinite(value)
              ? String(value)
              : 'a fraction'
          : article(Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
      return [{ field: formatPath(path), rule: `must be ${article(issue.expected)}, not ${got}`, value, example }];
    }
    if (issue.code === 'invalid_value') {
      const options = issue.values.map((v) => JSON.stringify(v));
      return [{ field: formatPath(path), rule: `must be one of ${options.join(', ')}`, value, example: options[0] }];
    }
    return [{ field: formatPath(path), rule: issue.message, value, example: field?.exampleText ?? '(see model/environment.ts)' }];
  });
}

/** Every rule a field declares, checked on the resolved environment (derived names included). */
export function fieldRuleProblems(env: Environment): FieldProblem[] {
  return ENVIRONMENT_SCHEMA.ruleProblems(env).map((p) => ({ ...p, field: formatPath(p.path) }));
}

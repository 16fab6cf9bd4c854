import type { AttributeChange, TerraformAction } from './model';
import { replacementOf } from './replacement';
import { differences, leaves } from './structure';

/** The part of a cdktf stack (cdk.tf.json) the comparison reads. */
export interface TerraformStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

export interface TerraformChange {
  readonly action: TerraformAction;
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly attributes: AttributeChange[];
  readonly replacement?: { reasons: string[]; source: string };
  /** Argument paths that cycle a node pool (new nodes, same resource). */
  readonly rotate: string[];
}

/** cdktf's per-resource metadata (construct path): no meaning for Azure. */
const IGNORED = new Set(['//']);

/** References `${type.name.attr}` in a value, as resource addresses. */
function references(value: unknown): string[] {
  const text = JSON.stringify(value) ?? '';
  return [...text.matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./g)].map((m) => m[1]);
}

/**
 * What Terraform will do to each resource, from the two rendered stacks alone: created, destroyed,
 * updated in place, or replaced, by the replacement table, and transitively: a resource whose
 * replacing argument refers to a replaced (or re-created) resource is replaced too, because the
 * referenced id changes. A resource whose address changed (a construct renamed) is destroyed and
 * created: the stack declares no `moved` blocks.
 */
export function compareStacks(base: TerraformStack | undefined, head: TerraformStack | undefined): TerraformChange[] {
  const before = base?.resource ?? {};
  const after = head?.resource ?? {};
  const changes = new Map<string, TerraformChange>();
  const types = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const type of types) {
    const names = [...new Set([...Object.keys(before[type] ?? {}), ...Object.keys(after[type] ?? {})])].sort();
    for (const name of names) {
      const b = before[type]?.[name];
      const a = after[type]?.[name];
      const address = `${type}.${name}`;
      if (b && !a)
        changes.set(address, { action: 'destroy', type, name, address, before: b, attributes: leaves(b, IGNORED, 'before'), rotate: [] });
      else if (a && !b)
        changes.set(address, { action: 'create', type, name, address, after: a, attributes: leaves(a, IGNORED, 'after'), rotate: [] });
      else if (a && b) {
        const attributes = differences(withoutLifecycleNoise(b), withoutLifecycleNoise(a), IGNORED);
        if (attributes.length === 0) continue;
        const verdict = replacementOf(
          type,
          attributes.filter((c) => !c.path.startsWith('lifecycle')),
        );
        changes.set(address, {
          action: verdict.replace.length ? 'replace' : 'update',
          type,
          name,
          address,
          before: b,
          after: a,
          attributes,
          replacement: verdict.replace.length ? { reasons: verdict.replace, source: verdict.source } : undefined,
          rotate: verdict.rotate,
        });
      }
    }
  }
  propagate(changes, after);
  return [...changes.values()];
}

/** `lifecycle` is compared like any argument, but its absence equals an empty block. */
function withoutLifecycleNoise(attrs: Record<string, unknown>): Record<string, unknown> {
  const { lifecycle, ...rest } = attrs;
  const l = lifecycle as Record<string, unknown> | undefined;
  return l && Object.keys(l).length ? { ...rest, lifecycle: l } : rest;
}

function propagate(changes: Map<string, TerraformChange>, after: NonNullable<TerraformStack['resource']>): void {
  const renewed = (address: string) => {
    const c = changes.get(address);
    return c?.action === 'replace' || c?.action === 'create';
  };
  for (let grew = true; grew;) {
    grew = false;
    for (const [type, resources] of Object.entries(after)) {
      for (const [name, attrs] of Object.entries(resources)) {
        const address = `${type}.${name}`;
        const current = changes.get(address);
        if (current && current.action !== 'update') continue;
        // Which of its replacing arguments point at something that gets a new id?
        const reasons: string[] = [];
        for (const [arg, value] of Object.entries(attrs)) {
          if (arg === '//' || arg === 'lifecycle') continue;
          const targets = references(value).filter(renewed);
          if (targets.length === 0) continue;
          const verdict = replacementOf(type, [{ path: arg, before: undefined, after: value }]);
          if (verdict.replace.length)
            reasons.push(`${arg} refers to ${targets.join(', ')}, which ${targets.length > 1 ? 'get' : 'gets'} a new id`);
        }
        if (reasons.length === 0) continue;
        const source = replacementOf(type, []).source;
        changes.set(address, {
          action: 'replace',
          type,
          name,
          address,
          before: current?.before ?? attrs,
          after: attrs,
          attributes: current?.attributes ?? [],
          replacement: { reasons: [...(current?.replacement?.reasons ?? []), ...reasons], source },
          rotate: current?.rotate ?? [],
        });
        grew = true;
      }
    }
  }
}

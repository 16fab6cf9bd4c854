import { existsSync, readFileSync } from 'node:fs';
import { stackFile, workspace } from '../core/workspace';
import { CliError } from './errors';

/** The parts of a synthesized `cdk.tf.json` the operations read. */
export interface StackJson {
  readonly provider?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
}

/** The environment's synthesized stack, if it has been synthesized. */
export function readStackIfAny(root: string, environment: string): StackJson | undefined {
  const path = stackFile(workspace(root), environment);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as StackJson) : undefined;
}

/** The environment's synthesized stack; refuses when there is none yet. */
export function readStack(root: string, environment: string): StackJson {
  const stack = readStackIfAny(root, environment);
  if (!stack) throw new CliError(`no synthesized stack for "${environment}"`, 'run npm run synth first');
  return stack;
}

/** Every string inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/**
 * Terraform addresses of the stack's resources that a provider block is configured from (the AKS
 * cluster, whose credentials configure the kubernetes provider), sorted.
 *
 * A provider configured from a resource of its own stack gets unknown values in any plan that
 * creates or replaces that resource, and the kubernetes provider then falls back to an empty
 * client configuration: localhost (hashicorp/terraform-provider-kubernetes kubernetes/provider.go,
 * providerConfigure: "provider operations will fail or attempt to connect to localhost
 * endpoints"), so reading the sealing key fails. Applying these resources alone first makes their
 * attributes known to the full plan: azurerm marks no kube_config attribute unknown on an in-place
 * update (its kubernetes_cluster CustomizeDiff sets only oidc_issuer_url new-computed).
 */
export function providerConfigurationSources(stack: StackJson): string[] {
  const found = new Set<string>();
  for (const expression of strings(stack.provider ?? {})) {
    for (const [, inner] of expression.matchAll(/\$\{([^}]*)\}/g)) {
      for (const [, type, name] of inner.matchAll(/(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) {
        if (stack.resource?.[type]?.[name] !== undefined) found.add(`${type}.${name}`);
      }
    }
  }
  return [...found].sort();
}

/** Addresses (`type.name`, `data.type.name`) that the `${...}` expressions in `value` refer to. */
function references(stack: StackJson, value: unknown): Set<string> {
  const found = new Set<string>();
  for (const expression of strings(value)) {
    for (const [, inner] of expression.matchAll(/\$\{([^}]*)\}/g)) {
      for (const [, data, type, name] of inner.matchAll(/(?<![\w.])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) {
        if (data && stack.data?.[type]?.[name] !== undefined) found.add(`data.${type}.${name}`);
        else if (!data && stack.resource?.[type]?.[name] !== undefined) found.add(`${type}.${name}`);
      }
    }
  }
  return found;
}

/**
 * `address` and every resource or data source of the stack that refers to it, directly or
 * through others, sorted: what a targeted apply of `address` must also target to carry a new
 * value through (the SAS data source after a new rotation clock). Root outputs need no target:
 * Terraform updates an output whose resources are all in a targeted apply (terraform
 * transform_targets.go, "New target transformer", hashicorp/terraform#25373).
 */
export function dependentsOf(stack: StackJson, address: string): string[] {
  const blocks: [string, unknown][] = [
    ...Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, v]): [string, unknown] => [`${type}.${name}`, v]),
    ),
    ...Object.entries(stack.data ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, v]): [string, unknown] => [`data.${type}.${name}`, v]),
    ),
  ];
  const refersTo = new Map(blocks.map(([a, v]) => [a, references(stack, v)]));
  const found = new Set([address]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [a, refs] of refersTo) {
      if (!found.has(a) && [...refs].some((r) => found.has(r))) {
        found.add(a);
        grew = true;
      }
    }
  }
  return [...found].sort();
}

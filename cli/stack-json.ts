import { existsSync, readFileSync } from 'node:fs';
import { stackFile, workspace } from '../core/workspace';
import { CliError } from './errors';

/** The parts of a synthesized `cdk.tf.json` the operations read. */
export interface StackJson {
  readonly provider?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, unknown>>;
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

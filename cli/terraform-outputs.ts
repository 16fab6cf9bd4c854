import { runSync } from './runner';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackDir, workspace } from '../core/workspace';
import { CliError } from './errors';
import { stateDir } from './workspace';

/** Terraform outputs of one environment's stack, by output name. */
export type StackOutputs = Record<string, string | undefined>;

export function outputsFile(environment: string, root?: string): string {
  return join(stateDir(environment, root), 'outputs.json');
}

/**
 * Reads outputs from the file `mzops deploy` asks cdktf to write (sensitive ones included,
 * kept in .mzops/, never committed), or else from `terraform output -json` in the stack folder.
 */
export function readStackOutputs(environment: string, options: { file?: string; root?: string } = {}): StackOutputs {
  const file = options.file ?? outputsFile(environment, options.root);
  if (existsSync(file)) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new CliError(
        `${file} is not valid JSON (${(e as Error).message.split('\n')[0]})`,
        `delete it and run mzops deploy ${environment} (or terraform output -json > ${file})`,
      );
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new CliError(`${file} holds no Terraform outputs`, `delete it and run mzops deploy ${environment}`);
    const stack = (parsed[environment] && typeof parsed[environment] === 'object' ? parsed[environment] : parsed) as Record<
      string,
      unknown
    >;
    // Both shapes: cdktf's flat {name: value} and terraform output -json's {name: {value, type, sensitive}}.
    const isTerraformShape = Object.values(stack).some(
      (v) => v && typeof v === 'object' && 'value' in (v as object) && 'type' in (v as object),
    );
    if (isTerraformShape) return flattenTerraformOutputs(stack as Record<string, { value: unknown }>);
    return Object.fromEntries(
      Object.entries(stack).map(([k, v]) => [k, typeof v === 'string' ? v : v === undefined ? undefined : JSON.stringify(v)]),
    );
  }
  const dir = stackDir(workspace(options.root ?? process.cwd()), environment);
  const r = runSync('terraform', [`-chdir=${dir}`, 'output', '-json'], { timeoutMs: 120_000 });
  if (r.status !== 0) {
    throw new Error(
      `no Terraform outputs for "${environment}": neither ${file} nor \`terraform output\` in ${dir} (deploy first: mzops deploy ${environment})`,
    );
  }
  return flattenTerraformOutputs(JSON.parse(r.stdout) as Record<string, { value: unknown }>);
}

/** `terraform output -json` gives `{name: {value, type, sensitive}}`; mzops keeps cdktf's flat `{name: value}`. */
export function flattenTerraformOutputs(parsed: Record<string, { value: unknown }>): StackOutputs {
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v.value === 'string' ? v.value : JSON.stringify(v.value)]));
}

/**
 * Outputs, none (nothing deployed yet: no file, and no `terraform output`), or the problem with a file
 * that is there but corrupt, for commands that go on without outputs and must not mistake a
 * truncated or `null` file for "deploy first".
 */
export function readStackOutputsChecked(
  environment: string,
  options: { file?: string; root?: string } = {},
): { outputs?: StackOutputs; problem?: CliError } {
  const file = options.file ?? outputsFile(environment, options.root);
  try {
    return { outputs: readStackOutputs(environment, options) };
  } catch (e) {
    if (existsSync(file) && e instanceof CliError) return { problem: e };
    return {};
  }
}

/** Outputs when they can be read, else none: for commands that work (less) before a deploy. */
export function readStackOutputsIfAny(environment: string, options: { file?: string; root?: string } = {}): StackOutputs | undefined {
  try {
    return readStackOutputs(environment, options);
  } catch {
    return undefined;
  }
}

import { Testing } from 'cdktf';
import { withCheapStackTraces } from '../../core/fast-start';
import { localStatePath, workspace } from '../../core/workspace';
import { MaterializeStack } from '../../infra/materialize-stack';
import type { Environment } from '../../model/environment';
import { env } from '../helpers';

const cache = new Map<string, { stack: MaterializeStack; json: string; parsed: TerraformJson }>();

export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string; sensitive?: boolean }>;
  variable?: Record<string, { sensitive?: boolean }>;
  terraform: Record<string, unknown>;
  provider: Record<string, unknown[]>;
}

/**
 * A stack built and synthesized as `npm run synth` does it: without the stack trace cdktf records
 * for every token (core/fast-start.ts, trick 2). Under jest each trace is also source-mapped, which
 * was 8 s of the suite's CPU time.
 */
export function synthStack(e: Environment, statePath = 'state.tfstate'): { stack: MaterializeStack; json: string } {
  return withCheapStackTraces(() => {
    const stack = new MaterializeStack(Testing.app(), e, { localStatePath: statePath });
    return { stack, json: Testing.synth(stack) };
  });
}

/** synthStack's Terraform JSON, parsed. */
export function stackJson(e: Environment, statePath?: string): TerraformJson {
  return JSON.parse(synthStack(e, statePath).json) as TerraformJson;
}

/** One synth per environment per test file: synth is the slow part. */
export function synthesized(name: string) {
  let hit = cache.get(name);
  if (!hit) {
    const { stack, json } = synthStack(env(name), localStatePath(workspace(), name));
    hit = { stack, json, parsed: JSON.parse(json) as TerraformJson };
    cache.set(name, hit);
  }
  return hit;
}

/** The single resource of a type (fails loudly when there is not exactly one). */
export function only(json: TerraformJson, type: string): Record<string, unknown> {
  const all = Object.values(json.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

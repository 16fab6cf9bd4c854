import { Testing } from 'cdktf';
import { localStatePath, workspace } from '../../core/workspace';
import { MaterializeStack } from '../../infra/materialize-stack';
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

/** One synth per environment per test file: synth is the slow part. */
export function synthesized(name: string) {
  let hit = cache.get(name);
  if (!hit) {
    const app = Testing.app();
    const stack = new MaterializeStack(app, env(name), { localStatePath: localStatePath(workspace(), name) });
    const json = Testing.synth(stack);
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

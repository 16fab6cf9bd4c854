import { App } from 'cdktf';
import type { Environment } from '../model/environment';
import { MaterializeStack } from './materialize-stack';

/** Synthesizes one stack per environment into `outdir`. */
export function synthInfra(envs: Environment[], outdir: string): MaterializeStack[] {
  const app = new App({ outdir });
  const stacks = envs.map((env) => new MaterializeStack(app, env));
  app.synth();
  return stacks;
}

import { App } from 'cdktf';
import { withCheapStackTraces } from '../core/fast-start';
import type { Environment } from '../model/environment';
import { MaterializeStack } from './materialize-stack';

export interface SynthInfraContext {
  /** The local backend's state path for an environment, relative to its stack folder. */
  readonly localStatePath: (env: Environment) => string;
}

/**
 * Synthesizes one stack per environment into `outdir` (cdktf's layout). The cdktf CLI sets
 * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS for the apps it runs, which makes every stack
 * ignore error annotations, our policy rules among them; unset here, a violation always fails.
 */
export function synthInfra(envs: readonly Environment[], outdir: string, context: SynthInfraContext): MaterializeStack[] {
  delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  // Stack traces are neither captured nor formatted while cdktf synthesizes (core/fast-start.ts, trick 2).
  return withCheapStackTraces(() => {
    const app = new App({ outdir, stackTraces: process.sourceMapsEnabled });
    const stacks = envs.map((env) => new MaterializeStack(app, env, { localStatePath: context.localStatePath(env) }));
    app.synth();
    return stacks;
  });
}

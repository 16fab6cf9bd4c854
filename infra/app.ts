import { App } from 'cdktf';
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
  // cdktf records a full stack trace for every token it creates, to say where an unresolvable one
  // came from; formatting them took a tenth of a synth (profiled: 345 ms of 4.4 s for 20
  // environments). The traces are for debugging cdktf itself: they stay on with
  // --enable-source-maps, as source maps do (core/fast-start.ts).
  // Formatting was not all: each capture walks every frame (cdktf lifts Error.stackTraceLimit to
  // MAX_SAFE_INTEGER first), about 5 ms per environment. Its explicit captures (tokens, lazies,
  // dynamic blocks) are skipped too, and leave the empty trace they would have formatted to.
  const debugging = process.sourceMapsEnabled;
  const prepare = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  if (!debugging) {
    Error.prepareStackTrace = () => '';
    Error.captureStackTrace = () => undefined;
  }
  try {
    const app = new App({ outdir, stackTraces: debugging });
    const stacks = envs.map((env) => new MaterializeStack(app, env, { localStatePath: context.localStatePath(env) }));
    app.synth();
    return stacks;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.captureStackTrace = capture;
  }
}

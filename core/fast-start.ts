/**
 * Every trick this project plays to start and synthesize faster, in one place, each with what it
 * saves (measured with `npm run bench` and Node's profiler on the machine the README's Performance
 * table names). Nothing else in the tree patches globals.
 *
 * 1. Source maps off (this module's import side effect; every entry point imports it first). With
 *    source maps on, Node parses the inline map of every module it loads (cdktf and the providers
 *    ship large ones): about a tenth of a synth. tsx switched them on for the whole process, and a
 *    NODE_OPTIONS set for another tool can too. Entry points show no stack traces for user
 *    mistakes, so maps stay off unless asked for (`node --enable-source-maps`, or NODE_OPTIONS).
 * 2. No stack traces while cdktf synthesizes (`withCheapStackTraces`, used by infra/app.ts). cdktf
 *    records a full trace for every token it creates, to say where an unresolvable one came from:
 *    formatting them took 345 ms of a 4.4 s synth of 20 environments, and each capture walks every
 *    frame (cdktf lifts Error.stackTraceLimit to MAX_SAFE_INTEGER first), about 5 ms per environment.
 *    The traces are for debugging cdktf itself: with source maps on (1) they are kept.
 * 3. Elsewhere, not globals, named here so this list is whole: rendered objects handed to the checks
 *    beside their YAML (`RENDERED_OBJECTS`, manifests/render.ts: re-parsing our own YAML was a tenth
 *    of a synth); the Kubernetes bindings imported as types only (manifests/kube.ts: loading the
 *    1.7 MB imports/k8s.ts cost every synth tens of milliseconds); command modules loaded when their
 *    command runs (cli/commands/catalog.ts: `mzops --help` 0.37 s -> 0.09 s).
 */
const wanted = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
if (!wanted) process.setSourceMapsEnabled(false);

/** Runs `fn` with stack traces neither captured nor formatted, unless source maps are on (trick 2 above). */
export function withCheapStackTraces<T>(fn: () => T): T {
  if (process.sourceMapsEnabled) return fn();
  const prepare = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  Error.prepareStackTrace = () => '';
  // cdktf's explicit captures (tokens, lazies, dynamic blocks) leave the empty trace they would have formatted to.
  Error.captureStackTrace = () => undefined;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = prepare;
    Error.captureStackTrace = capture;
  }
}

import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { readOptions } from './read-options';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const status = (): typeof import('../status') => require('../status');

export function register(program: Command, ctx: CliContext): void {
  readOptions(
    program.command('status').description(describe('status')).argument('<environment>'),
    'one JSON document (schema mzops.status/v1) instead of the text report',
  ).action(
    ctx.action(async (name: string, opts: { outputs?: string; kubeconfig?: string; json?: boolean }) => {
      const env = ctx.environment(name);
      const outputs = ctx.outputsIfAny(name, opts.outputs);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { metricsReaderFor } = require('../observability/reader') as typeof import('../observability/reader');
      const kube = ctx.kubeOrWarn(env, opts.kubeconfig);
      if (opts.json) {
        ctx.out(JSON.stringify(await status().statusJson(env, kube, outputs, metricsReaderFor(env, outputs)), null, 2));
        return;
      }
      for (const line of await status().statusReport(env, kube, outputs, undefined, metricsReaderFor(env, outputs))) ctx.out(line);
    }),
  );
}

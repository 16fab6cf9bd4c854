import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { readOptions } from './read-options';
import { doctorJson, fail, formatCheck, warn } from '../doctor/check';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const doctor = (): typeof import('../doctor/doctor') => require('../doctor/doctor');

export function register(program: Command, ctx: CliContext): void {
  readOptions(
    program.command('doctor').description(describe('doctor')).argument('<environment>'),
    'one JSON document (schema mzops.doctor/v1) instead of a line per check',
  ).action(
    ctx.action(async (name: string, opts: { outputs?: string; kubeconfig?: string; json?: boolean }) => {
      // With --json, stdout holds the one document; progress goes nowhere.
      const show = (line: string) => (opts.json ? undefined : ctx.out(line));
      // An unreadable state file is one failed check here, not the end of the diagnosis.
      const env = ctx.environment(name, { stateOptional: true });
      // A corrupt outputs file is named as such, and every check that does not need it still runs.
      const { outputs, problem } = ctx.outputsChecked(name, opts.outputs);
      const outputsProblem = problem
        ? fail('outputs', problem.message, problem.hint ?? `mzops deploy ${name}`)
        : !outputs
          ? warn('outputs', `no Terraform outputs for "${name}": nothing deployed yet, or no outputs file`, `mzops deploy ${name}`)
          : undefined;
      if (outputsProblem) show(formatCheck(outputsProblem));
      const stateProblem = doctor().stateFileCheck(name, ctx.root);
      if (stateProblem) show(formatCheck(stateProblem));
      const results = await doctor().runDoctor({
        env,
        outputs: outputs ?? {},
        outputsMissing: outputsProblem?.detail,
        variables: ctx.variables(),
        kube: ctx.kubeOrWarn(env, opts.kubeconfig),
        progress: (rs) => rs.forEach((r) => show(formatCheck(r))),
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        metrics: (require('../observability/reader') as typeof import('../observability/reader')).metricsReaderFor(env, outputs),
      });
      const all = [outputsProblem, stateProblem, ...results].filter((r) => r !== undefined);
      const failed = all.filter((r) => r.status === 'fail').length;
      const warned = all.filter((r) => r.status === 'warn').length;
      if (opts.json) ctx.out(JSON.stringify(doctorJson(name, all), null, 2));
      else ctx.out(`\n${all.length - failed - warned} ok, ${warned} warn, ${failed} fail`);
      if (failed > 0) process.exitCode = 1;
    }),
  );
}

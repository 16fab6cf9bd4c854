import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { formatCheck } from '../doctor/check';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const doctor = (): typeof import('../doctor/doctor') => require('../doctor/doctor');

export function register(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(describe('doctor'))
    .argument('<environment>')
    .option('--outputs <file>', 'Terraform outputs JSON')
    .option('--kubeconfig <file>', 'kubeconfig for the cluster checks (default: KUBECONFIG, ~/.kube/config)')
    .action(
      ctx.action(async (name: string, opts: { outputs?: string; kubeconfig?: string }) => {
        const env = ctx.environment(name);
        const outputs = ctx.outputsIfAny(name, opts.outputs);
        if (!outputs) ctx.err(`warn  outputs: no Terraform outputs for "${name}" (deploy first: mzops deploy ${name})`);
        const results = await doctor().runDoctor({
          env,
          outputs: outputs ?? {},
          variables: ctx.variables(),
          kube: ctx.kubeOrWarn(env, opts.kubeconfig),
          progress: (rs) => rs.forEach((r) => ctx.out(formatCheck(r))),
        });
        const failed = results.filter((r) => r.status === 'fail').length;
        const warned = results.filter((r) => r.status === 'warn').length;
        ctx.out(`\n${results.length - failed - warned} ok, ${warned} warn, ${failed} fail`);
        if (failed > 0) process.exitCode = 1;
      }),
    );
}

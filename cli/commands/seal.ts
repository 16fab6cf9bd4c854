import type { Command } from '@commander-js/extra-typings';
import { relative, resolve } from 'node:path';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { readUserFile } from '../workspace';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const seal = (): typeof import('../seal/seal-environment') => require('../seal/seal-environment');

export function register(program: Command, ctx: CliContext): void {
  program
    .command('seal')
    .description(describe('seal'))
    .argument('<environment>')
    .option('--cert <file>', 'sealing certificate PEM (default: the sealing_certificate_pem output)')
    .option('--outputs <file>', 'Terraform outputs JSON (default: .mzops/<environment>/outputs.json, else terraform output)')
    .option('--reseal', 're-encrypt every value from its sources, replacing the sealed file (also a corrupt one)')
    .action(
      ctx.action((name: string, opts: { cert?: string; outputs?: string; reseal?: boolean }) => {
        const result = seal().sealEnvironment({
          env: ctx.environment(name),
          outputs: ctx.outputs(name, opts.outputs),
          variables: ctx.variables(),
          certificatePem: opts.cert ? readUserFile(resolve(opts.cert), 'the --cert sealing certificate') : undefined,
          root: ctx.root,
          reseal: opts.reseal,
        });
        ctx.out(`sealed: ${result.sealed.join(', ') || 'nothing changed'}`);
        if (result.unchanged.length) ctx.out(`unchanged: ${result.unchanged.join(', ')}`);
        if (result.generatedPasswordFile)
          ctx.out(`generated the mz_system password in ${relative(ctx.root, result.generatedPasswordFile)} (keep it; it is not in git)`);
        ctx.out(`wrote ${relative(ctx.root, result.path)}; next: npm run synth, then commit`);
      }),
    );
}

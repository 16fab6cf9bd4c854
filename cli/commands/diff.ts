import { writeFileSync } from 'node:fs';
import { Option, type Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { formatJson, formatMarkdown, formatText } from '../diff/format';
import { removeTree, resolveCommit } from '../diff/revision';
import { killAll } from '../runner';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const diff = (): typeof import('../diff/diff') => require('../diff/diff');

const FORMAT_NAMES = ['text', 'markdown', 'json'] as const;
const FORMATS = { text: formatText, markdown: formatMarkdown, json: formatJson } satisfies Record<(typeof FORMAT_NAMES)[number], unknown>;

/** The exit code when a change carries unacknowledged data loss or exposure (1 stays "the command failed"). */
export const EXIT_DANGEROUS = 2;

/** `origin/main` when the clone has it (what a pull request merges into), else `main`. */
function defaultBase(root: string): string {
  try {
    resolveCommit(root, 'origin/main');
    return 'origin/main';
  } catch {
    return 'main';
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description(describe('diff'))
    .argument('[environment...]', 'only these environments (default: every environment either side has)')
    .option('--base <ref>', 'the revision the change applies to (default: origin/main, else main)')
    .option('--head <ref>', 'compare this revision instead of the working tree')
    .addOption(
      new Option('--format <format>', 'text for a terminal, markdown for a pull-request comment, json for tools')
        .choices(FORMAT_NAMES)
        .default('text'),
    )
    .option('--json', 'the same as --format json')
    .option('--acknowledge <id...>', 'accept these dangerous changes (ids as printed); or list them in acknowledged-changes.txt')
    .option('--report <file>', 'also write the full text report to this file (the workflow keeps it as an artifact)')
    .option('--no-cache', 'render both sides even when .cache/mzops-diff has them from an earlier run')
    .action(
      ctx.action(
        async (
          environments: string[],
          opts: {
            base?: string;
            head?: string;
            format: keyof typeof FORMATS;
            json?: boolean;
            acknowledge?: string[];
            report?: string;
            cache: boolean;
          },
        ) => {
          if (opts.json) opts = { ...opts, format: 'json' };
          const trees = new Set<string>();
          // Ctrl-C or a CI cancel removes the temporary trees before exiting.
          const onSignal = (signal: NodeJS.Signals) => {
            killAll();
            for (const tree of trees) removeTree(tree);
            process.exit(signal === 'SIGINT' ? 130 : 143);
          };
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
          try {
            const report = await diff().runDiff({
              repoRoot: ctx.root,
              base: opts.base ?? defaultBase(ctx.root),
              head: opts.head,
              environments,
              acknowledge: opts.acknowledge,
              keepRenderings: opts.cache,
              log: (line) => process.stderr.write(`${line}\n`),
              track: (dir) => trees.add(dir),
            });
            process.stdout.write(FORMATS[opts.format](report));
            if (opts.report) writeFileSync(opts.report, formatText(report));
            if (report.dangerous) process.exitCode = EXIT_DANGEROUS;
          } finally {
            process.removeListener('SIGINT', onSignal);
            process.removeListener('SIGTERM', onSignal);
          }
        },
      ),
    );
}

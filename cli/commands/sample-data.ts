import { Argument, InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context';
import { describe } from './descriptions';
import { CliError } from '../errors';
import { CUSTOMER_COUNT, sampleMessages, type SampleKind } from '../sample-data/generate';

// Loaded when the command runs: listing it, or a usage mistake, answers without loading what it needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const producer = (): typeof import('../sample-data/producer') => require('../sample-data/producer');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const session = (): typeof import('../sql/session') => require('../sql/session');

/** commander's parser for whole-number options: a bad value is one `error:` line before anything runs. */
function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return n;
  };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('sample-data')
    .description(describe('sample-data'))
    .argument('<environment>')
    .addArgument(new Argument('<kind>', 'orders or customers').choices(['orders', 'customers']))
    .addOption(new Option('--count <n>', `messages to send (customers: at least ${CUSTOMER_COUNT})`).argParser(wholeNumber(1)))
    .addOption(new Option('--rate <n>', 'messages per second (0: as fast as possible)').argParser(wholeNumber(0)).default(0))
    .option('--continuous', 'keep producing until interrupted')
    .addOption(new Option('--seed <n>', 'same seed, same messages').argParser(wholeNumber(0)).default(1))
    .option('--outputs <file>', 'Terraform outputs JSON')
    .option('--broker <host:port>', 'override the Kafka endpoint (default: <namespace>.servicebus.windows.net:9093)')
    .addOption(new Option('--connect-timeout <seconds>', 'how long to wait for the Kafka endpoint').argParser(wholeNumber(1)).default(20))
    .action(
      ctx.action(
        async (
          name: string,
          kind: string,
          opts: {
            count?: number;
            rate: number;
            continuous?: boolean;
            seed: number;
            outputs?: string;
            broker?: string;
            connectTimeout: number;
          },
        ) => {
          const env = ctx.environment(name);
          const topic = env.eventHubs.topics.find((t) => t.name === kind);
          if (!topic)
            throw new CliError(
              `environment "${name}" declares no "${kind}" topic`,
              `add it to eventHubs.topics in environments/${name}.ts`,
            );
          const count = opts.count ?? (kind === 'orders' ? 20 : CUSTOMER_COUNT * 3);
          if (kind === 'customers' && count < CUSTOMER_COUNT)
            throw new CliError(`--count must be at least ${CUSTOMER_COUNT} for customers`, 'every customer needs at least one message');
          const { rate, seed } = opts;
          const connectTimeoutMs = opts.connectTimeout * 1000;
          const outputs = ctx.outputsIfAny(name, opts.outputs) ?? {};
          const connectionString = session().publisherConnectionString(outputs, ctx.variables());
          let start = 0;
          const total: Record<number, number> = {};
          const tty = process.stderr.isTTY;
          do {
            const messages = sampleMessages(kind as SampleKind, count, seed, start);
            const summary = await producer().produce(messages, {
              connectTimeoutMs,
              connectionString: connectionString ?? '',
              topic: topic.name,
              partitions: topic.partitions,
              broker: opts.broker,
              rate,
              progress: (sent) => {
                if (tty) process.stderr.write(`\rsent ${start + sent}${opts.continuous ? '' : `/${count}`} to ${topic.name}`);
                else if (sent % 100 === 0 || sent === messages.length) ctx.out(`sent ${start + sent}${opts.continuous ? '' : `/${count}`}`);
              },
            });
            for (const [p, n] of Object.entries(summary.perPartition)) total[Number(p)] = (total[Number(p)] ?? 0) + n;
            start += messages.length;
          } while (opts.continuous);
          if (tty) process.stderr.write('\n');
          ctx.out(`sent ${start} ${kind} message(s) to ${topic.name}, seed ${seed}`);
          for (const p of Object.keys(total)
            .map(Number)
            .sort((a, b) => a - b))
            ctx.out(`  partition ${p}: ${total[p]}`);
        },
      ),
    );
}

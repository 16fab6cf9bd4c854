import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { EVENT_HUBS, PORTS } from '../../model/contract';
import { withTimeout } from '../doctor/check';
import { CliError } from '../errors';
import type { SampleMessage } from './generate';

export interface EventHubsConnection {
  readonly namespace: string;
  readonly host: string;
  readonly keyName: string;
  readonly entityPath?: string;
}

/** Parses `Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...`. */
export function parseConnectionString(value: string | undefined): EventHubsConnection {
  const hint =
    'use the eventhubs_publisher_connection_string Terraform output (mzops deploy writes it), or set EVENTHUBS_PUBLISHER_CONNECTION_STRING';
  if (!value) throw new CliError('no Event Hubs connection string', hint);
  const parts = new Map<string, string>();
  const segments = value.split(';').filter((s) => s.trim());
  for (const [i, segment] of segments.entries()) {
    const eq = segment.indexOf('=');
    // Never echo a fragment: a key pasted without its "SharedAccessKey=" is the fragment.
    if (eq <= 0)
      throw new CliError(
        `the Event Hubs connection string is malformed: part ${i + 1} of ${segments.length} is not Key=Value (parts are separated by ;)`,
        hint,
      );
    parts.set(segment.slice(0, eq).trim().toLowerCase(), segment.slice(eq + 1));
  }
  const endpoint = /^sb:\/\/([^/]+?)\/?$/.exec(parts.get('endpoint') ?? '');
  if (!endpoint) throw new CliError('the Event Hubs connection string has no Endpoint=sb://<namespace>.servicebus.windows.net/', hint);
  if (!parts.get('sharedaccesskeyname') || !parts.get('sharedaccesskey'))
    throw new CliError('the Event Hubs connection string lacks SharedAccessKeyName or SharedAccessKey', hint);
  const host = endpoint[1];
  return { host, namespace: host.split('.')[0], keyName: parts.get('sharedaccesskeyname')!, entityPath: parts.get('entitypath') };
}

export interface ProduceOptions {
  readonly connectionString: string;
  readonly topic: string;
  /** The topic's partition count (the environment declares it; Terraform creates the hub with it). */
  readonly partitions: number;
  /** @default - `<namespace>.servicebus.windows.net:9093` from the connection string */
  readonly broker?: string;
  /** Messages per second; 0 sends as fast as the broker takes them. @default 0 */
  readonly rate?: number;
  /** Bound on connecting: an unreachable broker fails within it. @default 20000 */
  readonly connectTimeoutMs?: number;
  readonly progress?: (sent: number) => void;
}

export interface ProduceSummary {
  readonly sent: number;
  /** Partition -> messages acknowledged there. */
  readonly perPartition: Record<number, number>;
}

/** The Kafka endpoint: the override, else the namespace's. The connection string is checked either way. */
function brokerOf(options: ProduceOptions): string {
  const { host } = parseConnectionString(options.connectionString);
  return options.broker ?? `${host}:${PORTS.eventHubsKafka}`;
}

const RETRIES = 2;

/** Event Hubs' Kafka endpoint: SASL PLAIN over TLS, user `$ConnectionString`, password the connection string. */
export function kafkaClient(options: ProduceOptions): Kafka {
  const connectTimeout = options.connectTimeoutMs ?? 20_000;
  // Every attempt kafkajs makes (three, with two short back-offs) fits inside the deadline the
  // error message names: attempts still running after it would keep the process alive past it.
  const attempt = Math.max(500, Math.floor((connectTimeout - 1_000) / (RETRIES + 1)));
  return new Kafka({
    clientId: 'mzops-sample-data',
    brokers: [brokerOf(options)],
    ssl: true,
    sasl: { mechanism: 'plain', username: EVENT_HUBS.kafkaUsername, password: options.connectionString },
    connectionTimeout: attempt,
    authenticationTimeout: attempt,
    requestTimeout: 30_000,
    // Few, short retries: a wrong endpoint must fail in seconds, not minutes.
    retry: { retries: RETRIES, initialRetryTime: 200, maxRetryTime: 300 },
    logLevel: logLevel.NOTHING,
  });
}

async function connect(producer: Producer, options: ProduceOptions, broker: string): Promise<void> {
  const timeout = options.connectTimeoutMs ?? 20_000;
  try {
    await withTimeout(producer.connect(), timeout, `the Event Hubs Kafka endpoint ${broker}`);
  } catch (e) {
    // The clean-up is bounded too: against a listener that never answers it would wait on its own.
    await withTimeout(producer.disconnect(), 1_000, 'disconnect').catch(() => undefined);
    const cause = (e as Error).message;
    throw new CliError(
      `could not reach the Event Hubs Kafka endpoint ${broker} within ${timeout / 1000} s: ${cause}`,
      'check the namespace (Standard tier or above has the Kafka endpoint), the connection string and that port 9093 is open outbound',
    );
  }
}

export async function produce(messages: SampleMessage[], options: ProduceOptions): Promise<ProduceSummary> {
  const broker = brokerOf(options);
  const producer = kafkaClient(options).producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await connect(producer, options, broker);
  const perPartition: Record<number, number> = {};
  // Partitions chosen here, by Kafka's default (murmur2) partitioner: same key, same partition,
  // and the summary counts what was really sent where.
  const partitionOf = partitioner(options.topic, options.partitions);
  let sent = 0;
  try {
    const batch = options.rate && options.rate > 0 ? 1 : 100;
    for (let i = 0; i < messages.length; i += batch) {
      const chunk = messages.slice(i, i + batch).map((m) => ({ key: m.key, value: m.value, partition: partitionOf(m) }));
      const started = Date.now();
      await producer.send({ topic: options.topic, messages: chunk });
      for (const m of chunk) perPartition[m.partition] = (perPartition[m.partition] ?? 0) + 1;
      sent += chunk.length;
      options.progress?.(sent);
      if (options.rate && options.rate > 0) {
        const wait = 1000 / options.rate - (Date.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return { sent, perPartition };
}

/** Kafka's default partitioner for a topic with `partitions` partitions. */
export function partitioner(topic: string, partitions: number): (m: SampleMessage) => number {
  const choose = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, p) => ({
    partitionId: p,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return (m) => choose({ topic, partitionMetadata, message: { key: m.key, value: m.value } });
}

/** Messages per partition, as `produce` would send them. */
export function partitionSpread(messages: SampleMessage[], topic: string, partitions: number): Record<number, number> {
  const partitionOf = partitioner(topic, partitions);
  const out: Record<number, number> = {};
  for (const m of messages) out[partitionOf(m)] = (out[partitionOf(m)] ?? 0) + 1;
  return out;
}

import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { CUSTOMER_COUNT, customerMessages, orderMessages } from '../../../cli/sample-data/generate';
import { parseConnectionString, partitionSpread, produce } from '../../../cli/sample-data/producer';
import { freePort } from '../../support/ports';
import { REGISTER, REPO_ROOT } from '../../helpers';

/** A broker address that accepts connections and never answers. */
async function blackHole(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => void sockets.push(s));
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => server.close(r));
    },
  };
}

/** One order to a broker on loopback, with this connect deadline. */
const sendOne = (port: number, connectTimeoutMs: number) =>
  produce(orderMessages(1, 1), { connectionString: CONN, topic: 'orders', partitions: 4, broker: `127.0.0.1:${port}`, connectTimeoutMs });

const CONN = 'Endpoint=sb://mzexample-events.servicebus.windows.net/;SharedAccessKeyName=data-multi-publisher;SharedAccessKey=abc123=';

describe('sample messages', () => {
  it('are the same for the same seed and differ for another', () => {
    expect(orderMessages(50, 42)).toEqual(orderMessages(50, 42));
    expect(customerMessages(30, 42)).toEqual(customerMessages(30, 42));
    expect(orderMessages(50, 42)).not.toEqual(orderMessages(50, 43));
  });

  it("orders carry the predecessor's fields with their types", () => {
    for (const m of orderMessages(25, 3)) {
      const o = JSON.parse(m.value);
      expect(Object.keys(o)).toEqual([
        'order_id',
        'customer_name',
        'product_id',
        'product_name',
        'unit_price',
        'quantity',
        'total_amount',
        'status',
        'created_at',
        'region',
      ]);
      expect(typeof o.unit_price).toBe('number');
      expect(Number.isInteger(o.quantity)).toBe(true);
      expect(o.total_amount).toBeCloseTo(o.unit_price * o.quantity, 2);
      expect(new Date(o.created_at).toISOString()).toBe(o.created_at);
      expect(m.key).toBe(o.order_id);
    }
  });

  it('customers are upserts of exactly ten keys, keyed by customer_id', () => {
    const messages = customerMessages(47, 5);
    const latest = new Map(messages.map((m) => [m.key, JSON.parse(m.value)]));
    expect(latest.size).toBe(CUSTOMER_COUNT);
    for (const m of messages) expect(JSON.parse(m.value).customer_id).toBe(m.key);
    for (const c of latest.values()) {
      expect(Object.keys(c)).toEqual(['customer_id', 'first_name', 'last_name', 'tier', 'total_orders', 'lifetime_value', 'updated_at']);
      expect(Number.isInteger(c.total_orders)).toBe(true);
      expect(typeof c.lifetime_value).toBe('number');
    }
    // Several updates each: the same customer appears again with a newer state.
    expect(messages.filter((m) => m.key === 'cust-001').length).toBeGreaterThanOrEqual(4);
  });

  it('continuous batches continue rather than repeat', () => {
    const first = orderMessages(10, 9, 0);
    const next = orderMessages(10, 9, 10);
    expect(new Set([...first, ...next].map((m) => m.key)).size).toBe(20);
  });

  it('spread across all partitions: orders evenly, customers by key', () => {
    const orders = partitionSpread(orderMessages(400, 1), 'orders', 4);
    expect(Object.keys(orders).sort()).toEqual(['0', '1', '2', '3']);
    for (const n of Object.values(orders)) expect(n).toBeGreaterThan(60);
    const customers = customerMessages(30, 1);
    const byKey = new Map<string, Set<number>>();
    const spread = partitionSpread(customers, 'customers', 2);
    expect(Object.values(spread).reduce((a, b) => a + b, 0)).toBe(30);
    for (const m of customers) {
      const p = Number(Object.keys(partitionSpread([m], 'customers', 2))[0]);
      byKey.set(m.key, (byKey.get(m.key) ?? new Set()).add(p));
    }
    for (const partitions of byKey.values()) expect(partitions.size).toBe(1);
  });
});

describe('the producer', () => {
  it('parses the Event Hubs connection string', () => {
    expect(parseConnectionString(CONN)).toEqual({
      host: 'mzexample-events.servicebus.windows.net',
      namespace: 'mzexample-events',
      keyName: 'data-multi-publisher',
      entityPath: undefined,
    });
  });

  it.each([
    ['', /no Event Hubs connection string/],
    ['not a connection string', /malformed: part 1 of 1 is not Key=Value/],
    ['Endpoint=https://x/;SharedAccessKeyName=a;SharedAccessKey=b', /no Endpoint=sb:\/\//],
    ['Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a', /lacks SharedAccessKeyName or SharedAccessKey/],
  ])('refuses a malformed connection string at once: %j', async (value, message) => {
    const start = Date.now();
    await expect(produce(orderMessages(1, 1), { connectionString: value, topic: 'orders', partitions: 4 })).rejects.toThrow(message);
    expect(Date.now() - start).toBeLessThan(200);
  });

  it('never echoes a fragment of what was pasted (a bare key is the secret itself)', async () => {
    const key = 'Xk9vQ2mZ7rT4pL8sW1nB6cY3dF0hJ5gA';
    const message = await produce(orderMessages(1, 1), {
      connectionString: `Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a;${key}`,
      topic: 'orders',
      partitions: 4,
    }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/malformed: part 3 of 3/);
    for (let i = 0; i + 6 <= key.length; i++) expect(message).not.toContain(key.slice(i, i + 6));
  });

  it('fails within a bounded time when nothing listens at the broker', async () => {
    const port = await freePort();
    const start = Date.now();
    await expect(sendOne(port, 8000)).rejects.toThrow(
      new RegExp(`could not reach the Event Hubs Kafka endpoint 127.0.0.1:${port} within 8 s`),
    );
    expect(Date.now() - start).toBeLessThan(9000);
  }, 20_000);

  it('fails within a bounded time when the broker accepts but never answers', async () => {
    const { port, close } = await blackHole();
    const start = Date.now();
    try {
      await expect(sendOne(port, 1500)).rejects.toThrow(/within 1.5 s/);
      expect(Date.now() - start).toBeLessThan(3000);
    } finally {
      await close();
    }
  }, 20_000);

  it('mzops sample-data exits at the deadline it names, against a broker that accepts and never answers', async () => {
    const { port, close } = await blackHole();
    try {
      const started = Date.now();
      const result = await new Promise<{ code: number | null; stderr: string; at: number }>((resolve) => {
        const child = execFile(
          process.execPath,
          [
            '--require',
            REGISTER,
            'cli/main.ts',
            'sample-data',
            'example',
            'orders',
            '--count',
            '1',
            '--broker',
            `127.0.0.1:${port}`,
            '--connect-timeout',
            '1',
          ],
          { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, EVENTHUBS_PUBLISHER_CONNECTION_STRING: CONN } },
          (_e, _out, stderr) => resolve({ code: child.exitCode, stderr, at: Date.now() }),
        );
      });
      expect(result.stderr).toMatch(/^error: could not reach the Event Hubs Kafka endpoint 127\.0\.0\.1:\d+ within 1 s/m);
      expect(result.code).toBe(1);
      // 1 s of waiting (the shortest the option takes), a bounded clean-up and the CLI's own start:
      // no attempt outlives the deadline.
      expect(result.at - started).toBeLessThan(1000 + 1000 + 3500);
    } finally {
      await close();
    }
  }, 30_000);
});

/**
 * The predecessor's sample producers, deterministic: the same seed gives the same messages,
 * byte for byte, so a demo or a test can be repeated.
 */

export interface SampleMessage {
  /** The Kafka message key: customer_id for upserts (Materialize's UPSERT envelope needs it). */
  readonly key: string;
  readonly value: string;
}

/** mulberry32: small, fast and good enough for sample data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const cents = (x: number) => Math.round(x * 100) / 100;

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'John'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Ritchie',
  'Perlman',
  'Backus',
];
const PRODUCTS = [
  { id: 'P-100', name: 'Mechanical keyboard', price: 129.0 },
  { id: 'P-101', name: 'USB-C dock', price: 89.5 },
  { id: 'P-102', name: '27" monitor', price: 329.99 },
  { id: 'P-103', name: 'Noise-cancelling headset', price: 199.0 },
  { id: 'P-104', name: 'Ergonomic mouse', price: 59.9 },
  { id: 'P-105', name: 'Standing desk', price: 549.0 },
] as const;
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
const REGIONS = ['eastus', 'westeurope', 'southeastasia', 'brazilsouth'] as const;
const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
/** Timestamps advance from a fixed origin, not the clock: the seed alone decides every byte. */
const ORIGIN = Date.UTC(2026, 0, 1);

export const CUSTOMER_COUNT = 10;

/** Append-only orders with the predecessor's fields. */
export function orderMessages(count: number, seed: number, startIndex = 0): SampleMessage[] {
  const rand = prng(seed);
  // Advance the generator past earlier messages so that --continuous batches never repeat.
  for (let i = 0; i < startIndex * 8; i++) rand();
  return Array.from({ length: count }, (_, k) => {
    const i = startIndex + k;
    const product = pick(rand, PRODUCTS);
    const quantity = 1 + Math.floor(rand() * 4);
    const order = {
      order_id: `ord-${seed}-${String(i + 1).padStart(6, '0')}`,
      customer_name: `${pick(rand, FIRST)} ${pick(rand, LAST)}`,
      product_id: product.id,
      product_name: product.name,
      unit_price: product.price,
      quantity,
      total_amount: cents(product.price * quantity),
      status: pick(rand, STATUSES),
      created_at: new Date(ORIGIN + i * 37_000 + Math.floor(rand() * 30_000)).toISOString(),
      region: pick(rand, REGIONS),
    };
    return { key: order.order_id, value: JSON.stringify(order) };
  });
}

/**
 * Upserts for exactly ten customers, keyed by customer_id: each customer's latest message is its
 * current state, so `SELECT COUNT(*) FROM customers` is 10 however many updates were sent.
 */
export function customerMessages(count: number, seed: number, startIndex = 0): SampleMessage[] {
  const rand = prng(seed ^ 0x5eed);
  for (let i = 0; i < startIndex * 6; i++) rand();
  const names = Array.from({ length: CUSTOMER_COUNT }, (_, c) => ({ first: FIRST[c], last: LAST[(c * 7 + seed) % LAST.length] }));
  return Array.from({ length: count }, (_, k) => {
    const i = startIndex + k;
    const c = i % CUSTOMER_COUNT;
    const round = Math.floor(i / CUSTOMER_COUNT);
    const totalOrders = round * 2 + 1 + Math.floor(rand() * 3);
    const customer = {
      customer_id: `cust-${String(c + 1).padStart(3, '0')}`,
      first_name: names[c].first,
      last_name: names[c].last,
      tier: TIERS[Math.min(TIERS.length - 1, Math.floor(totalOrders / 3))],
      total_orders: totalOrders,
      lifetime_value: cents(totalOrders * (40 + rand() * 260)),
      updated_at: new Date(ORIGIN + i * 61_000).toISOString(),
    };
    return { key: customer.customer_id, value: JSON.stringify(customer) };
  });
}

export type SampleKind = 'orders' | 'customers';

export function sampleMessages(kind: SampleKind, count: number, seed: number, startIndex = 0): SampleMessage[] {
  return kind === 'orders' ? orderMessages(count, seed, startIndex) : customerMessages(count, seed, startIndex);
}

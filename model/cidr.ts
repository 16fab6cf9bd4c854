/** IPv4 CIDR arithmetic for validation; Azure networking in this project is IPv4 only. */

export interface Cidr {
  text: string;
  base: number;
  prefix: number;
  /** First and last address as unsigned 32-bit integers. */
  first: number;
  last: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export type CidrProblem = 'syntax' | 'unaligned';

/** Parses `a.b.c.d/n`; the address must be the network address, as Azure requires for address spaces. */
export function parseCidr(text: string): Cidr | CidrProblem {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return 'syntax';
  const base = parseIp(match[1]);
  const prefix = Number(match[2]);
  if (base === undefined || prefix > 32) return 'syntax';
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return 'unaligned';
  return { text, base, prefix, first: base, last: base + size - 1 };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function containsIp(outer: Cidr, ip: number): boolean {
  return outer.first <= ip && ip <= outer.last;
}

/** The nth address of a range, like Terraform's cidrhost. */
export function cidrHost(cidr: Cidr, n: number): string {
  return formatIp(cidr.base + n);
}

/** Start and end addresses, the form PostgreSQL firewall rules take. */
export function cidrRange(cidr: Cidr): { start: string; end: string } {
  return { start: formatIp(cidr.first), end: formatIp(cidr.last) };
}

import { formatIp, parseCidr } from '../model/cidr';

/**
 * IP firewall rules of Azure's data services (Blob Storage, Event Hubs): public IPv4 only, as
 * those firewalls admit the public side of a connection; a /31 or /32 written as its addresses
 * (Storage takes neither prefix, and a /31 written as one address admitted half the range).
 */
export function publicIpRules(ranges: readonly string[]): string[] {
  const isPrivate = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|169\.254\.)/.test(ip);
  return ranges
    .filter((r) => !isPrivate(r))
    .flatMap((r) => {
      const c = parseCidr(r);
      if (typeof c === 'string' || c.prefix < 31) return [r];
      return c.prefix === 32 ? [formatIp(c.first)] : [formatIp(c.first), formatIp(c.last)];
    });
}

import { cidrHost, cidrRange, contains, overlaps, parseCidr, type Cidr } from '../../model/cidr';

const c = (t: string) => parseCidr(t) as Cidr;

describe('cidr', () => {
  it('parses aligned ranges and refuses others', () => {
    expect(c('10.0.0.0/16')).toMatchObject({ prefix: 16 });
    expect(parseCidr('10.0.0.1/16')).toBe('unaligned');
    expect(parseCidr('10.0.0.0/33')).toBe('syntax');
    expect(parseCidr('256.0.0.0/8')).toBe('syntax');
    expect(parseCidr('10.0.0.0')).toBe('syntax');
  });

  it('computes containment, overlap, hosts and ranges', () => {
    expect(contains(c('10.0.0.0/16'), c('10.0.16.0/24'))).toBe(true);
    expect(contains(c('10.0.0.0/16'), c('10.1.0.0/24'))).toBe(false);
    expect(overlaps(c('10.0.0.0/20'), c('10.0.15.0/24'))).toBe(true);
    expect(overlaps(c('10.0.0.0/20'), c('10.0.16.0/24'))).toBe(false);
    expect(cidrHost(c('10.1.0.0/16'), 10)).toBe('10.1.0.10');
    expect(cidrRange(c('203.0.113.0/24'))).toEqual({ start: '203.0.113.0', end: '203.0.113.255' });
  });
});

import { describe, expect, it } from 'vitest';
import { classifyAddress, createAddressSet, parseIpRange, stripZone } from './ip-ranges.js';

describe('parseIpRange', () => {
  it('parses CIDRs and bare addresses', () => {
    expect(parseIpRange('10.0.0.0/8')).toEqual({ network: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseIpRange(' fd00::/8 ')).toEqual({ network: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseIpRange('127.0.0.1')).toEqual({ network: '127.0.0.1', prefix: 32, family: 'ipv4' });
    expect(parseIpRange('::1')).toEqual({ network: '::1', prefix: 128, family: 'ipv6' });
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/8/1', '10.0.0.0/-1', '0177.0.0.1', 'localhost', '10.0.0.0/'])(
    'refuses %j',
    (text) => {
      expect(parseIpRange(text)).toBeUndefined();
    },
  );
});

describe('classifyAddress', () => {
  it('reports metadata before the broader link-local range', () => {
    expect(classifyAddress('169.254.169.254')).toBe('metadata');
    expect(classifyAddress('169.254.1.1')).toBe('link_local');
  });

  it('classifies IPv4-mapped IPv6 as the IPv4 address', () => {
    expect(classifyAddress('::ffff:10.1.2.3')).toBe('private');
    expect(classifyAddress('::ffff:a9fe:a9fe')).toBe('metadata');
  });

  it('leaves routable and documentation addresses alone, and ignores zone ids', () => {
    for (const address of ['8.8.8.8', '203.0.113.7', '2606:4700::1111', '2001:db8::1']) {
      expect(classifyAddress(address)).toBeUndefined();
    }
    expect(classifyAddress('fe80::1%eth0')).toBe('link_local');
    expect(stripZone('fe80::1%eth0')).toBe('fe80::1');
  });
});

describe('createAddressSet', () => {
  it('matches members and nothing else; garbage is never a member', () => {
    const set = createAddressSet([parseIpRange('192.168.0.0/16')!, parseIpRange('::1')!]);
    expect(set.has('192.168.44.1')).toBe(true);
    expect(set.has('192.169.0.1')).toBe(false);
    expect(set.has('::1')).toBe(true);
    expect(set.has('not an ip')).toBe(false);
  });
});

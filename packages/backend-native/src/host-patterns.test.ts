import { describe, expect, it } from 'vitest';
import { canonicalHost, matchesHostPattern, parseHostPattern } from './host-patterns.js';

describe('host patterns', () => {
  it('normalises entries through the WHATWG host parser', () => {
    expect(parseHostPattern('EXAMPLE.com.')).toEqual({ host: 'example.com', subdomainsOnly: false });
    expect(parseHostPattern('127.1')).toEqual({ host: '127.0.0.1', subdomainsOnly: false });
    expect(parseHostPattern('[::1]')).toEqual({ host: '::1', subdomainsOnly: false });
    expect(parseHostPattern('bücher.example')).toEqual({
      host: 'xn--bcher-kva.example',
      subdomainsOnly: false,
    });
    expect(parseHostPattern('*.Example.com')).toEqual({ host: 'example.com', subdomainsOnly: true });
  });

  it.each([
    '',
    '*',
    'a*.example.com',
    '*.*.example.com',
    'example.com:443',
    'example.com/path',
    'user@example.com',
  ])('refuses %j', (entry) => {
    expect(parseHostPattern(entry)).toBeUndefined();
  });

  it('matches subdomains only for wildcards and exact hosts otherwise', () => {
    const wildcard = parseHostPattern('*.example.com')!;
    expect(matchesHostPattern('a.example.com', wildcard)).toBe(true);
    expect(matchesHostPattern('a.b.example.com', wildcard)).toBe(true);
    expect(matchesHostPattern('example.com', wildcard)).toBe(false);
    expect(matchesHostPattern('badexample.com', wildcard)).toBe(false);
    const exact = parseHostPattern('example.com')!;
    expect(matchesHostPattern('example.com', exact)).toBe(true);
    expect(matchesHostPattern('a.example.com', exact)).toBe(false);
  });

  it('canonicalises URL hostnames', () => {
    expect(canonicalHost('[::1]')).toBe('::1');
    expect(canonicalHost('Example.COM.')).toBe('example.com');
  });
});

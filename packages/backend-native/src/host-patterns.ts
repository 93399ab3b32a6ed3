import { isIP } from 'node:net';

/**
 * A domain list entry: an exact host (`api.partner.com`, `127.0.0.1`, `::1`) or a subdomain
 * wildcard (`*.example.com`, which matches `a.example.com` and `a.b.example.com` but not
 * `example.com` itself).
 */
export interface HostPattern {
  readonly host: string;
  readonly subdomainsOnly: boolean;
}

/**
 * Canonical form of a URL hostname for comparison: lower case, IPv6 brackets and one trailing
 * dot removed. Input must already have passed the WHATWG host parser, which decodes IDNA,
 * fullwidth digits and the numeric IPv4 spellings (`0x7f.1`, `2130706433`).
 */
export function canonicalHost(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/**
 * Parses a configured entry through the same WHATWG host parser URLs go through, so `127.1`,
 * `EXAMPLE.com.` and `bücher.example` compare equal to the URL spellings of the same host.
 * Returns `undefined` for entries that are not a bare host (ports, paths, stray wildcards).
 */
export function parseHostPattern(entry: string): HostPattern | undefined {
  const trimmed = entry.trim();
  const subdomainsOnly = trimmed.startsWith('*.');
  const rest = subdomainsOnly ? trimmed.slice(2) : trimmed;
  const bare = rest.startsWith('[') && rest.endsWith(']') ? rest.slice(1, -1) : rest;
  if (bare === '' || bare.includes('*')) return undefined;
  const isV6 = isIP(bare) === 6;
  if (!isV6 && /[/:@?#\\\s]/.test(bare)) return undefined;
  try {
    const url = new URL(`http://${isV6 ? `[${bare}]` : bare}/`);
    return { host: canonicalHost(url.hostname), subdomainsOnly };
  } catch {
    return undefined;
  }
}

/** True when the canonical `host` matches `pattern`. */
export function matchesHostPattern(host: string, pattern: HostPattern): boolean {
  if (pattern.subdomainsOnly) return host.endsWith(`.${pattern.host}`);
  return host === pattern.host;
}

/** True when any pattern matches. */
export function matchesAnyHostPattern(host: string, patterns: readonly HostPattern[]): boolean {
  return patterns.some((pattern) => matchesHostPattern(host, pattern));
}

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { OpenWorkflowError } from '@openworkflow/core';
import type { UrlValidation } from '@openworkflow/schemas';
import {
  canonicalHost,
  type HostPattern,
  matchesAnyHostPattern,
  matchesHostPattern,
  parseHostPattern,
} from './host-patterns.js';
import {
  type AddressCategory,
  type AddressSet,
  classifyAddress,
  createAddressSet,
  DEFAULT_DENY_HOSTS,
  type IpRange,
  parseIpRange,
  stripZone,
} from './ip-ranges.js';

/** One address a hostname resolved to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Resolves a hostname to every address it has. Injected so tests use stub answers and so the
 * connection can be pinned to exactly the addresses that were checked.
 */
export type HostResolver = (
  hostname: string,
  signal: AbortSignal | undefined,
) => Promise<readonly ResolvedAddress[]>;

/** The platform resolver (`dns.lookup` with `all: true`), which also honours `/etc/hosts`. */
export const systemResolver: HostResolver = async (hostname, signal) => {
  signal?.throwIfAborted();
  const answers = await lookup(hostname, { all: true, verbatim: true });
  signal?.throwIfAborted();
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** The rule that refused a URL; reported as `details.rule` of the `POLICY_VIOLATION`. */
export type EgressRule =
  | 'invalid_url'
  | 'scheme'
  | 'userinfo'
  | 'port_not_allowed'
  | 'port_blocked'
  | 'domain_not_allowed'
  | 'domain_blocked'
  | 'ip_range_blocked'
  | 'default_deny'
  | 'invalid_address'
  | 'https_downgrade'
  | 'max_redirects';

/**
 * A `urlValidation` block. `requireHTTPS: true` is the spec's spelling of `allowedSchemes: [https]`
 * and is accepted here in case a caller passes the document form.
 */
export interface EgressPolicy extends UrlValidation {
  readonly requireHTTPS?: boolean;
}

/** Options of {@link createEgressGuard}: the operator's side of the egress policy. */
export interface EgressGuardOptions {
  /** Default: {@link systemResolver}. */
  readonly resolver?: HostResolver;
  /** Schemes any URL may use. Default `['http', 'https']`. */
  readonly allowedSchemes?: readonly string[];
  /**
   * Addresses or CIDR ranges exempt from the default-deny profile (e.g. `127.0.0.1` for a local
   * test server). Metadata addresses stay refused; `blockedIpRanges` still win.
   */
  readonly allowedAddresses?: readonly string[];
  /**
   * Hosts (`api.internal`, `*.corp.example`) exempt from the default-deny profile, by name and for
   * every address they resolve to. Metadata names and addresses stay refused.
   */
  readonly allowedHosts?: readonly string[];
  /** An operator-wide `urlValidation` layer that every request must also pass. */
  readonly policy?: EgressPolicy;
}

/** A URL that passed every check, with the addresses the connection must use. */
export interface CheckedTarget {
  /** The one parsed URL object: connect to this, never to a re-parsed string. */
  readonly url: URL;
  /** The explicit port or the scheme's default; `undefined` for schemes without one. */
  readonly port: number | undefined;
  /** Every address the host resolved to, all checked. An IP literal yields itself. */
  readonly addresses: readonly ResolvedAddress[];
}

/**
 * The one owner of outbound-URL policy. HTTP handlers, MCP transports and webhook senders call
 * `check` for every URL and every redirect hop, then connect only to `addresses`.
 *
 * @example
 * const guard = createEgressGuard({ allowedAddresses: ['127.0.0.1'] }).restrict(handler.urlValidation ?? {});
 * const target = await guard.check('https://api.example.com/v1/items');
 */
export interface EgressGuard {
  /** Resolves and checks `url`; throws `POLICY_VIOLATION` (or `UNAVAILABLE` when DNS fails). */
  check(url: string | URL, signal?: AbortSignal): Promise<CheckedTarget>;
  /**
   * A guard that also enforces `policy` (a handler's `urlValidation`). Layers only narrow: a
   * handler can refuse more, never lift the default-deny profile or the operator's policy.
   * `field` prefixes configuration errors (`actions[0].handler.urlValidation`).
   */
  restrict(policy: EgressPolicy, field?: string): EgressGuard;
}

interface Layer {
  readonly schemes?: ReadonlySet<string>;
  readonly allowedPorts?: ReadonlySet<number>;
  readonly blockedPorts: ReadonlySet<number>;
  readonly allowedDomains: readonly HostPattern[];
  readonly blockedDomains: readonly HostPattern[];
  readonly blockedRanges?: AddressSet;
}

interface GuardState {
  readonly resolver: HostResolver;
  readonly allowedAddresses: AddressSet;
  readonly allowedHosts: readonly HostPattern[];
  readonly layers: readonly Layer[];
}

const DEFAULT_SCHEMES = ['http', 'https'];
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };
const DENY_HOST_PATTERNS = DEFAULT_DENY_HOSTS.map(([category, entry]) => {
  const pattern = parseHostPattern(entry);
  if (pattern === undefined) throw new Error(`Invalid built-in host ${entry}`);
  return [category, pattern] as const;
});

/**
 * Creates the egress guard with the secure default profile on: loopback, private, link-local,
 * shared, metadata, multicast and reserved addresses are refused unless allowed explicitly.
 */
export function createEgressGuard(options: EgressGuardOptions = {}): EgressGuard {
  const base: GuardState = {
    resolver: options.resolver ?? systemResolver,
    allowedAddresses: createAddressSet(parseRanges(options.allowedAddresses ?? [], 'allowedAddresses')),
    allowedHosts: parseHosts(options.allowedHosts ?? [], 'allowedHosts'),
    layers: [layerOf({ allowedSchemes: options.allowedSchemes ?? DEFAULT_SCHEMES }, 'allowedSchemes')],
  };
  const guard = guardOf(base);
  return options.policy === undefined ? guard : guard.restrict(options.policy, 'policy');
}

function guardOf(state: GuardState): EgressGuard {
  return {
    check: (url, signal) => checkUrl(state, url, signal),
    restrict: (policy, field = 'urlValidation') =>
      guardOf({ ...state, layers: [...state.layers, layerOf(policy, field)] }),
  };
}

async function checkUrl(
  state: GuardState,
  input: string | URL,
  signal?: AbortSignal,
): Promise<CheckedTarget> {
  const url = parseEgressUrl(input);
  const host = canonicalHost(url.hostname);
  const refuse = (rule: EgressRule, message: string, extra: Readonly<Record<string, unknown>> = {}) =>
    refusal(host, rule, message, extra);

  const scheme = url.protocol.slice(0, -1);
  for (const layer of state.layers) {
    if (layer.schemes !== undefined && !layer.schemes.has(scheme)) {
      throw refuse('scheme', `Scheme '${scheme}' is not allowed`, { scheme });
    }
  }
  if (url.username !== '' || url.password !== '') {
    throw refuse('userinfo', 'URLs with credentials in the authority (user:pass@) are not allowed');
  }
  if (host === '') throw refuse('invalid_url', 'URL has no host');
  const port = url.port === '' ? DEFAULT_PORTS[scheme] : Number(url.port);
  for (const layer of state.layers) checkLayer(layer, host, port, refuse);

  const hostAllowed = matchesAnyHostPattern(host, state.allowedHosts);
  for (const [category, pattern] of DENY_HOST_PATTERNS) {
    if (matchesHostPattern(host, pattern) && (category === 'metadata' || !hostAllowed)) {
      throw refuse('default_deny', `Host '${host}' is refused by the default egress policy (${category})`, {
        category,
      });
    }
  }

  const literal = isIP(host);
  const addresses =
    literal === 0
      ? await resolve(state.resolver, url.hostname, host, signal)
      : [{ address: host, family: literal === 6 ? 6 : 4 } as const];
  // Every answer is checked and one bad answer refuses the host: a connection may pick any of them.
  for (const answer of addresses) checkAddress(state, answer.address, hostAllowed, refuse);
  return { url, port, addresses };
}

/** Parses a URL once for egress; an unparseable one is refused with rule `invalid_url`. */
export function parseEgressUrl(input: string | URL): URL {
  if (input instanceof URL) return input;
  try {
    return new URL(input);
  } catch (cause) {
    throw new OpenWorkflowError('POLICY_VIOLATION', 'URL cannot be parsed', {
      details: { url_host: '', rule: 'invalid_url' satisfies EgressRule },
      cause,
    });
  }
}

type Refuse = (
  rule: EgressRule,
  message: string,
  extra?: Readonly<Record<string, unknown>>,
) => OpenWorkflowError;

function checkLayer(layer: Layer, host: string, port: number | undefined, refuse: Refuse): void {
  if (port !== undefined && layer.blockedPorts.has(port)) {
    throw refuse('port_blocked', `Port ${port} is blocked`, { port });
  }
  if (layer.allowedPorts !== undefined && (port === undefined || !layer.allowedPorts.has(port))) {
    throw refuse('port_not_allowed', `Port ${port ?? '(none)'} is not in the allowed ports`, { port });
  }
  // Blocked wins over allowed: it is checked first and an allowlist match cannot undo it.
  if (matchesAnyHostPattern(host, layer.blockedDomains)) {
    throw refuse('domain_blocked', `Host '${host}' is blocked`);
  }
  if (layer.allowedDomains.length > 0 && !matchesAnyHostPattern(host, layer.allowedDomains)) {
    throw refuse('domain_not_allowed', `Host '${host}' is not in the allowed domains`);
  }
}

function checkAddress(state: GuardState, raw: string, hostAllowed: boolean, refuse: Refuse): void {
  const address = stripZone(raw);
  if (isIP(address) === 0) {
    throw refuse('invalid_address', 'The resolver returned something that is not an IP address');
  }
  for (const layer of state.layers) {
    if (layer.blockedRanges?.has(address)) {
      throw refuse('ip_range_blocked', `Address ${address} is in a blocked IP range`, { address });
    }
  }
  const category: AddressCategory | undefined = classifyAddress(address);
  if (category === undefined) return;
  const lifted = category !== 'metadata' && (hostAllowed || state.allowedAddresses.has(address));
  if (!lifted) {
    throw refuse('default_deny', `Address ${address} is refused by the default egress policy (${category})`, {
      address,
      category,
    });
  }
}

async function resolve(
  resolver: HostResolver,
  hostname: string,
  host: string,
  signal: AbortSignal | undefined,
): Promise<readonly ResolvedAddress[]> {
  let answers: readonly ResolvedAddress[];
  try {
    answers = await resolver(hostname, signal);
  } catch (cause) {
    if (signal?.aborted) throw signal.reason;
    const errorCode = (cause as { code?: unknown }).code;
    throw new OpenWorkflowError('UNAVAILABLE', `Could not resolve host '${host}'`, {
      details: { url_host: host, ...(typeof errorCode === 'string' ? { error_code: errorCode } : {}) },
      cause,
    });
  }
  if (answers.length === 0) {
    throw new OpenWorkflowError('UNAVAILABLE', `Host '${host}' resolved to no addresses`, {
      details: { url_host: host },
    });
  }
  return answers;
}

function refusal(
  host: string,
  rule: EgressRule,
  message: string,
  extra: Readonly<Record<string, unknown>>,
): OpenWorkflowError {
  return new OpenWorkflowError('POLICY_VIOLATION', message, { details: { url_host: host, rule, ...extra } });
}

/** Creates the `POLICY_VIOLATION` of the egress policy for rules checked outside the guard (redirects). */
export function egressRefusal(url: URL, rule: EgressRule, message: string): OpenWorkflowError {
  return refusal(canonicalHost(url.hostname), rule, message, {});
}

function layerOf(policy: EgressPolicy, field: string): Layer {
  const schemes = policy.requireHTTPS
    ? intersect(['https'], policy.allowedSchemes)
    : policy.allowedSchemes?.map((scheme) => scheme.toLowerCase().replace(/:$/, ''));
  const blockedRanges = parseRanges(policy.blockedIpRanges ?? [], `${field}.blockedIpRanges`);
  return {
    ...(schemes === undefined ? {} : { schemes: new Set(schemes) }),
    ...(policy.allowedPorts === undefined || policy.allowedPorts.length === 0
      ? {}
      : { allowedPorts: new Set(parsePorts(policy.allowedPorts, `${field}.allowedPorts`)) }),
    blockedPorts: new Set(parsePorts(policy.blockedPorts ?? [], `${field}.blockedPorts`)),
    allowedDomains: parseHosts(policy.allowedDomains ?? [], `${field}.allowedDomains`),
    blockedDomains: parseHosts(policy.blockedDomains ?? [], `${field}.blockedDomains`),
    ...(blockedRanges.length === 0 ? {} : { blockedRanges: createAddressSet(blockedRanges) }),
  };
}

function intersect(required: readonly string[], allowed: readonly string[] | undefined): readonly string[] {
  if (allowed === undefined) return required;
  const lower = new Set(allowed.map((scheme) => scheme.toLowerCase().replace(/:$/, '')));
  return required.filter((scheme) => lower.has(scheme));
}

function parseRanges(entries: readonly string[], field: string): IpRange[] {
  return entries.map((entry, index) => {
    const range = parseIpRange(entry);
    if (range === undefined) throw invalidEntry(field, index, 'an IP address or CIDR range');
    return range;
  });
}

function parseHosts(entries: readonly string[], field: string): HostPattern[] {
  return entries.map((entry, index) => {
    const pattern = parseHostPattern(entry);
    if (pattern === undefined)
      throw invalidEntry(field, index, 'a host name, IP address or *.domain pattern');
    return pattern;
  });
}

function parsePorts(entries: readonly number[], field: string): number[] {
  return entries.map((port, index) => {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw invalidEntry(field, index, 'a port between 1 and 65535');
    }
    return port;
  });
}

function invalidEntry(field: string, index: number, expected: string): OpenWorkflowError {
  return new OpenWorkflowError('VALIDATION', `${field}[${index}] must be ${expected}`, {
    details: { field: `${field}[${index}]`, constraint: 'format' },
  });
}

import type { LookupAddress, LookupOptions } from 'node:dns';
import { OpenWorkflowError } from '@openworkflow/core';
import { Agent } from 'undici';
import { type CheckedTarget, type EgressGuard, egressRefusal } from './egress-guard.js';
import {
  BODY_IDLE_TIMEOUT_MS,
  CONNECT_TIMEOUT_MS,
  HEADERS_TIMEOUT_MS,
  MAX_REDIRECTS,
  MAX_RESPONSE_BYTES,
  MAX_RESPONSE_HEADER_BYTES,
} from './limits.js';
import { readBoundedBody, responseTooLarge } from './response-body.js';

/** Options of {@link createHttpClient}; every cap defaults to the constant in `limits.ts`. */
export interface HttpClientOptions {
  /** Every URL, including every redirect hop, is checked by this guard before a socket opens. */
  readonly guard: EgressGuard;
  /** Redirect hops followed; 0 returns 3xx responses as they are. Default {@link MAX_REDIRECTS}. */
  readonly maxRedirects?: number;
  /** Cap on wire and decoded body bytes. Default {@link MAX_RESPONSE_BYTES}. */
  readonly maxResponseBytes?: number;
  /** Cap on response header bytes. Default {@link MAX_RESPONSE_HEADER_BYTES}. */
  readonly maxHeaderBytes?: number;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  /** Longest silence between body chunks. */
  readonly bodyTimeoutMs?: number;
  /** Extra trusted certificate authorities (PEM), for internal PKI. */
  readonly ca?: string | readonly string[];
}

/** One logical request; redirects are followed inside it. */
export interface HttpRequest {
  readonly url: string | URL;
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  /**
   * Headers carrying credentials besides `Authorization`, `Cookie` and `Proxy-Authorization`
   * (e.g. an `X-Api-Key` rendered from a secret); all are dropped on a cross-origin redirect.
   */
  readonly credentialHeaders?: readonly string[];
}

/** The final response, after redirects, with its body read and decoded within the caps. */
export interface HttpResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded body. */
  readonly body: Buffer;
  /** The URL that produced this response, after redirects. */
  readonly url: URL;
  readonly redirects: number;
}

/**
 * An HTTP/1.1 client that only connects where the egress guard allows. It never uses a global
 * dispatcher, a proxy from the environment (`HTTP_PROXY` is ignored) or `fetch`.
 *
 * @example
 * const client = createHttpClient({ guard: createEgressGuard() });
 * const response = await client.send({ url: 'https://api.example.com/items', method: 'GET' });
 */
export interface HttpClient {
  /** One logical request (following redirects); throws `OpenWorkflowError` or the abort reason. */
  send(request: HttpRequest): Promise<HttpResponse>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ALWAYS_CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];
/** Set by the client itself; a template must not be able to choose the virtual host or framing. */
const FORBIDDEN_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
]);

/** Creates a client bound to `options.guard`. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  return {
    async send(request) {
      let hop: Hop = {
        url: request.url,
        method: request.method.toUpperCase(),
        headers: requestHeaders(request.headers ?? {}),
        ...(request.body === undefined ? {} : { body: request.body }),
      };
      const credentials = new Set([...ALWAYS_CREDENTIALS, ...(request.credentialHeaders ?? []).map(lower)]);
      for (let redirects = 0; ; redirects += 1) {
        const target = await options.guard.check(hop.url, request.signal);
        const response = await sendOnce(options, target, hop, request.signal);
        const location = response.headers.location;
        if (!REDIRECT_STATUSES.has(response.status) || location === undefined || maxRedirects === 0) {
          return { ...response, url: target.url, redirects };
        }
        if (redirects >= maxRedirects) {
          throw egressRefusal(target.url, 'max_redirects', `More than ${maxRedirects} redirects`);
        }
        hop = planRedirect(target.url, response.status, location, hop, credentials);
      }
    },
  };
}

/** One request on the wire: where, how, and what is sent. */
export interface Hop {
  readonly url: string | URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/**
 * The request for the next hop of a redirect, following the Fetch standard's rules: 303 (and
 * 301/302 after POST) become a body-less GET; credentials are dropped when the origin changes and
 * stay dropped; an `https:` → `http:` hop is refused because it would send the request in clear.
 * The caller re-runs the full egress check on the returned URL.
 */
export function planRedirect(
  current: URL,
  status: number,
  location: string,
  hop: Hop,
  credentialHeaders: ReadonlySet<string>,
): Hop {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch (cause) {
    throw new OpenWorkflowError('BACKEND_ERROR', 'Redirect Location cannot be parsed', {
      details: { http_status: status },
      cause,
    });
  }
  if (current.protocol === 'https:' && next.protocol === 'http:') {
    throw egressRefusal(next, 'https_downgrade', 'Redirect from https to http refused');
  }
  const toGet =
    status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(hop.headers)) {
    if (next.origin !== current.origin && credentialHeaders.has(name)) continue;
    if (toGet && name === 'content-type') continue;
    headers[name] = value;
  }
  if (toGet || hop.body === undefined) return { url: next, method: toGet ? 'GET' : hop.method, headers };
  return { url: next, method: hop.method, headers, body: hop.body };
}

function requestHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = lower(name);
    if (FORBIDDEN_REQUEST_HEADERS.has(key)) {
      throw new OpenWorkflowError(
        'VALIDATION',
        `Request header '${name}' is set by the client and cannot be configured`,
        {
          details: { field: `headers.${name}`, constraint: 'forbidden_header' },
        },
      );
    }
    if (/[\r\n\0]/.test(value)) {
      throw new OpenWorkflowError('VALIDATION', `Request header '${name}' contains a line break or NUL`, {
        details: { field: `headers.${name}`, constraint: 'header_value' },
      });
    }
    result[key] = value;
  }
  if (result['accept-encoding'] === undefined) result['accept-encoding'] = 'gzip, deflate, br';
  return result;
}

/**
 * Sends one hop on a dispatcher whose DNS lookup returns only the addresses the guard checked,
 * so the socket cannot reach an address that was not checked (DNS rebinding). The dispatcher
 * lives for this hop only: pooled sockets never outlive the check that justified them.
 */
async function sendOnce(
  options: HttpClientOptions,
  target: CheckedTarget,
  hop: Hop,
  signal: AbortSignal | undefined,
): Promise<Omit<HttpResponse, 'url' | 'redirects'>> {
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const agent = new Agent({
    connect: {
      lookup: pinnedLookup(target),
      timeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      ...(options.ca === undefined ? {} : { ca: options.ca as string | string[] }),
    },
    maxHeaderSize: options.maxHeaderBytes ?? MAX_RESPONSE_HEADER_BYTES,
    headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    bodyTimeout: options.bodyTimeoutMs ?? BODY_IDLE_TIMEOUT_MS,
    connections: 1,
  });
  try {
    const response = await agent.request({
      origin: target.url.origin,
      path: `${target.url.pathname}${target.url.search}`,
      method: hop.method as 'GET',
      headers: hop.headers,
      body: hop.body ?? null,
      signal: signal ?? null,
    });
    const headers = flattenHeaders(response.headers);
    const length = Number(headers['content-length']);
    if (Number.isFinite(length) && length > maxBytes) {
      response.body.destroy();
      throw responseTooLarge(maxBytes);
    }
    const body = REDIRECT_STATUSES.has(response.statusCode)
      ? await discard(response.body)
      : await readBoundedBody(response.body, headers['content-encoding'], maxBytes, signal);
    return { status: response.statusCode, headers, body };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw classifyTransportError(error, target);
  } finally {
    agent.destroy().catch(() => undefined);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `net.connect` that answers with the checked addresses only. Node calls it with
 * `all: true` when happy-eyeballs is on and expects a single address otherwise.
 */
export function pinnedLookup(target: CheckedTarget) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    if (hostname !== target.url.hostname) {
      callback(Object.assign(new Error(`Unchecked host ${hostname}`), { code: 'ENOTFOUND' }), []);
      return;
    }
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const wanted = target.addresses.filter((answer) => !family || answer.family === family);
    const answers = wanted.length > 0 ? wanted : target.addresses;
    if (options.all) {
      callback(
        null,
        answers.map(({ address, family }) => ({ address, family })),
      );
      return;
    }
    const first = answers[0]!;
    callback(null, first.address, first.family);
  };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

async function discard(body: NodeJS.ReadableStream & { dump?: () => Promise<void> }): Promise<Buffer> {
  if (body.dump !== undefined) await body.dump();
  return Buffer.alloc(0);
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Maps transport failures to the taxonomy; connection failures mean the service is not reachable. */
function classifyTransportError(error: unknown, target: CheckedTarget): OpenWorkflowError {
  if (OpenWorkflowError.is(error)) return error;
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const details = { url_host: target.url.hostname, ...(code === '' ? {} : { error_code: code }) };
  const message = error instanceof Error ? error.message : 'HTTP request failed';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new OpenWorkflowError('TIMEOUT', message, { details, cause: error });
  }
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new OpenWorkflowError('POLICY_VIOLATION', 'Response headers exceed the size limit', {
      details: { ...details, rule: 'max_header_bytes' },
      cause: error,
    });
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    return new OpenWorkflowError('VALIDATION', message, { details, cause: error });
  }
  const unavailable = UNAVAILABLE_CODES.has(code);
  return new OpenWorkflowError(unavailable ? 'UNAVAILABLE' : 'BACKEND_ERROR', message, {
    details,
    cause: error,
  });
}

function lower(name: string): string {
  return name.toLowerCase();
}

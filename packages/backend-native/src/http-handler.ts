import type { HandlerContext, HandlerExecutor } from '@openworkflow/core';
import type { HttpHandler, JsonObject, JsonValue } from '@openworkflow/schemas';
import { type MonotonicClock, monotonicClock, openAttemptScope } from './attempt-scope.js';
import { renderConfigText, type TemplateScope, templateScope } from './config-templates.js';
import { createEgressGuard, type EgressGuard, parseEgressUrl } from './egress-guard.js';
import { connectorFailure, parseJson, readConnectorReply } from './envelope.js';
import { misrouted } from './executor-errors.js';
import { createHttpClient, type HttpClientOptions, type HttpResponse } from './http-client.js';

/** Options of {@link createHttpHandler}, set by the operator (not by connectors). */
export interface HttpHandlerOptions {
  /**
   * The operator's egress policy. Each handler's `urlValidation` narrows it further. Default: the
   * secure default profile with the system resolver.
   */
  readonly guard?: EgressGuard;
  /** Caps, timeouts, redirect limit and extra CAs of the underlying client. */
  readonly client?: Omit<HttpClientOptions, 'guard'>;
  /**
   * Extra headers per request, computed from the context: the passthrough hook for trace context
   * (`traceparent`) or an `Idempotency-Key`. The handler's own `headers` override them.
   */
  readonly requestHeaders?: (context: HandlerContext) => Readonly<Record<string, string>>;
  /** Default `openworkflow-ts`. */
  readonly userAgent?: string;
  /** Default: `performance.now()`. */
  readonly clock?: MonotonicClock;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The executor for `handler: { http: { url, method, headers, body, timeout, urlValidation } }`.
 * One call is one attempt (the engine applies `retry`); the request goes through the egress guard
 * and the bounded client; the reply is read through the `{status, data}` envelope and non-2xx
 * statuses map to taxonomy codes (spec/handlers.md has the table).
 *
 * @example
 * const executor = createHttpHandler({ guard: createEgressGuard({ allowedAddresses: ['127.0.0.1'] }) });
 */
export function createHttpHandler(options: HttpHandlerOptions = {}): HandlerExecutor {
  const baseGuard = options.guard ?? createEgressGuard();
  const clock = options.clock ?? monotonicClock;
  // A handler's urlValidation is parsed once, not per call.
  const guards = new WeakMap<HttpHandler, EgressGuard>();
  const guardFor = (handler: HttpHandler) => {
    let guard = guards.get(handler);
    if (guard === undefined) {
      guard = handler.urlValidation === undefined ? baseGuard : baseGuard.restrict(handler.urlValidation);
      guards.set(handler, guard);
    }
    return guard;
  };

  return {
    type: 'http',
    async execute({ connector, action, input, context }) {
      const handler = action.handler;
      if (handler.type !== 'http') throw misrouted(handler.type, 'http');
      const request = renderRequest(handler, templateScope(connector, input, context), context, options);
      const client = createHttpClient({ ...options.client, guard: guardFor(handler) });
      const attempt = openAttemptScope(
        context.signal,
        handler.timeoutMs ?? connector.runtime.timeoutMs,
        clock,
      );
      let response: HttpResponse;
      try {
        response = await client.send({ ...request, signal: attempt.signal });
      } catch (error) {
        throw attempt.failure(error);
      } finally {
        attempt.close();
      }
      context.logger.debug('http handler response', {
        method: request.method,
        url_host: response.url.hostname,
        status: response.status,
        redirects: response.redirects,
        elapsed_ms: attempt.elapsedMs(),
      });
      return readResponse(response);
    },
  };
}

interface RenderedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly credentialHeaders: string[];
}

function renderRequest(
  handler: HttpHandler,
  scope: TemplateScope,
  context: HandlerContext,
  options: HttpHandlerOptions,
): RenderedRequest {
  const input = scope.input;
  const url = parseEgressUrl(renderConfigText(handler.url, scope, 'url').value);
  const method = handler.method;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': options.userAgent ?? 'openworkflow-ts',
    ...lowerKeys(options.requestHeaders?.(context) ?? {}),
  };
  // Headers rendered from a secret are credentials: the client drops them on cross-origin redirects.
  const credentialHeaders: string[] = [];
  for (const [name, template] of Object.entries(handler.headers)) {
    const rendered = renderConfigText(template, scope, `headers.${name}`);
    headers[name.toLowerCase()] = rendered.value;
    if (rendered.secrets.length > 0) credentialHeaders.push(name.toLowerCase());
  }

  if (!BODY_METHODS.has(method)) {
    appendQuery(url, input);
    return { url: url.href, method, headers, credentialHeaders };
  }
  const body = handler.body === undefined ? input : renderBody(handler.body, scope, 'body');
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    return { url: url.href, method, headers, body, credentialHeaders };
  }
  headers['content-type'] ??= 'application/json';
  return { url: url.href, method, headers, body: JSON.stringify(body), credentialHeaders };
}

/**
 * GET and DELETE send the input as query parameters: scalars as text, arrays as repeated keys,
 * objects as JSON. A key the URL already has in its query is left as the URL says.
 */
function appendQuery(url: URL, input: JsonObject): void {
  const present = new Set(url.searchParams.keys());
  for (const [key, value] of Object.entries(input)) {
    if (present.has(key) || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null) continue;
      url.searchParams.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
}

/** Renders every string of a structured body template; keys and non-string values stay as written. */
function renderBody(template: JsonValue, scope: TemplateScope, field: string): JsonValue {
  if (typeof template === 'string') return renderConfigText(template, scope, field).value;
  if (Array.isArray(template))
    return template.map((item, index) => renderBody(item, scope, `${field}[${index}]`));
  if (template === null || typeof template !== 'object') return template;
  const rendered: JsonObject = {};
  for (const [key, value] of Object.entries(template))
    rendered[key] = renderBody(value, scope, `${field}.${key}`);
  return rendered;
}

/** The step output of a response, or the failure it stands for. */
function readResponse(response: HttpResponse): JsonValue {
  const text = response.body.toString('utf8');
  const parsed = text.trim() === '' ? null : parseJson(text);
  const details = { http_status: response.status, url_host: response.url.hostname };

  if (response.status >= 200 && response.status < 300) {
    if (parsed === undefined) return text;
    const reply = readConnectorReply(parsed);
    if (reply.kind === 'output') return reply.value;
    throw connectorFailure(reply.message, reply.code, 'BACKEND_ERROR', details);
  }

  const reply = parsed === undefined || parsed === null ? undefined : readConnectorReply(parsed);
  const fromBody = reply?.kind === 'error' ? reply : messageOf(parsed);
  const retryAfter = retryAfterMs(response.headers['retry-after']);
  return throwStatus(response.status, fromBody, {
    ...details,
    ...(retryAfter === undefined ? {} : { retry_after_ms: retryAfter }),
  });
}

function throwStatus(
  status: number,
  fromBody: { readonly message?: string; readonly code?: string },
  details: Readonly<Record<string, unknown>>,
): never {
  const message = fromBody.message ?? `HTTP ${status} from ${String(details.url_host)}`;
  throw connectorFailure(message, fromBody.code, codeForStatus(status), details);
}

/**
 * Status → taxonomy code. 4xx other than 408/429 is `VALIDATION`: the request itself was
 * refused, so repeating it (the default for `BACKEND_ERROR`) cannot help.
 */
export function codeForStatus(status: number): string {
  if (status === 408) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'UNAVAILABLE';
  if (status >= 400 && status < 500) return 'VALIDATION';
  return 'BACKEND_ERROR';
}

/** `message`/`error` and `code` of a non-envelope JSON error body, when they are strings. */
function messageOf(parsed: JsonValue | undefined): { message?: string; code?: string } {
  if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return {};
  const message = typeof parsed.message === 'string' ? parsed.message : parsed.error;
  return {
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof parsed.code === 'string' && parsed.code !== '' ? { code: parsed.code } : {}),
  };
}

/** `Retry-After` in seconds (the HTTP-date form needs a wall clock and is ignored). */
function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,7}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write handler configs in the ${…} syntax
import type { HttpHandler, JsonObject } from '@openworkflow/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { failureOf } from '../test/failure.js';
import { invocationOf, secretsOf } from '../test/invocation.js';
import { type LoopbackServer, type Responder, replyJson, startLoopbackServer } from '../test/loopback.js';
import { createEgressGuard } from './egress-guard.js';
import { codeForStatus, createHttpHandler, type HttpHandlerOptions } from './http-handler.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(respond: Responder) {
  const server = await startLoopbackServer(respond);
  servers.push(server);
  return server;
}

/** Replies with what it received, inside the success envelope. */
const echo: Responder = (request, response) =>
  replyJson(response, 200, {
    status: 'success',
    data: { method: request.method, url: request.url, body: request.body, headers: request.headers },
  });

const loopbackGuard = createEgressGuard({ allowedAddresses: ['127.0.0.1'] });

function http(url: string, extra: Partial<HttpHandler> = {}): HttpHandler {
  return { type: 'http', url, method: 'GET', headers: {}, ...extra };
}

function call(
  handler: HttpHandler,
  input: JsonObject = {},
  options: HttpHandlerOptions = { guard: loopbackGuard },
  signal?: AbortSignal,
) {
  return createHttpHandler(options).execute(invocationOf(handler, input, signal ? { signal } : {}));
}

describe('requests', () => {
  it('C-32: POST sends the input as the JSON body', async () => {
    const server = await serve(echo);
    const output = (await call(http(`${server.origin}/items`, { method: 'POST' }), {
      name: 'a',
      n: 1,
    })) as JsonObject;
    expect(output.method).toBe('POST');
    expect(JSON.parse(String(output.body))).toEqual({ name: 'a', n: 1 });
    expect((output.headers as JsonObject)['content-type']).toBe('application/json');
  });

  it('C-33: GET and DELETE send the input as query parameters', async () => {
    const server = await serve(echo);
    const input = { city: 'New York', days: 3, tags: ['a', 'b'], filter: { x: 1 }, skip: null, q: 'input' };
    for (const method of ['GET', 'DELETE'] as const) {
      const output = (await call(http(`${server.origin}/f?q=url`, { method }), input)) as JsonObject;
      const query = new URL(String(output.url), 'http://x').searchParams;
      expect(output.body).toBe('');
      expect(query.get('city')).toBe('New York');
      expect(query.get('days')).toBe('3');
      expect(query.getAll('tags')).toEqual(['a', 'b']);
      expect(query.get('filter')).toBe('{"x":1}');
      expect(query.has('skip')).toBe(false);
      expect(query.getAll('q')).toEqual(['url']);
    }
  });

  it('sends a configured body instead of the input: objects as JSON, strings as text', async () => {
    const server = await serve(echo);
    const object = (await call(
      http(server.origin, { method: 'PUT', body: { sql: 'select 1', parameters: [] } }),
      {
        ignored: true,
      },
    )) as JsonObject;
    expect(JSON.parse(String(object.body))).toEqual({ sql: 'select 1', parameters: [] });
    const text = (await call(http(server.origin, { method: 'PATCH', body: 'plain' }))) as JsonObject;
    expect(text.body).toBe('plain');
    expect((text.headers as JsonObject)['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('adds hook headers (trace passthrough) and lets handler headers override them', async () => {
    const server = await serve(echo);
    const options: HttpHandlerOptions = {
      guard: loopbackGuard,
      requestHeaders: (context) => ({ traceparent: `00-${context.runId}`, 'X-Mode': 'hook' }),
    };
    const output = (await call(
      http(server.origin, { headers: { 'X-Mode': 'handler' } }),
      {},
      options,
    )) as JsonObject;
    const headers = output.headers as JsonObject;
    expect(headers.traceparent).toBe('00-run-1');
    expect(headers['x-mode']).toBe('handler');
    expect(headers['user-agent']).toBe('openworkflow-ts');
  });
});

describe('responses', () => {
  it('C-34: unwraps {status: success, data}', async () => {
    const server = await serve((_request, response) =>
      replyJson(response, 200, { status: 'success', data: [1, 2] }),
    );
    await expect(call(http(server.origin))).resolves.toEqual([1, 2]);
  });

  it('returns non-envelope JSON, text and empty bodies as they are', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/json') replyJson(response, 200, { status: 'success', location: 'Oslo' });
      else if (request.url === '/text')
        response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
      else response.writeHead(204).end();
    });
    await expect(call(http(`${server.origin}/json`))).resolves.toEqual({
      status: 'success',
      location: 'Oslo',
    });
    await expect(call(http(`${server.origin}/text`))).resolves.toBe('hello');
    await expect(call(http(`${server.origin}/empty`))).resolves.toBeNull();
  });

  it('C-35: {status: error, message, code} fails the step with the message and keeps the code', async () => {
    const server = await serve((request, response) =>
      replyJson(response, request.url === '/ok-status' ? 200 : 404, {
        status: 'error',
        message: 'User not found',
        code: 'USER_NOT_FOUND',
      }),
    );
    const on200 = await failureOf(call(http(`${server.origin}/ok-status`)));
    expect(on200.toJSON()).toEqual({
      status: 'error',
      code: 'BACKEND_ERROR',
      message: 'User not found',
      details: { http_status: 200, url_host: '127.0.0.1', connector_code: 'USER_NOT_FOUND' },
    });
    const on404 = await failureOf(call(http(`${server.origin}/missing`)));
    expect(on404).toMatchObject({ code: 'VALIDATION', message: 'User not found' });
    expect(on404.details).toMatchObject({ http_status: 404, connector_code: 'USER_NOT_FOUND' });
  });

  it('C-36: maps statuses to taxonomy codes', async () => {
    const server = await serve((request, response) => {
      const status = Number(request.url.slice(1));
      response.writeHead(status, status === 429 ? { 'retry-after': '7' } : {}).end();
    });
    const expected: Record<number, string> = {
      400: 'VALIDATION',
      401: 'VALIDATION',
      404: 'VALIDATION',
      408: 'TIMEOUT',
      429: 'RATE_LIMITED',
      500: 'BACKEND_ERROR',
      502: 'BACKEND_ERROR',
      503: 'UNAVAILABLE',
    };
    for (const [status, code] of Object.entries(expected)) {
      const error = await failureOf(call(http(`${server.origin}/${status}`)));
      expect(error.code).toBe(code);
      expect(error.details.http_status).toBe(Number(status));
      expect(error.message).toBe(`HTTP ${status} from 127.0.0.1`);
    }
    const limited = await failureOf(call(http(`${server.origin}/429`)));
    expect(limited.details.retry_after_ms).toBe(7000);
    expect(limited.retryable).toBe(true);
    expect(codeForStatus(302)).toBe('BACKEND_ERROR');
  });

  it('adopts a taxonomy code from the body and keeps the remote message of plain JSON errors', async () => {
    const server = await serve((request, response) =>
      request.url === '/envelope'
        ? replyJson(response, 500, { status: 'error', message: 'slow down', code: 'rate_limit' })
        : replyJson(response, 500, { error: 'database is down' }),
    );
    const adopted = await failureOf(call(http(`${server.origin}/envelope`)));
    expect(adopted.code).toBe('RATE_LIMITED');
    expect(adopted.details.connector_code).toBe('rate_limit');
    const plain = await failureOf(call(http(`${server.origin}/plain`)));
    expect(plain).toMatchObject({ code: 'BACKEND_ERROR', message: 'database is down' });
  });
});

describe('timeouts, cancellation and policy', () => {
  it('C-40: fails with TIMEOUT (timeout_ms, elapsed_ms from the injected clock) when timeoutMs passes', async () => {
    const server = await serve(() => {});
    let ticks = 0;
    const clock = () => 1000 * ticks++;
    const error = await failureOf(
      call(http(server.origin, { timeoutMs: 150 }), {}, { guard: loopbackGuard, clock }),
    );
    expect(error.code).toBe('TIMEOUT');
    expect(error.details).toEqual({ timeout_ms: 150, elapsed_ms: 1000 });
  });

  it('fails with CANCELED when the engine aborts', async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    const pending = call(http(server.origin), {}, { guard: loopbackGuard }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await failureOf(pending)).code).toBe('CANCELED');
  });

  it('refuses loopback by default: no guard configured means the secure default profile', async () => {
    const server = await serve(echo);
    const error = await failureOf(call(http(server.origin), {}, {}));
    expect(error.details).toMatchObject({ rule: 'default_deny', category: 'loopback' });
    expect(server.connections).toBe(0);
  });

  it("applies the handler's urlValidation on top of the operator guard", async () => {
    const server = await serve(echo);
    const handler = http(server.origin, { urlValidation: { allowedDomains: ['*.example.com'] } });
    const error = await failureOf(call(handler));
    expect(error.details).toMatchObject({ rule: 'domain_not_allowed', url_host: '127.0.0.1' });
    expect(server.connections).toBe(0);
  });

  it('caps the response size', async () => {
    const server = await serve((_request, response) => replyJson(response, 200, { big: 'x'.repeat(4096) }));
    const error = await failureOf(
      call(http(server.origin), {}, { guard: loopbackGuard, client: { maxResponseBytes: 1024 } }),
    );
    expect(error.details.rule).toBe('max_response_bytes');
  });
});

describe('templates in the handler config (C-37, C-38, C-39)', () => {
  const context = {
    environment: { REGION: 'eu-north', API_KEY: 'env-key' },
    secrets: secretsOf({ TOKEN: 'tok-123', API_KEY: 'secret-key' }),
  };
  const templated = (handler: HttpHandler, input: JsonObject = {}) =>
    createHttpHandler({ guard: loopbackGuard }).execute(invocationOf(handler, input, context));

  it('C-37: renders ${input.x} into the URL; the input still becomes the query', async () => {
    const server = await serve(echo);
    const output = (await templated(http(`${server.origin}/repos/\${input.repo}/issues`), {
      repo: 'owner/name',
      state: 'open',
    })) as JsonObject;
    expect(output.url).toBe('/repos/owner/name/issues?repo=owner%2Fname&state=open');
  });

  it('C-38 / C-39: renders env, secrets and bare names (secrets first) into headers', async () => {
    const server = await serve(echo);
    const headers = {
      Authorization: 'Bearer ${secrets.TOKEN}',
      'X-Region': '${env.REGION}',
      'X-Key': '${API_KEY}',
      'X-Template': '{{ env.REGION }}',
    };
    const output = (await templated(http(server.origin, { headers }))) as JsonObject;
    expect(output.headers).toMatchObject({
      authorization: 'Bearer tok-123',
      'x-region': 'eu-north',
      'x-key': 'secret-key',
      'x-template': 'eu-north',
    });
  });

  it('renders every string of a structured body and keeps other values typed', async () => {
    const server = await serve(echo);
    const body = { greeting: 'Hello ${input.name}', count: 5, tags: ['${env.REGION}'] };
    const output = (await templated(http(server.origin, { method: 'POST', body }), {
      name: 'Ada',
    })) as JsonObject;
    expect(JSON.parse(String(output.body))).toEqual({ greeting: 'Hello Ada', count: 5, tags: ['eu-north'] });
  });

  it('drops headers rendered from secrets on a cross-origin redirect', async () => {
    const other = await serve(echo);
    const origin = await serve((_request, response) =>
      response.writeHead(307, { location: `${other.origin}/x` }).end(),
    );
    const headers = { 'X-Api-Key': '${secrets.TOKEN}', 'X-Plain': 'static' };
    const output = (await templated(http(origin.origin, { headers }))) as JsonObject;
    expect(output.headers).toMatchObject({ 'x-plain': 'static' });
    expect((output.headers as JsonObject)['x-api-key']).toBeUndefined();
  });

  it('a URL taken whole from the input is checked by the guard like any other', async () => {
    const server = await serve(echo);
    const handler = http('${input.url}');
    await expect(templated(handler, { url: `${server.origin}/ok` })).resolves.toMatchObject({
      url: `/ok?url=${encodeURIComponent(`${server.origin}/ok`)}`,
    });
    const error = await failureOf(templated(handler, { url: 'http://169.254.169.254/latest/meta-data/' }));
    expect(error.details).toMatchObject({ rule: 'default_deny', category: 'metadata' });
  });

  it('fails with VALIDATION naming the field when a reference cannot be resolved', async () => {
    const error = await failureOf(
      templated(http('http://127.0.0.1/', { headers: { 'X-A': '${env.NOPE}' } })),
    );
    expect(error.details).toMatchObject({ field: 'headers.X-A', constraint: 'resolved' });
  });
});

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureOf } from '../test/failure.js';
import {
  type LoopbackServer,
  type Responder,
  replyJson,
  startLoopbackServer,
  stubResolver,
  TEST_CA,
} from '../test/loopback.js';
import { createEgressGuard, type EgressGuardOptions } from './egress-guard.js';
import { createHttpClient, type HttpClientOptions, type HttpRequest, planRedirect } from './http-client.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(respond: Responder, options: Parameters<typeof startLoopbackServer>[1] = {}) {
  const server = await startLoopbackServer(respond, options);
  servers.push(server);
  return server;
}

const ok: Responder = (_request, response) => replyJson(response, 200, { ok: true });

function client(guard: EgressGuardOptions = {}, options: Omit<HttpClientOptions, 'guard'> = {}) {
  return createHttpClient({ guard: createEgressGuard({ resolver: stubResolver({}), ...guard }), ...options });
}

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  url,
  method: 'GET',
  ...extra,
});

describe('blocked before any socket opens', () => {
  it.each([
    'http://127.0.0.1:PORT/', // S-1
    'http://localhost:PORT/', // S-2
    'http://LOCALHOST.:PORT/',
    'http://2130706433:PORT/', // S-3
    'http://0x7f.1:PORT/',
    'http://0177.0.0.1:PORT/',
    'http://127.1:PORT/',
    'http://１２７。０。０。１:PORT/', // S-5
    'http://0.0.0.0:PORT/', // S-6: on Linux this reaches local listeners
    'http://0:PORT/',
    'http://[::ffff:127.0.0.1]:PORT/', // S-8
    'http://[::ffff:7f00:1]:PORT/',
  ])('%s: the loopback server records no connection', async (template) => {
    const server = await serve(ok);
    const error = await failureOf(client().send(get(template.replace('PORT', String(server.port)))));
    expect(error.code).toBe('POLICY_VIOLATION');
    expect(error.details.rule).toBe('default_deny');
    expect(server.connections).toBe(0);
  });

  it('S-12: a name resolving to a blocked address never connects', async () => {
    const server = await serve(ok);
    const resolver = stubResolver({ 'svc.test': ['127.0.0.1'] });
    const error = await failureOf(client({ resolver }).send(get(`http://svc.test:${server.port}/`)));
    expect(error.details).toMatchObject({ rule: 'default_deny', category: 'loopback' });
    expect(server.connections).toBe(0);
  });

  it('S-14: a mixed answer is refused even though one address is allowed', async () => {
    const server = await serve(ok);
    const resolver = stubResolver({ 'mixed.test': ['127.0.0.1', '10.0.0.7'] });
    const error = await failureOf(
      client({ resolver, allowedAddresses: ['127.0.0.1'] }).send(get(`http://mixed.test:${server.port}/`)),
    );
    expect(error.details).toMatchObject({ rule: 'default_deny', address: '10.0.0.7' });
    expect(server.connections).toBe(0);
  });
});

describe('allowed requests', () => {
  it('reaches an explicitly allowed loopback origin with the URL host as Host header', async () => {
    const server = await serve(ok);
    const response = await client({ allowedAddresses: ['127.0.0.1'] }).send(
      get(`${server.origin}/items?x=1`),
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ ok: true });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/items?x=1' });
    expect(server.requests[0]?.headers.host).toBe(`127.0.0.1:${server.port}`);
  });

  it('S-13: connects to the checked answer only, so a rebinding second answer is never used', async () => {
    const checked = await serve(ok);
    const rebound = await serve(ok, { host: '127.0.0.2', port: checked.port });
    const resolver = stubResolver({ 'rebind.test': (call) => (call === 0 ? ['127.0.0.1'] : ['127.0.0.2']) });
    const http = client({ resolver, allowedAddresses: ['127.0.0.1'] });

    const response = await http.send(get(`http://rebind.test:${checked.port}/`));
    expect(response.status).toBe(200);
    expect(checked.requests).toHaveLength(1);
    expect(checked.requests[0]?.headers.host).toBe(`rebind.test:${checked.port}`);
    expect(resolver.calls).toEqual(['rebind.test']);
    expect(rebound.connections).toBe(0);

    // The next request resolves again, sees the rebound answer and refuses it.
    const error = await failureOf(http.send(get(`http://rebind.test:${checked.port}/`)));
    expect(error.details).toMatchObject({ rule: 'default_deny', address: '127.0.0.2' });
    expect(rebound.connections).toBe(0);
  });

  it('S-18: the backslash form connects to the host that was checked', async () => {
    const server = await serve(ok);
    const resolver = stubResolver({ 'public.example': ['127.0.0.1'] });
    const http = client({ resolver, allowedHosts: ['public.example'] });
    const response = await http.send(get(`http://public.example:${server.port}\\@127.0.0.2/`));
    expect(response.url.hostname).toBe('public.example');
    expect(server.requests[0]?.url).toBe('/@127.0.0.2/');
    expect(server.requests[0]?.headers.host).toBe(`public.example:${server.port}`);
  });

  it('S-21: HTTP_PROXY in the environment is ignored; the guard still decides', async () => {
    const proxy = await serve(ok);
    const server = await serve(ok);
    for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY']) {
      vi.stubEnv(name, proxy.origin);
    }
    const http = client({ allowedAddresses: ['127.0.0.1'] });
    await http.send(get(`${server.origin}/direct`));
    expect(server.requests.map((request) => request.url)).toEqual(['/direct']);

    const error = await failureOf(http.send(get(`http://127.0.0.2:${server.port}/`)));
    expect(error.code).toBe('POLICY_VIOLATION');
    expect(proxy.connections).toBe(0);
  });

  it('fails with UNAVAILABLE when nothing listens on an allowed address', async () => {
    const server = await serve(ok);
    const port = server.port;
    await server.close();
    const error = await failureOf(
      client({ allowedAddresses: ['127.0.0.1'] }).send(get(`http://127.0.0.1:${port}/`)),
    );
    expect(error.code).toBe('UNAVAILABLE');
  });

  it('trusts a configured CA for HTTPS', async () => {
    const server = await serve(ok, { tls: true });
    const response = await client({ allowedAddresses: ['127.0.0.1'] }, { ca: TEST_CA }).send(
      get(`${server.origin}/`),
    );
    expect(response.status).toBe(200);
  });

  it('refuses to configure Host, framing headers or header values with line breaks', async () => {
    const http = client({ allowedAddresses: ['127.0.0.1'] });
    for (const headers of [
      { Host: 'internal' },
      { 'Transfer-Encoding': 'chunked' },
      { 'X-A': 'a\r\nX-B: b' },
    ]) {
      const error = await failureOf(http.send(get('http://127.0.0.1:1/', { headers })));
      expect(error.code).toBe('VALIDATION');
    }
  });
});

describe('redirects (S-15, S-16, U-257)', () => {
  it('S-15: re-validates every hop and refuses a redirect to a blocked address', async () => {
    const blocked = await serve(ok, { host: '127.0.0.2' });
    const origin = await serve((_request, response) => {
      response.writeHead(302, { location: `${blocked.origin}/` }).end();
    });
    const error = await failureOf(client({ allowedAddresses: ['127.0.0.1'] }).send(get(`${origin.origin}/`)));
    expect(error.details).toMatchObject({ rule: 'default_deny', address: '127.0.0.2' });
    expect(origin.requests).toHaveLength(1);
    expect(blocked.connections).toBe(0);
  });

  it('U-257: refuses a redirect to a host the handler policy blocks', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/start') response.writeHead(302, { location: '/next' }).end();
      else replyJson(response, 200, {});
    });
    const resolver = stubResolver({ 'a.test': ['127.0.0.1'], 'b.test': ['127.0.0.1'] });
    const guard = createEgressGuard({ resolver, allowedAddresses: ['127.0.0.1'] }).restrict({
      blockedDomains: ['b.test'],
    });
    const redirecting = await serve((_request, response) => {
      response.writeHead(301, { location: `http://b.test:${server.port}/next` }).end();
    });
    const error = await failureOf(
      createHttpClient({ guard }).send(get(`http://a.test:${redirecting.port}/`)),
    );
    expect(error.details).toMatchObject({ rule: 'domain_blocked', url_host: 'b.test' });
    expect(server.connections).toBe(0);
  });

  it('S-15: follows at most 5 redirects', async () => {
    const loop = await serve((_request, response) => response.writeHead(302, { location: '/again' }).end());
    const error = await failureOf(client({ allowedAddresses: ['127.0.0.1'] }).send(get(`${loop.origin}/`)));
    expect(error.details.rule).toBe('max_redirects');
    expect(loop.requests).toHaveLength(6);
  });

  it('S-16: drops credentials on a cross-origin hop and keeps them on a same-origin hop', async () => {
    const other = await serve(ok);
    const origin = await serve((request, response) => {
      const location = request.url === '/same' ? '/cross' : `${other.origin}/landed`;
      response.writeHead(302, { location }).end();
    });
    const headers = {
      Authorization: 'Bearer token',
      Cookie: 'session=1',
      'Proxy-Authorization': 'Basic eA==',
      'X-Api-Key': 'key',
      'X-Trace': 'trace-1',
    };
    const http = client({ allowedAddresses: ['127.0.0.1'] });
    const response = await http.send(
      get(`${origin.origin}/same`, { headers, credentialHeaders: ['X-Api-Key'] }),
    );
    expect(response.redirects).toBe(2);
    expect(origin.requests[1]?.headers.authorization).toBe('Bearer token');
    const landed = other.requests[0]?.headers ?? {};
    expect(landed['x-trace']).toBe('trace-1');
    for (const name of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) {
      expect(landed[name]).toBeUndefined();
    }
  });

  it('turns POST into a body-less GET on 303 and keeps method and body on 307', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/see-other') response.writeHead(303, { location: '/result' }).end();
      else if (request.url === '/temporary') response.writeHead(307, { location: '/result' }).end();
      else replyJson(response, 200, { method: request.method, body: request.body });
    });
    const http = client({ allowedAddresses: ['127.0.0.1'] });
    const post = (path: string) =>
      http.send({
        url: `${server.origin}${path}`,
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      });
    expect(JSON.parse((await post('/see-other')).body.toString())).toEqual({ method: 'GET', body: '' });
    expect(JSON.parse((await post('/temporary')).body.toString())).toEqual({
      method: 'POST',
      body: '{"a":1}',
    });
  });

  it('S-16: refuses an https → http redirect before following it', async () => {
    const plain = await serve(ok);
    const secure = await serve(
      (_request, response) => response.writeHead(302, { location: `${plain.origin}/` }).end(),
      { tls: true },
    );
    const error = await failureOf(
      client({ allowedAddresses: ['127.0.0.1'] }, { ca: TEST_CA }).send(get(`${secure.origin}/`)),
    );
    expect(error.details.rule).toBe('https_downgrade');
    expect(secure.requests).toHaveLength(1);
    expect(plain.connections).toBe(0);
  });

  it('planRedirect resolves relative locations and keeps the body on 308', () => {
    const hop = planRedirect(
      new URL('https://a.test/x/y'),
      308,
      '../z',
      { url: 'https://a.test/x/y', method: 'PUT', headers: { authorization: 'a' }, body: 'b' },
      new Set(['authorization']),
    );
    expect(String(hop.url)).toBe('https://a.test/z');
    expect(hop).toMatchObject({ method: 'PUT', body: 'b', headers: { authorization: 'a' } });
  });

  it('returns 3xx responses as they are when redirects are disabled', async () => {
    const server = await serve((_request, response) => response.writeHead(302, { location: '/x' }).end());
    const response = await client({ allowedAddresses: ['127.0.0.1'] }, { maxRedirects: 0 }).send(
      get(server.origin),
    );
    expect(response.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });
});

describe('size and time caps (S-20)', () => {
  const allowed = { allowedAddresses: ['127.0.0.1'] };

  it('aborts a body over maxResponseBytes, announced or streamed', async () => {
    const big = Buffer.alloc(64 * 1024, 'a');
    const server = await serve((request, response) => {
      if (request.url === '/announced') response.writeHead(200, { 'content-length': big.length }).end(big);
      else {
        response.writeHead(200);
        response.write(big);
        response.end(big);
      }
    });
    const http = client(allowed, { maxResponseBytes: 16 * 1024 });
    for (const path of ['/announced', '/streamed']) {
      const error = await failureOf(http.send(get(`${server.origin}${path}`)));
      expect(error.details).toMatchObject({ rule: 'max_response_bytes', limit_bytes: 16 * 1024 });
    }
  });

  it('aborts a gzip bomb on the decoded-bytes cap', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(bomb);
    });
    const error = await failureOf(
      client(allowed, { maxResponseBytes: 1024 * 1024 }).send(get(server.origin)),
    );
    expect(error.details.rule).toBe('max_response_bytes');
  });

  it('decodes gzip, deflate and brotli bodies', async () => {
    const { brotliCompressSync, deflateSync } = await import('node:zlib');
    const payload = Buffer.from(JSON.stringify({ hello: 'world' }));
    const encoders: Record<string, (data: Buffer) => Buffer> = {
      gzip: gzipSync,
      deflate: deflateSync,
      br: brotliCompressSync,
    };
    const server = await serve((request, response) => {
      const coding = request.url.slice(1);
      response.writeHead(200, { 'content-encoding': coding }).end(encoders[coding]?.(payload));
    });
    for (const coding of Object.keys(encoders)) {
      const response = await client(allowed).send(get(`${server.origin}/${coding}`));
      expect(response.body.toString()).toBe(payload.toString());
    }
  });

  it('refuses unknown and stacked content codings', async () => {
    const server = await serve((request, response) => {
      const coding = request.url === '/stacked' ? 'gzip, gzip, gzip' : 'zstd';
      response.writeHead(200, { 'content-encoding': coding }).end('x');
    });
    expect((await failureOf(client(allowed).send(get(`${server.origin}/unknown`)))).code).toBe(
      'BACKEND_ERROR',
    );
    expect((await failureOf(client(allowed).send(get(`${server.origin}/stacked`)))).details.rule).toBe(
      'max_content_codings',
    );
  });

  it('times out waiting for headers', async () => {
    const server = await serve(() => {});
    const error = await failureOf(client(allowed, { headersTimeoutMs: 100 }).send(get(server.origin)));
    expect(error.code).toBe('TIMEOUT');
  });

  it('times out when the body goes silent', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200);
      response.write('{');
    });
    const error = await failureOf(client(allowed, { bodyTimeoutMs: 100 }).send(get(server.origin)));
    expect(error.code).toBe('TIMEOUT');
  });

  it('a trickling body is stopped by the caller signal (the total timeout)', async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await serve((_request, response) => {
      response.writeHead(200);
      timers.push(setInterval(() => response.write('x'), 20));
    });
    const signal = AbortSignal.timeout(200);
    const thrown = await client(allowed)
      .send(get(server.origin, { signal }))
      .catch((error: unknown) => error);
    expect(thrown).toBe(signal.reason);
    expect((thrown as Error).name).toBe('TimeoutError');
    for (const timer of timers) clearInterval(timer);
  });

  it('refuses oversized response headers', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'x-big': 'a'.repeat(8 * 1024) }).end();
    });
    const error = await failureOf(client(allowed, { maxHeaderBytes: 4 * 1024 }).send(get(server.origin)));
    expect(error.details.rule).toBe('max_header_bytes');
  });
});

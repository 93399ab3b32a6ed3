import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** One canned answer of the fake model API. */
export type FakeReply =
  | { readonly status?: number; readonly json: unknown; readonly headers?: Record<string, string> }
  | { readonly sse: readonly { readonly event?: string; readonly data: unknown }[] };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/**
 * A loopback HTTP server that speaks a model API's wire format from a queue of replies: JSON
 * bodies with a status, or a `text/event-stream` of SSE events. It records every request. At most
 * `limit` requests are answered (a runaway client cannot loop forever).
 */
export async function startFakeModelServer(replies: FakeReply[], limit = 50) {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      });
      const reply = requests.length > limit ? undefined : replies.shift();
      if (reply === undefined) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { type: 'test_exhausted', message: 'no reply queued' } }));
        return;
      }
      if ('sse' in reply) {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const event of reply.sse) {
          const name = event.event === undefined ? '' : `event: ${event.event}\n`;
          const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
          response.write(`${name}data: ${data}\n\n`);
        }
        response.end();
        return;
      }
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A `serve(replies)` for one test file: each call starts a fake model server, and every server
 * the file started is closed after each test.
 */
export function fakeModelServers(): (replies: FakeReply[]) => ReturnType<typeof startFakeModelServer> {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  return async (replies) => {
    const server = await startFakeModelServer(replies);
    servers.push(server);
    return server;
  };
}

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RemoteCall {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  aborted: boolean;
}

export interface RemoteReply {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
  /** Wait this long (real ms) before answering. */
  readonly delayMs?: number;
}

/**
 * A loopback stand-in for a remote OpenWorkflow runtime: `POST /execute` answers what `reply`
 * says for each call, `POST /cancel` is recorded. At most `limit` calls are answered.
 */
export async function startRemoteRuntime(
  reply: (call: RemoteCall, index: number) => RemoteReply,
  limit = 50,
) {
  const calls: RemoteCall[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const call: RemoteCall = {
        path: request.url ?? '',
        headers: request.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        aborted: false,
      };
      calls.push(call);
      response.on('close', () => {
        if (!response.writableFinished) call.aborted = true;
      });
      if (call.path === '/cancel' || calls.length > limit) {
        response.writeHead(call.path === '/cancel' ? 202 : 500, { 'content-type': 'application/json' });
        response.end('{}');
        return;
      }
      const answer = reply(call, calls.filter((entry) => entry.path === '/execute').length - 1);
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        response.end(answer.text ?? JSON.stringify(answer.json ?? null));
      };
      if (answer.delayMs === undefined) send();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    executes: () => calls.filter((call) => call.path === '/execute'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

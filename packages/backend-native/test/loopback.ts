import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { HostResolver, ResolvedAddress } from '../src/egress-guard.js';

/** One request a loopback server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface LoopbackServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (or `https://`) */
  readonly origin: string;
  readonly requests: readonly RecordedRequest[];
  /** Connections accepted, including ones that never sent a complete request. */
  readonly connections: number;
  close(): Promise<void>;
}

export type Responder = (request: RecordedRequest, response: ServerResponse, raw: IncomingMessage) => void;

export interface LoopbackOptions {
  readonly host?: string;
  readonly port?: number;
  /** Requests answered before the server starts refusing (destroying) connections. */
  readonly maxRequests?: number;
  /** Serve HTTPS with the self-signed fixture certificate ({@link TEST_CA}). */
  readonly tls?: boolean;
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The fixture certificate, which is its own CA: pass it as `ca` to trust the TLS test server. */
export const TEST_CA = fixture('loopback-tls.crt');

/**
 * A `node:http` server bound to a loopback address that records every request and connection.
 * It answers at most `maxRequests` requests, so a runaway client cannot loop forever.
 */
export async function startLoopbackServer(
  respond: Responder,
  options: LoopbackOptions = {},
): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const maxRequests = options.maxRequests ?? 20;
  const requests: RecordedRequest[] = [];
  let connections = 0;
  const listener = (raw: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      if (requests.length >= maxRequests) {
        raw.socket.destroy();
        return;
      }
      const request: RecordedRequest = {
        method: raw.method ?? '',
        url: raw.url ?? '',
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      respond(request, response, raw);
    });
  };
  const server = options.tls
    ? createTlsServer({ key: fixture('loopback-tls.key'), cert: TEST_CA }, listener)
    : createServer(listener);
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    host,
    port,
    origin,
    requests,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Replies with a JSON body. */
export function replyJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export interface StubResolver extends HostResolver {
  /** Host names asked for, in order. */
  readonly calls: readonly string[];
}

/**
 * A resolver answering from a table. A function entry receives the call number for that host
 * (0 for the first), which is how DNS-rebinding answers are staged.
 */
export function stubResolver(
  table: Readonly<Record<string, readonly string[] | ((call: number) => readonly string[])>>,
): StubResolver {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const resolver = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    calls.push(hostname);
    const call = counts.get(hostname) ?? 0;
    counts.set(hostname, call + 1);
    // A trailing dot only marks the name as fully qualified; DNS answers the same.
    const entry = table[hostname.replace(/\.$/, '')];
    if (entry === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    const answers = typeof entry === 'function' ? entry(call) : entry;
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

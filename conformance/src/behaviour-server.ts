/**
 * The behaviour server: a loopback HTTP server the runner hosts so cases can observe a target
 * from outside. Cases reach it through ordinary `kind: http` connectors whose URLs start with
 * `@@BEHAVIOUR@@`; each case run gets its own namespace (`/ns/<nonce>/…`), so cases running in
 * parallel never share call counts, concurrency or order.
 *
 * A route answers with its scripted replies (echo, fixed reply, failure; each optionally after a
 * real delay) and records every call: arrival order, method, path, query, headers, body,
 * in-flight concurrency and whether the client gave up before the answer (cancellation).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reply, RouteSpec } from './case-types.js';
import type { JsonObject, JsonValue } from './json.js';
import { MAX_BEHAVIOUR_BODY_BYTES, MAX_RECORDED_CALLS_PER_ROUTE } from './limits.js';
import { SuiteError } from './suite-error.js';

/** One request the server received. */
export interface RecordedCall {
  readonly route: string;
  /** 0-based position among this route's calls. */
  readonly index: number;
  readonly method: string;
  /** The path after the route name (`/` when none). */
  readonly path: string;
  readonly query: JsonObject;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON when the body is JSON, the text otherwise, absent when empty. */
  body?: JsonValue;
  /** The status the server answered (absent when the client left first). */
  status?: number;
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
}

/** Everything a namespace observed. */
export interface BehaviourRecord {
  /** In order of arrival. */
  readonly calls: readonly RecordedCall[];
  /** Highest number of calls in flight at once, per route and under `*` for the namespace. */
  readonly maxConcurrency: Readonly<Record<string, number>>;
  /** Paths that named no route of the namespace (a typo in a case or a wrong URL from the target). */
  readonly unknownRoutes: readonly string[];
}

export interface BehaviourNamespace {
  /** `http://127.0.0.1:<port>/ns/<nonce>`. */
  readonly url: string;
  snapshot(): BehaviourRecord;
  /** Called with the route of every recorded call as it arrives (before it is answered). */
  onCall(listener: (route: string) => void): void;
  /**
   * Resolves once no call of the namespace is in flight, or after `graceMs`. A runtime's result
   * can overtake the close of a connection it aborted; the record is read after this.
   */
  settled(graceMs: number): Promise<void>;
  /** Forget the namespace; later calls to it get 404 and are not recorded. */
  dispose(): void;
}

export interface BehaviourServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  open(nonce: string, routes: Readonly<Record<string, RouteSpec>>): BehaviourNamespace;
  close(): Promise<void>;
}

interface NamespaceState {
  readonly routes: Readonly<Record<string, RouteSpec>>;
  readonly calls: RecordedCall[];
  readonly listeners: ((route: string) => void)[];
  readonly idleWaiters: (() => void)[];
  readonly perRoute: Map<string, number>;
  readonly inFlight: Map<string, number>;
  readonly maxConcurrency: Record<string, number>;
  readonly unknownRoutes: string[];
}

const ALL_ROUTES = '*';

/**
 * Starts the server on 127.0.0.1 and an ephemeral port.
 *
 * @example
 * const server = await startBehaviourServer();
 * const ns = server.open('a1b2c3', { greet: { sequence: [{ kind: 'echo', envelope: true, delayMs: 0 }] } });
 * // a target POSTs to `${ns.url}/greet` …
 * ns.snapshot().calls.length;
 */
export async function startBehaviourServer(): Promise<BehaviourServer> {
  const namespaces = new Map<string, NamespaceState>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    handle(req, res, namespaces, timers).catch(() => {
      if (!res.headersSent) send(res, 500, { status: 'error', message: 'behaviour server failure' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new SuiteError('BEHAVIOUR_SERVER', `behaviour server could not listen: ${error.message}`)),
    );
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    open(nonce, routes) {
      if (namespaces.has(nonce)) throw new Error(`namespace ${nonce} is already open`);
      const state: NamespaceState = {
        routes,
        calls: [],
        listeners: [],
        idleWaiters: [],
        perRoute: new Map(),
        inFlight: new Map(),
        maxConcurrency: { [ALL_ROUTES]: 0, ...Object.fromEntries(Object.keys(routes).map((r) => [r, 0])) },
        unknownRoutes: [],
      };
      namespaces.set(nonce, state);
      return {
        url: `${origin}/ns/${nonce}`,
        snapshot: () => ({
          calls: state.calls.map((call) => ({ ...call })),
          maxConcurrency: { ...state.maxConcurrency },
          unknownRoutes: [...state.unknownRoutes],
        }),
        onCall: (listener) => {
          state.listeners.push(listener);
        },
        settled: (graceMs) =>
          new Promise<void>((resolve) => {
            if ((state.inFlight.get(ALL_ROUTES) ?? 0) === 0) {
              resolve();
              return;
            }
            const timer = setTimeout(done, graceMs);
            function done() {
              clearTimeout(timer);
              resolve();
            }
            state.idleWaiters.push(done);
          }),
        dispose: () => namespaces.delete(nonce),
      };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  namespaces: Map<string, NamespaceState>,
  timers: Set<NodeJS.Timeout>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const [, ns, nonce, route, ...rest] = url.pathname.split('/');
  const state = ns === 'ns' && nonce ? namespaces.get(nonce) : undefined;
  if (!state) {
    send(res, 404, { status: 'error', code: 'NO_SUCH_NAMESPACE', message: 'unknown behaviour namespace' });
    return;
  }
  const spec = route ? state.routes[route] : undefined;
  if (!route || !spec || !Object.hasOwn(state.routes, route)) {
    state.unknownRoutes.push(url.pathname);
    send(res, 404, {
      status: 'error',
      code: 'NO_SUCH_ROUTE',
      message: `no route ${route ?? ''} in this case`,
    });
    return;
  }
  const index = state.perRoute.get(route) ?? 0;
  if (index >= MAX_RECORDED_CALLS_PER_ROUTE) {
    send(res, 429, { status: 'error', code: 'TOO_MANY_CALLS', message: 'call limit of this route reached' });
    return;
  }
  state.perRoute.set(route, index + 1);
  const call: RecordedCall = {
    route,
    index,
    method: req.method ?? 'GET',
    path: `/${rest.join('/')}`,
    query: queryObject(url.searchParams),
    headers: headerObject(req),
    aborted: false,
  };
  state.calls.push(call);
  for (const listener of state.listeners) listener(route);
  const release = enter(state, route);
  res.on('close', () => {
    if (!res.writableFinished) call.aborted = true;
    release();
  });

  const body = await readBody(req);
  if (body === 'too-large') {
    call.status = 413;
    send(res, 413, { status: 'error', code: 'TOO_LARGE', message: 'request body too large' });
    return;
  }
  if (body !== undefined) call.body = body;
  const reply = spec.sequence[Math.min(index, spec.sequence.length - 1)]!;
  if (reply.delayMs > 0) {
    const finished = await delay(reply.delayMs, res, timers);
    if (!finished) return;
  }
  call.status = answer(res, reply, call);
}

/** Counts the call in flight for its route and the namespace; returns the matching release. */
function enter(state: NamespaceState, route: string): () => void {
  let released = false;
  for (const key of [route, ALL_ROUTES]) {
    const now = (state.inFlight.get(key) ?? 0) + 1;
    state.inFlight.set(key, now);
    state.maxConcurrency[key] = Math.max(state.maxConcurrency[key] ?? 0, now);
  }
  return () => {
    if (released) return;
    released = true;
    for (const key of [route, ALL_ROUTES]) state.inFlight.set(key, (state.inFlight.get(key) ?? 1) - 1);
    if ((state.inFlight.get(ALL_ROUTES) ?? 0) === 0) {
      for (const wake of state.idleWaiters.splice(0)) wake();
    }
  };
}

/** Waits in real time; resolves false if the client left (the timer is then cleared). */
function delay(ms: number, res: ServerResponse, timers: Set<NodeJS.Timeout>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve(true);
    }, ms);
    timers.add(timer);
    res.once('close', () => {
      if (res.writableFinished) return;
      clearTimeout(timer);
      timers.delete(timer);
      resolve(false);
    });
  });
}

function answer(res: ServerResponse, reply: Reply, call: RecordedCall): number {
  switch (reply.kind) {
    case 'echo': {
      const data = call.body ?? call.query;
      send(res, 200, reply.envelope ? { status: 'success', data } : data);
      return 200;
    }
    case 'reply': {
      if (reply.text !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...reply.headers });
        res.end(reply.text);
      } else {
        send(res, reply.status, reply.body ?? null, reply.headers);
      }
      return reply.status;
    }
    case 'fail': {
      if (reply.envelope) {
        send(res, reply.status, {
          status: 'error',
          message: reply.message,
          ...(reply.code !== undefined ? { code: reply.code } : {}),
        });
      } else {
        res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(reply.message);
      }
      return reply.status;
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: JsonValue,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (status === 204 || status === 304) {
    // No content: these statuses never carry a body (nor a content length for one).
    res.writeHead(status, { ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<JsonValue | undefined | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BEHAVIOUR_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function queryObject(params: URLSearchParams): JsonObject {
  const out: JsonObject = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

function headerObject(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

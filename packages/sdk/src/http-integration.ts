import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, isErrorCode, OpenWorkflowError } from '@openworkflow/core';
import type { JsonObject } from '@openworkflow/schemas';
import type { OpenWorkflow } from './open-workflow.js';
import { envelopeOf } from './result.js';

/** Largest request body the connector endpoints read (1 MiB): inputs are small JSON documents. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Options of {@link createConnectorHandler}. */
export interface ConnectorHandlerOptions {
  /** Prefix of every route, e.g. `/plugins`. Default: none. */
  readonly basePath?: string;
  /** Default {@link MAX_REQUEST_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
  /**
   * Decides whether a request may call connectors (authentication is the host's business);
   * `false` answers 403 `PERMISSION_DENIED`. Default: every request may.
   */
  readonly authorize?: (request: Request) => boolean | Promise<boolean>;
}

/** A web-standard request handler: what `fetch`-style servers (and the adapters below) call. */
export type ConnectorFetchHandler = (request: Request) => Promise<Response>;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

function failure(error: unknown, redact: (value: unknown) => unknown): Response {
  const envelope = redact(envelopeOf(error)) as ReturnType<typeof envelopeOf>;
  const status = isErrorCode(envelope.code) ? ERROR_CODES[envelope.code].httpStatus : 500;
  return json(status, envelope);
}

async function readBody(request: Request, limit: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  const tooLarge = () =>
    new OpenWorkflowError('VALIDATION', `Request body exceeds ${limit} bytes`, {
      details: { field: 'body', constraint: 'maxLength', limit },
    });
  if (declared > limit) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader !== undefined) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new OpenWorkflowError('VALIDATION', 'Request body is not valid JSON', {
      details: { field: 'body', constraint: 'json' },
    });
  }
}

/**
 * Exposes every registered connector as `POST <basePath>/<connector>/execute` (the seed's
 * `createSmartifyRouter`), speaking the connector-service contract: the body is
 * `{ "action": "<action>" | "<connector>.<action>", "input": { … } }`; the answer is
 * `{ "status": "success", "data": output }` (200) or the error envelope with the HTTP status of
 * its code (400 `VALIDATION`, 404 `NOT_FOUND`, 502 `BACKEND_ERROR`, …). Inputs are validated
 * against the action's schema; secrets are masked in every answer. `GET <basePath>/<connector>`
 * lists the connector's actions. Built on web-standard `Request`/`Response`; see
 * {@link toNodeListener} and {@link createConnectorRouter} for `node:http` and Express.
 *
 * @example
 * const handle = createConnectorHandler(openworkflow, { basePath: '/plugins' });
 * const response = await handle(new Request('http://localhost/plugins/calculator/execute', {
 *   method: 'POST', body: JSON.stringify({ action: 'add', input: { a: 1, b: 2 } }),
 * }));
 */
export function createConnectorHandler(
  openworkflow: OpenWorkflow,
  options: ConnectorHandlerOptions = {},
): ConnectorFetchHandler {
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const limit = options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;
  const redact = (value: unknown) => openworkflow.secrets.redactor.value(value);
  return async (request) => {
    try {
      const path = new URL(request.url).pathname;
      if (base !== '' && path !== base && !path.startsWith(`${base}/`)) {
        throw new OpenWorkflowError('NOT_FOUND', 'No such route', { details: { path } });
      }
      const segments = path.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
      const [name, verb, ...rest] = segments;
      if (name === undefined || rest.length > 0 || (verb !== undefined && verb !== 'execute')) {
        throw new OpenWorkflowError('NOT_FOUND', 'No such route', { details: { path } });
      }
      const connector = openworkflow.connector(name);
      if (connector === undefined) {
        throw new OpenWorkflowError('NOT_FOUND', `No connector '${name}' is registered`, {
          details: { connector: name },
        });
      }
      if (options.authorize !== undefined && !(await options.authorize(request))) {
        throw new OpenWorkflowError('PERMISSION_DENIED', 'Not allowed to call connectors', {
          details: { connector: connector.id },
        });
      }
      if (verb === undefined) {
        if (request.method !== 'GET') return methodNotAllowed('GET');
        return json(200, {
          id: connector.id,
          name: connector.name,
          description: connector.description,
          actions: connector.actions.map((action) => ({
            name: action.name,
            description: action.description,
            ...(action.input === undefined ? {} : { input: action.input }),
            ...(action.output === undefined ? {} : { output: action.output }),
          })),
        });
      }
      if (request.method !== 'POST') return methodNotAllowed('POST');
      const body = await readBody(request, limit);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new OpenWorkflowError('VALIDATION', 'The body must be a JSON object', {
          details: { field: 'body', constraint: 'type' },
        });
      }
      const { action, input } = body as { action?: unknown; input?: unknown };
      if (typeof action !== 'string' || action === '') {
        throw new OpenWorkflowError('VALIDATION', 'The body needs an "action" string', {
          details: { field: 'action', constraint: 'required' },
        });
      }
      if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
        throw new OpenWorkflowError('VALIDATION', '"input" must be a JSON object', {
          details: { field: 'input', constraint: 'type' },
        });
      }
      const actionName = action.startsWith(`${connector.name}.`)
        ? action.slice(connector.name.length + 1)
        : action;
      const output = await openworkflow.invoke(connector.id, actionName, (input ?? {}) as JsonObject, {
        signal: request.signal,
      });
      return json(200, { status: 'success', data: output });
    } catch (error) {
      return failure(error, redact);
    }
  };
}

function methodNotAllowed(allow: string): Response {
  const response = json(405, {
    status: 'error',
    code: 'VALIDATION',
    message: `Use ${allow}`,
    details: { field: 'method', constraint: 'enum' },
  });
  response.headers.set('allow', allow);
  return response;
}

/** The parts of a `node:http` (or Express) request the adapters read. */
type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

function toWebRequest(request: NodeRequest, url: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(key, item);
  }
  const method = request.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // A body already parsed by a framework (express.json()) is sent on as JSON.
  if (hasBody && request.body !== undefined && typeof request.body === 'object') {
    headers.delete('content-length');
    return new Request(url, { method, headers, body: JSON.stringify(request.body), signal });
  }
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody
      ? {
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              request.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
              request.on('end', () => controller.close());
              request.on('error', (error) => controller.error(error));
            },
          }),
          duplex: 'half',
        }
      : {}),
  } as RequestInit);
}

async function writeResponse(response: Response, target: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  target.writeHead(response.status, headers);
  target.end(Buffer.from(await response.arrayBuffer()));
}

function localUrl(request: NodeRequest, path: string): string {
  const host = request.headers.host ?? 'localhost';
  return new URL(path, `http://${host}`).href;
}

/**
 * Adapts a web-standard handler to `node:http`: `createServer(toNodeListener(handler))`.
 *
 * @example
 * const server = createServer(toNodeListener(createConnectorHandler(openworkflow)));
 * server.listen(8080, '127.0.0.1');
 */
export function toNodeListener(handler: ConnectorFetchHandler) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const aborter = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) aborter.abort();
    });
    const web = toWebRequest(request, localUrl(request, request.url ?? '/'), aborter.signal);
    handler(web)
      .then((answer) => writeResponse(answer, response))
      .catch(() => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ status: 'error', code: 'INTERNAL_ERROR', message: 'Internal error', details: {} }),
        );
      });
  };
}

/** An Express-style middleware: `(req, res, next)`. */
export type ConnectorMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The connector endpoints as Express-style middleware (the seed's `createSmartifyRouter`): mount it
 * with `app.use('/plugins', createConnectorRouter(openworkflow))`. Requests that are not for a
 * registered connector go to `next()`. A body parsed by `express.json()` is used as is.
 */
export function createConnectorRouter(
  openworkflow: OpenWorkflow,
  options: Omit<ConnectorHandlerOptions, 'basePath'> = {},
): ConnectorMiddleware {
  const handler = createConnectorHandler(openworkflow, options);
  return (request, response, next) => {
    // Express strips the mount path from `url`; plain node:http leaves it as is.
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const [name] = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (name === undefined || openworkflow.connector(name) === undefined) {
      next();
      return;
    }
    const aborter = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) aborter.abort();
    });
    const web = toWebRequest(request as NodeRequest, localUrl(request, request.url ?? '/'), aborter.signal);
    handler(web)
      .then((answer) => writeResponse(answer, response))
      .catch(next);
  };
}

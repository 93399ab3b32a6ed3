import {
  type Backend,
  type BackendCapability,
  type BackendContext,
  type BackendRequest,
  type ErrorCode,
  isErrorCode,
  normalizeErrorCode,
  OpenWorkflowError,
  type SecretSource,
} from '@openworkflow/core';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import { request as undiciRequest } from 'undici';
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_INITIAL_MS,
  DEFAULT_RETRY_MAX_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_ERROR_TEXT_CHARS,
  MAX_RESPONSE_BYTES,
} from './limits.js';

/** How the backend authenticates to the remote runtime. */
export interface HttpBackendAuth {
  /** Header name. Default `authorization`. */
  readonly header?: string;
  /** Prefix of the value. Default `Bearer ` for `authorization`, none otherwise. */
  readonly prefix?: string;
  /** The token itself… */
  readonly token?: string;
  /** …or the name of a secret holding it (read from the run's secrets). */
  readonly secret?: string;
}

/** Options of {@link createHttpBackend}. */
export interface HttpBackendOptions {
  /** Base URL of the remote runtime (`https://runtime.example/v1`). Requests go to `<endpoint>/execute`. */
  readonly endpoint: string;
  /** Registered name. Default `http`. */
  readonly name?: string;
  /** What it may run. Default: actions, agents and workflows. */
  readonly capabilities?: readonly BackendCapability[];
  readonly auth?: HttpBackendAuth;
  /** Where `auth.secret` is resolved when the run's secrets do not hold it. */
  readonly credentials?: SecretSource;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Time limit of one request in ms (also bounded by the step's deadline). Default 30 s. */
  readonly timeoutMs?: number;
  /** Attempts for 429, 502, 503, 504 and connection failures. Default 3. */
  readonly maxAttempts?: number;
  readonly retryInitialDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /** Where a cancellation is announced (`POST`, `{requestId}`); `null` to announce nothing. Default `/cancel`. */
  readonly cancelPath?: string | null;
}

/** Statuses worth another attempt: the remote is busy or briefly unreachable, not wrong. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

function codeForStatus(status: number): ErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'UNAVAILABLE';
  if (status >= 500) return 'UNAVAILABLE';
  return 'BACKEND_ERROR';
}

/** The body of a delegated request (spec/agents-execution.md, "The HTTP backend"). */
function bodyOf(request: BackendRequest): JsonObject {
  switch (request.kind) {
    case 'action':
      // The connector service contract: `<plugin>.<action>` and the input.
      return {
        action: `${request.connector.name}.${request.action.name}`,
        connector: request.connector.id,
        input: request.input,
      };
    case 'agent':
      return {
        kind: 'agent',
        agent: request.agentRef,
        input: request.input,
        ...(request.handoff === undefined ? {} : { handoff: request.handoff as unknown as JsonObject }),
      };
    case 'workflow':
      return {
        kind: 'workflow',
        workflow: request.workflow.id ?? request.workflow.name,
        inputs: request.inputs,
      };
  }
}

function retryAfterMs(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/**
 * The `http` backend: runs action, agent and workflow steps on a remote runtime by `POST
 * <endpoint>/execute` (the connector service contract of spec §14.3, extended with `kind` for
 * agents and workflows), with an auth header, a per-request time limit bounded by the step's
 * deadline, retries with backoff on the engine clock, and cancellation propagated by aborting the
 * request and announcing it at `cancelPath`.
 *
 * @example
 * const engine = createEngine({ backends: [createHttpBackend({ endpoint: 'https://runtime.internal', auth: { secret: 'RUNTIME_TOKEN' } })] });
 */
export function createHttpBackend(options: HttpBackendOptions): Backend {
  const name = options.name ?? 'http';
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const cancelPath = options.cancelPath === undefined ? '/cancel' : options.cancelPath;

  async function tokenFor(context: BackendContext): Promise<string | undefined> {
    const auth = options.auth;
    if (auth?.token !== undefined) return auth.token;
    if (auth?.secret === undefined) return undefined;
    const known = context.secrets.get(auth.secret);
    if (known !== undefined || options.credentials === undefined) return known;
    const resolved = await options.credentials.resolve([auth.secret], {
      runId: context.runId,
      workflowName: context.workflowName,
      workflowResource: context.workflowName,
      requesters: { [auth.secret]: [{ kind: 'workflow', workflow: context.workflowName }] },
    });
    return resolved[auth.secret];
  }

  function headersFor(context: BackendContext, token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': context.idempotencyKey,
      'x-openworkflow-run-id': context.runId,
      'x-openworkflow-step-id': context.stepId,
      ...options.headers,
    };
    const auth = options.auth;
    if (auth !== undefined) {
      if (token === undefined) {
        throw new OpenWorkflowError('PERMISSION_DENIED', `The ${name} backend has no credential to send`, {
          details: { backend: name, ...(auth.secret === undefined ? {} : { secret: auth.secret }) },
        });
      }
      const header = (auth.header ?? 'authorization').toLowerCase();
      const prefix = auth.prefix ?? (header === 'authorization' ? 'Bearer ' : '');
      headers[header] = `${prefix}${token}`;
    }
    return headers;
  }

  async function post(
    path: string,
    body: JsonObject,
    headers: Record<string, string>,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<Answer> {
    const response = await undiciRequest(`${endpoint}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_RESPONSE_BYTES) {
        response.body.destroy();
        throw new OpenWorkflowError(
          'BACKEND_ERROR',
          `The ${name} backend answered with more than ${MAX_RESPONSE_BYTES} bytes`,
          {
            details: { backend: name, limit: MAX_RESPONSE_BYTES },
          },
        );
      }
      chunks.push(chunk as Buffer);
    }
    return {
      status: response.statusCode,
      headers: response.headers,
      text: Buffer.concat(chunks).toString('utf8'),
    };
  }

  function interpret(answer: Answer): JsonValue {
    let parsed: unknown;
    try {
      parsed = answer.text === '' ? null : JSON.parse(answer.text);
    } catch {
      parsed = undefined;
    }
    const envelope =
      parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as JsonObject)
        : undefined;
    if (envelope?.status === 'error') {
      const connectorCode = typeof envelope.code === 'string' ? envelope.code : undefined;
      const normalized = connectorCode === undefined ? undefined : normalizeErrorCode(connectorCode);
      const code: ErrorCode =
        normalized !== undefined && isErrorCode(normalized)
          ? normalized
          : answer.status >= 400
            ? codeForStatus(answer.status)
            : 'BACKEND_ERROR';
      throw new OpenWorkflowError(
        code,
        typeof envelope.message === 'string' ? envelope.message : 'The remote runtime reported an error',
        {
          details: {
            backend: name,
            status: answer.status,
            ...(connectorCode === undefined ? {} : { connector_code: connectorCode }),
          },
        },
      );
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new OpenWorkflowError(
        codeForStatus(answer.status),
        `The ${name} backend answered HTTP ${answer.status}`,
        {
          details: { backend: name, status: answer.status, body: answer.text.slice(0, MAX_ERROR_TEXT_CHARS) },
        },
      );
    }
    if (envelope?.status === 'success') return (envelope.data ?? null) as JsonValue;
    if (parsed === undefined) {
      throw new OpenWorkflowError(
        'BACKEND_ERROR',
        `The ${name} backend answered with text that is not JSON`,
        {
          details: { backend: name, status: answer.status },
        },
      );
    }
    // A bare JSON value (the weather README's service) is the output as it is.
    return parsed as JsonValue;
  }

  function announceCancel(context: BackendContext, headers: Record<string, string>): void {
    if (cancelPath === null) return;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    // Best effort: the step is already canceled whatever the remote answers.
    post(
      cancelPath,
      { requestId: context.idempotencyKey, runId: context.runId, stepId: context.stepId },
      headers,
      controller.signal,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    )
      .catch(() => undefined)
      .finally(() => clearTimeout(timer));
  }

  return {
    name,
    version: '0.1.0',
    capabilities: options.capabilities ?? ['action', 'agent', 'workflow'],
    async execute(request: BackendRequest, context: BackendContext): Promise<JsonValue> {
      const headers = headersFor(context, await tokenFor(context));
      const body = bodyOf(request);
      let delay = options.retryInitialDelayMs ?? DEFAULT_RETRY_INITIAL_MS;
      const maxDelay = options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_MS;
      for (let attempt = 1; ; attempt++) {
        const remaining =
          context.deadline === undefined ? Number.POSITIVE_INFINITY : context.deadline - context.clock.now();
        const timeoutMs = Math.max(1, Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, remaining));
        const controller = new AbortController();
        const onAbort = () => controller.abort(context.signal.reason);
        context.signal.addEventListener('abort', onAbort, { once: true });
        const timer = setTimeout(
          () => controller.abort(new OpenWorkflowError('TIMEOUT', 'timeout')),
          timeoutMs,
        );
        let answer: Answer | undefined;
        let failure: OpenWorkflowError | undefined;
        try {
          answer = await post('/execute', body, headers, controller.signal, timeoutMs);
        } catch (error) {
          if (context.signal.aborted) {
            announceCancel(context, headers);
            throw context.signal.reason ?? error;
          }
          failure =
            error instanceof OpenWorkflowError && error.code !== 'TIMEOUT'
              ? error
              : controller.signal.aborted || (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT'
                ? new OpenWorkflowError(
                    'TIMEOUT',
                    `The ${name} backend did not answer within ${timeoutMs} ms`,
                    {
                      details: { backend: name, timeout_ms: timeoutMs },
                    },
                  )
                : new OpenWorkflowError('UNAVAILABLE', `The ${name} backend could not be reached`, {
                    details: {
                      backend: name,
                      original_error: error instanceof Error ? error.message : String(error),
                    },
                    cause: error,
                  });
        } finally {
          clearTimeout(timer);
          context.signal.removeEventListener('abort', onAbort);
        }
        const retryable =
          failure !== undefined ? failure.code === 'UNAVAILABLE' : RETRY_STATUSES.has(answer!.status);
        if (!retryable || attempt >= maxAttempts) {
          if (failure !== undefined) throw failure;
          return interpret(answer!);
        }
        const wait = Math.min(
          maxDelay,
          (answer === undefined ? undefined : retryAfterMs(answer.headers)) ?? delay,
        );
        delay = Math.min(maxDelay, delay * 2);
        await context.clock.sleep(wait, context.signal).catch((error: unknown) => {
          throw context.signal.reason ?? error;
        });
      }
    },
  };
}

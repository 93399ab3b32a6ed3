import {
  checkActionInput,
  type ExecutionMode,
  type HandlerContext,
  type HandlerExecutor,
  type Logger,
  missingExecutorError,
  OpenWorkflowError,
  type SecretAccessor,
  toOpenWorkflowError,
} from '@openworkflow/core';
import type { Connector, JsonObject, JsonValue } from '@openworkflow/schemas';
import type { SecretsRuntime } from '@openworkflow/secrets';

/** Options of `openworkflow.invoke`. */
export interface InvokeOptions {
  /** Aborting it cancels the call (`CANCELED`). */
  readonly signal?: AbortSignal;
  /** The id handlers see as `runId` (default: generated). */
  readonly invocationId?: string;
}

/** What a direct invocation needs from its `OpenWorkflow`. */
export interface InvokeServices {
  readonly connector: (reference: string) => Connector | undefined;
  readonly executors: ReadonlyMap<string, HandlerExecutor>;
  readonly secrets: SecretsRuntime;
  readonly environment: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly executionMode: ExecutionMode;
  readonly newId: () => string;
  readonly now: () => number;
}

/** `secrets.NAME` or a bare `${NAME}` in a handler config (the engine reads them the same way). */
const HANDLER_SECRET_REFERENCE = /secrets\.([A-Za-z_][A-Za-z0-9_]*)|\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;

function secretNames(connector: Connector, actionName: string): string[] {
  const action = connector.actions.find((candidate) => candidate.name === actionName);
  const names = new Set<string>();
  for (const match of JSON.stringify(action?.handler ?? {}).matchAll(HANDLER_SECRET_REFERENCE)) {
    names.add((match[1] ?? match[2])!);
  }
  return [...names].sort();
}

function accessorOf(values: Readonly<Record<string, string>>): SecretAccessor {
  return {
    get: (name) => (Object.hasOwn(values, name) ? values[name] : undefined),
    has: (name) => Object.hasOwn(values, name),
    names: () => Object.keys(values),
  };
}

/** An error safe to hand back to a caller: message and details masked, no cause. */
function masked(secrets: SecretsRuntime, thrown: unknown): OpenWorkflowError {
  const error = toOpenWorkflowError(thrown, 'BACKEND_ERROR');
  const envelope = secrets.redactor.envelope(error);
  return new OpenWorkflowError(envelope.code, envelope.message, { details: envelope.details });
}

/** See `OpenWorkflow.invoke`. */
export async function invokeAction(
  services: InvokeServices,
  reference: string,
  actionName: string,
  input: JsonObject,
  options: InvokeOptions,
): Promise<JsonValue> {
  const connector = services.connector(reference);
  if (connector === undefined) {
    throw new OpenWorkflowError('NOT_FOUND', `No connector '${reference}' is registered`, {
      details: { connector: reference },
    });
  }
  const action = connector.actions.find((candidate) => candidate.name === actionName);
  if (action === undefined) {
    throw new OpenWorkflowError('NOT_FOUND', `Connector ${connector.id} has no action '${actionName}'`, {
      details: { connector: connector.id, action: actionName },
    });
  }
  let checked: JsonObject;
  try {
    checked = checkActionInput(connector, action, input);
  } catch (error) {
    throw masked(services.secrets, error);
  }
  const executor = services.executors.get(action.handler.type);
  if (executor === undefined) {
    throw missingExecutorError(action.handler.type, connector.id);
  }
  const invocationId = options.invocationId ?? services.newId();
  const names = secretNames(connector, action.name);
  const requester = { kind: 'connector', connector: connector.id, workflow: connector.id } as const;
  let values: Readonly<Record<string, string>> = {};
  try {
    if (names.length > 0) {
      values = await services.secrets.source.resolve(names, {
        runId: invocationId,
        workflowName: connector.id,
        workflowResource: connector.id,
        requesters: Object.fromEntries(names.map((name) => [name, [requester]])),
      });
    }
  } catch (error) {
    throw masked(services.secrets, error);
  }

  const timeoutMs =
    action.handler.type === 'http'
      ? (action.handler.timeoutMs ?? connector.runtime.timeoutMs)
      : connector.runtime.timeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new OpenWorkflowError('TIMEOUT', `Action exceeded its timeout of ${timeoutMs} ms`, {
        details: { timeout_ms: timeoutMs },
      }),
    );
  }, timeoutMs);
  const onAbort = () =>
    controller.abort(new OpenWorkflowError('CANCELED', 'Invocation canceled by the caller'));
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const context: HandlerContext = {
    runId: invocationId,
    workflowId: invocationId,
    workflowName: '',
    stepId: action.name,
    stepName: action.name,
    attempt: 1,
    idempotencyKey: `${invocationId}:${action.name}`,
    inputs: {},
    previousSteps: {},
    environment: services.environment,
    secrets: accessorOf(values),
    signal: controller.signal,
    deadline: services.now() + timeoutMs,
    executionMode: services.executionMode,
    traceId: invocationId,
    logger: services.logger.child({
      invocation_id: invocationId,
      connector: connector.id,
      action: action.name,
    }),
  };
  try {
    const output = await executor.execute({ connector, action, input: checked, context });
    return services.secrets.guardStepOutput(action.name, output);
  } catch (error) {
    throw masked(services.secrets, controller.signal.aborted ? controller.signal.reason : error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

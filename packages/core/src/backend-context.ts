import type { Connector, JsonObject, JsonValue } from '@openworkflow/schemas';
import type {
  AgentEventType,
  BackendContext,
  ConfirmationDecision,
  ConfirmationRequest,
  ToolActionRequest,
} from './backend.js';
import type { Clock } from './clock.js';
import { missingExecutorError, toOpenWorkflowError } from './errors.js';
import type { ExecutionMode, HandlerContext, Logger, SecretAccessor, StepView } from './handler.js';
import { interruptIdFor, notifyApproval } from './kind-wait.js';
import type { RunExecution, StepCall } from './run-execution.js';
import { checkActionInput } from './step-helpers.js';

/**
 * The context of one backend call. A class that copies the handler context's fields (rather than
 * `Object.create` over it): the handler context keeps its scope in a private field, which a
 * derived object could not read through the `signal` getter.
 */
class BackendAttemptContext implements BackendContext {
  readonly runId: string;
  readonly workflowId: string;
  readonly workflowName: string;
  readonly stepId: string;
  readonly stepName: string;
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly inputs: JsonObject;
  readonly previousSteps: Readonly<Record<string, StepView>>;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: SecretAccessor;
  readonly executionMode: ExecutionMode;
  readonly traceId?: string;
  readonly deadline?: number;
  readonly backend: string;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  readonly clock: Clock;
  readonly #exec: RunExecution;
  readonly #call: StepCall;
  readonly #handler: HandlerContext;

  constructor(exec: RunExecution, call: StepCall, backend: string) {
    const handler = exec.handlerContext(call);
    this.#exec = exec;
    this.#call = call;
    this.#handler = handler;
    this.runId = handler.runId;
    this.workflowId = handler.workflowId;
    this.workflowName = handler.workflowName;
    this.stepId = handler.stepId;
    this.stepName = handler.stepName;
    this.attempt = handler.attempt;
    this.idempotencyKey = handler.idempotencyKey;
    this.inputs = handler.inputs;
    this.previousSteps = handler.previousSteps;
    this.environment = handler.environment;
    this.secrets = handler.secrets;
    this.executionMode = handler.executionMode;
    if (handler.traceId !== undefined) this.traceId = handler.traceId;
    if (handler.deadline !== undefined) this.deadline = handler.deadline;
    this.backend = backend;
    this.metadata = { path: call.path };
    this.clock = exec.clock;
  }

  get signal(): AbortSignal {
    return this.#handler.signal;
  }

  get logger(): Logger {
    return this.#handler.logger;
  }

  async connector(reference: string): Promise<Connector | undefined> {
    return await this.#exec.connector(reference);
  }

  async invokeAction(request: ToolActionRequest): Promise<JsonValue> {
    const { connector, action } = request;
    const input = checkActionInput(connector, action, request.input);
    const executor = this.#exec.services.handlers.get(action.handler.type);
    if (executor === undefined) {
      throw missingExecutorError(action.handler.type, connector.id);
    }
    const context: HandlerContext = Object.create(this.#handler, {
      idempotencyKey: { value: `${this.idempotencyKey}:${request.key}`, enumerable: true },
      // The getters of the handler context read its private scope: bind them to it.
      signal: { get: () => this.#handler.signal, enumerable: true },
      canceled: { get: () => this.#handler.canceled, enumerable: true },
      logger: { get: () => this.#handler.logger, enumerable: true },
    });
    try {
      const output = await executor.execute({ connector, action, input, context });
      return output === undefined ? null : output;
    } catch (thrown) {
      throw toOpenWorkflowError(thrown, 'BACKEND_ERROR', {
        connector: connector.id,
        action: action.name,
        ...(thrown instanceof Error ? { original_error: thrown.message } : {}),
      });
    }
  }

  emit(type: AgentEventType, data: JsonObject): void {
    // A step that already ended (timed out, canceled) adds nothing more to the log.
    if (this.#call.scope.aborted || this.#exec.halted) return;
    this.#exec.emit(type, {
      stepId: this.stepId,
      path: this.#call.path,
      attempt: this.attempt,
      data,
      causationId: this.#call.cause,
    });
  }

  async requestConfirmation(request: ConfirmationRequest): Promise<ConfirmationDecision> {
    const exec = this.#exec;
    const call = this.#call;
    const interruptId = `${interruptIdFor(exec, call.path)}:${request.key}`;
    let interrupt = exec.journal.interrupts.get(interruptId);
    if (interrupt === undefined) {
      const limit = Math.min(
        request.timeoutMs ?? exec.services.limits.maxEventWaitMs,
        exec.services.limits.maxEventWaitMs,
      );
      const data: JsonObject = {
        interruptId,
        kind: 'tool-confirmation',
        stepId: call.step.id,
        path: call.path,
        approvers: [...(request.approvers ?? [])],
        message: request.message,
        deadline: exec.clock.now() + limit,
      };
      exec.emit('interrupt.requested', {
        stepId: call.step.id,
        path: call.path,
        data,
        causationId: call.cause,
      });
      interrupt = { data };
      exec.journal.interrupts.set(interruptId, interrupt);
      notifyApproval(exec, 'requested', data);
    }
    const resume = exec.pauseAttempt(call);
    let resolution: JsonObject | undefined;
    try {
      resolution = await exec.waitForInterrupt(interruptId, Number(interrupt.data.deadline), call.scope);
    } finally {
      resume();
    }
    if (resolution === undefined) return { approved: false, timedOut: true, interruptId };
    const decision: { -readonly [K in keyof ConfirmationDecision]: ConfirmationDecision[K] } = {
      approved: resolution.approved === true,
      timedOut: false,
      interruptId,
    };
    if (typeof resolution.by === 'string') decision.by = resolution.by;
    if (typeof resolution.comment === 'string') decision.comment = resolution.comment;
    return decision;
  }
}

/** The context handed to a backend for one attempt of a step. */
export function createBackendContext(exec: RunExecution, call: StepCall, backend: string): BackendContext {
  return new BackendAttemptContext(exec, call, backend);
}

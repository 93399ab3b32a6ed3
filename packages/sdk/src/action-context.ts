import { type HandlerContext, isCanceled, type SecretAccessor, type StepView } from '@openworkflow/core';
import type { JsonObject } from '@openworkflow/schemas';

/**
 * The secrets a handler may read. Read them as `secrets.get('NAME')` or, as the seed contract
 * writes it, `secrets.NAME` / `secrets['NAME']`. Values are non-enumerable: logging or spreading
 * the object shows no value (and every sink masks them anyway).
 */
export type ActionSecrets = SecretAccessor & { readonly [name: string]: unknown };

/**
 * The second argument of every handler: the seed contract's context (spec §12.6) in camelCase,
 * with its snake_case names as aliases.
 */
export interface ActionContext extends Omit<HandlerContext, 'secrets' | 'deadline' | 'traceId'> {
  readonly secrets: ActionSecrets;
  /** Absolute deadline (epoch ms on the engine's clock), when one applies. */
  readonly deadline: number | undefined;
  readonly traceId: string | undefined;
  /** Aliases of the seed contract's names. */
  readonly workflow_id: string;
  readonly run_id: string;
  readonly step_name: string;
  readonly step_id: string;
  readonly previous_steps: Readonly<Record<string, StepView>>;
  readonly execution_mode: HandlerContext['executionMode'];
}

/**
 * A handler registered with `registerHandler` or `action()`: the action's validated input (with
 * schema defaults applied) and the context; returns JSON-serialisable output or throws. A thrown
 * error becomes the taxonomy envelope (`BACKEND_ERROR` unless it is an `OpenWorkflowError`).
 */
export type ActionHandler<Input = JsonObject, Output = unknown> = (
  input: Input,
  context: ActionContext,
) => Output | Promise<Output>;

const METHODS = new Set(['get', 'has', 'names']);

function secretsView(accessor: SecretAccessor): ActionSecrets {
  const view = Object.create(null) as Record<string, unknown>;
  Object.defineProperties(view, {
    get: { value: (name: string) => accessor.get(name) },
    has: { value: (name: string) => accessor.has(name) },
    names: { value: () => accessor.names() },
  });
  for (const name of accessor.names()) {
    if (METHODS.has(name)) continue;
    Object.defineProperty(view, name, { get: () => accessor.get(name), enumerable: false });
  }
  return Object.freeze(view) as ActionSecrets;
}

/**
 * The SDK's view of the engine's handler context. A class with delegating getters: the engine
 * creates `signal` and `logger` lazily, and a spread would force (or lose) them.
 */
class SdkActionContext implements ActionContext {
  readonly #context: HandlerContext;
  #secrets: ActionSecrets | undefined;

  constructor(context: HandlerContext) {
    this.#context = context;
  }

  get runId() {
    return this.#context.runId;
  }
  get workflowId() {
    return this.#context.workflowId;
  }
  get workflowName() {
    return this.#context.workflowName;
  }
  get stepId() {
    return this.#context.stepId;
  }
  get stepName() {
    return this.#context.stepName;
  }
  get attempt() {
    return this.#context.attempt;
  }
  get idempotencyKey() {
    return this.#context.idempotencyKey;
  }
  get inputs() {
    return this.#context.inputs;
  }
  get previousSteps() {
    return this.#context.previousSteps;
  }
  get environment() {
    return this.#context.environment;
  }
  get secrets(): ActionSecrets {
    this.#secrets ??= secretsView(this.#context.secrets);
    return this.#secrets;
  }
  get signal() {
    return this.#context.signal;
  }
  get canceled(): boolean {
    return isCanceled(this.#context);
  }
  get deadline() {
    return this.#context.deadline;
  }
  get executionMode() {
    return this.#context.executionMode;
  }
  get traceId() {
    return this.#context.traceId;
  }
  get logger() {
    return this.#context.logger;
  }
  get workflow_id() {
    return this.#context.workflowId;
  }
  get run_id() {
    return this.#context.runId;
  }
  get step_name() {
    return this.#context.stepName;
  }
  get step_id() {
    return this.#context.stepId;
  }
  get previous_steps() {
    return this.#context.previousSteps;
  }
  get execution_mode() {
    return this.#context.executionMode;
  }
}

/** The SDK's view of the engine's handler context. */
export function actionContext(context: HandlerContext): ActionContext {
  return new SdkActionContext(context);
}

/**
 * The same context with another secrets accessor. A proxy, not a copy: the engine's context reads
 * private state in its getters (`signal`, `logger`), which must run on the original object.
 */
export function withSecrets(context: HandlerContext, secrets: SecretAccessor): HandlerContext {
  return new Proxy(context, {
    get: (target, property) => (property === 'secrets' ? secrets : Reflect.get(target, property, target)),
  });
}

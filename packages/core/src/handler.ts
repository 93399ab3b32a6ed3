import type { Action, Connector, Handler, JsonObject, JsonValue } from '@openworkflow/schemas';

/** Structured log sink. Implementations must mask secrets before writing (one masker owns that). */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /** A logger whose lines carry these fields too (run id, step id, attempt, …). */
  child(fields: Readonly<Record<string, unknown>>): Logger;
}

/** A logger that drops everything; the default when none is configured. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/**
 * Read access to the secrets a run is allowed to see. Values are resolved before the step runs,
 * so access is synchronous; names outside the run's scope read as `undefined`.
 */
export interface SecretAccessor {
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** Names visible to this handler (never the values). */
  names(): readonly string[];
}

/** What a handler sees of an earlier step. */
export interface StepView {
  readonly status: 'success' | 'failed' | 'skipped' | 'canceled';
  readonly output: JsonValue;
  readonly error?: { readonly code: string; readonly message: string };
}

export type ExecutionMode = 'local' | 'cloud' | 'hybrid' | 'self_hosted';

/**
 * The second argument of every action handler: the seed SDK contract's context (workflow/run id,
 * step name, inputs, secrets, environment, previous steps) plus cancellation, attempt and logger.
 */
export interface HandlerContext {
  readonly runId: string;
  /** The spec calls the execution id `workflow_id`; this is the same value as `runId`. */
  readonly workflowId: string;
  readonly workflowName: string;
  readonly stepId: string;
  readonly stepName: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Stable across attempts of the same step (and across resume): pass it to providers. */
  readonly idempotencyKey: string;
  readonly inputs: JsonObject;
  readonly previousSteps: Readonly<Record<string, StepView>>;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: SecretAccessor;
  /** Aborted on cancellation and on timeout; handlers must stop promptly when it fires. */
  readonly signal: AbortSignal;
  /**
   * `signal.aborted` without making the signal: the engine creates the `AbortSignal` on first
   * read, and one costs more than a no-op step. Optional (a context built by hand may omit it):
   * read it through `isCanceled(context)`, which falls back to the signal.
   */
  readonly canceled?: boolean;
  /** Absolute deadline (epoch milliseconds on the engine's clock), when one applies. */
  readonly deadline?: number;
  readonly executionMode: ExecutionMode;
  readonly traceId?: string;
  readonly logger: Logger;
}

/** Whether `context`'s attempt is canceled: `canceled` when the context has it, else the signal's state. */
export function isCanceled(context: Pick<HandlerContext, 'canceled' | 'signal'>): boolean {
  return context.canceled ?? context.signal.aborted;
}

/** One call of a connector action, after its input was rendered, defaulted and validated. */
export interface ActionInvocation {
  readonly connector: Connector;
  readonly action: Action;
  readonly input: JsonObject;
  readonly context: HandlerContext;
}

/**
 * Executes actions whose handler is of one type (`function`, `http`, `command`, …). Throw an
 * `OpenWorkflowError` for a classified failure; anything else thrown becomes `BACKEND_ERROR`.
 */
export interface HandlerExecutor {
  readonly type: Handler['type'];
  execute(invocation: ActionInvocation): Promise<JsonValue>;
}

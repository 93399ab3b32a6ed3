import type { JsonObject, JsonValue } from '@openworkflow/schemas';

/**
 * The closed list of event types. Producers never emit anything else; consumers must ignore types
 * they do not know (a newer engine may add some). spec/events.md describes each payload.
 */
export const RUN_EVENT_TYPES = [
  'run.started',
  'run.resumed',
  'run.suspended',
  'run.cancel-requested',
  'run.completed',
  'run.failed',
  'run.canceled',
  'step.started',
  'step.retrying',
  'step.waiting',
  'step.completed',
  'step.failed',
  'step.skipped',
  'step.canceled',
  'signal.received',
  'interrupt.requested',
  'interrupt.resolved',
  'agent.delta',
  'agent.tool-call',
  'agent.usage',
] as const;

export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** The three types that end a run; exactly one of them is the last event of every finished run. */
export const TERMINAL_RUN_EVENT_TYPES: ReadonlySet<RunEventType> = new Set([
  'run.completed',
  'run.failed',
  'run.canceled',
]);

/** Types that end one step instance. */
export const TERMINAL_STEP_EVENT_TYPES: ReadonlySet<RunEventType> = new Set([
  'step.completed',
  'step.failed',
  'step.skipped',
  'step.canceled',
]);

/** True for the registered types (use it to skip unknown ones when folding a log). */
export function isRunEventType(type: unknown): type is RunEventType {
  return typeof type === 'string' && (RUN_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * One entry of a run's append-only log. `sequence` starts at 0 and increases by one per event,
 * never renumbered; it is the only ordering field. `time` is the engine clock in epoch ms.
 *
 * `correlation_id` is the run id, so every event of a run (and of the tool calls it makes) can be
 * joined on one key; `causation_id` names the event (`<runId>:<sequence>`) or the external request
 * that caused this one; `request_id` names the API request (start, resume, signal, cancel,
 * resolve) whose processing produced it.
 */
export interface RunEvent {
  readonly sequence: number;
  readonly type: RunEventType;
  readonly runId: string;
  /** The step's id, on step events. */
  readonly stepId?: string;
  /**
   * The step instance: the step id prefixed by its enclosing instances, with `[i]` for loop
   * iterations and `#n` for attempts of a retried block (`fetch`, `users[3]/send`, `call#2/get`).
   * Unique per instance within a run; resume matches recorded outcomes by it.
   */
  readonly path?: string;
  readonly attempt?: number;
  readonly time: number;
  readonly data: JsonObject;
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly request_id: string;
}

/** The `<runId>:<sequence>` name of an event, used in `causation_id`. */
export function eventId(event: Pick<RunEvent, 'runId' | 'sequence'>): string {
  return `${event.runId}:${event.sequence}`;
}

/** The error shape inside event payloads and step records (the envelope without `status`). */
export interface ErrorData {
  readonly code: string;
  readonly message: string;
  readonly details: JsonObject;
}

/** `step.completed`/`step.failed`/`step.canceled`/`step.skipped` payload. */
export interface StepEndData {
  readonly kind: string;
  readonly output: JsonValue;
  readonly error?: ErrorData;
  readonly attempts: number;
  readonly startedAt?: number;
  readonly durationMs: number;
  /** On `step.failed`: true when `continue_on_error` lets the workflow carry on. */
  readonly continued?: boolean;
  /** On `step.skipped`: why (`condition`). */
  readonly reason?: string;
}

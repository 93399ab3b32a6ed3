import {
  type ErrorData,
  type InterruptDecision,
  OpenWorkflowError,
  type RunEvent,
  type RunResult,
  type StepRecord,
} from '@openworkflow/core';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';

/** The seed contract's error envelope: `{ status: 'error', code, message, details }`. */
export interface ErrorEnvelope {
  readonly status: 'error';
  readonly code: string;
  readonly message: string;
  readonly details: JsonObject;
}

/** One step of a {@link WorkflowResult}. */
export interface StepResult {
  readonly status: StepRecord['status'];
  readonly output: JsonValue;
  readonly error?: ErrorEnvelope;
  readonly attempts: number;
  readonly durationMs: number;
}

/**
 * What `execute` resolves with. A failed or canceled run is a result too (`status` and `error`),
 * never a rejection; secret values are masked in every field.
 */
export interface WorkflowResult {
  readonly runId: string;
  readonly status: 'success' | 'failed' | 'canceled';
  readonly outputs: JsonObject;
  /** Every step that ran, nested ones under their own ids. */
  readonly steps: Readonly<Record<string, StepResult>>;
  readonly error?: ErrorEnvelope;
}

/** Core's error data as the seed's envelope. */
export function toEnvelope(error: ErrorData): ErrorEnvelope {
  return { status: 'error', code: error.code, message: error.message, details: error.details };
}

/** Anything thrown, as the envelope (messages of foreign errors are kept; stacks never are). */
export function envelopeOf(thrown: unknown): ErrorEnvelope {
  const error = OpenWorkflowError.is(thrown)
    ? thrown
    : new OpenWorkflowError('INTERNAL_ERROR', thrown instanceof Error ? thrown.message : String(thrown), {
        details: { error_type: thrown instanceof Error ? thrown.name : typeof thrown },
      });
  const details: JsonObject = {};
  for (const [key, value] of Object.entries(error.details)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    details[key] = typeof value === 'bigint' ? value.toString() : (value as JsonValue);
  }
  return { status: 'error', code: error.code, message: error.message, details };
}

/** The engine's run result in the SDK's shape. */
export function toWorkflowResult(result: RunResult): WorkflowResult {
  const steps: Record<string, StepResult> = {};
  for (const [id, record] of Object.entries(result.steps)) {
    steps[id] = {
      status: record.status,
      output: record.output,
      ...(record.error === undefined ? {} : { error: toEnvelope(record.error) }),
      attempts: record.attempts,
      durationMs: record.durationMs,
    };
  }
  return {
    runId: result.runId,
    status: result.status,
    outputs: result.outputs,
    steps,
    ...(result.error === undefined ? {} : { error: toEnvelope(result.error) }),
  };
}

/**
 * The result with its error envelopes masked (secret values, and details under sensitive field
 * names, as in the event log). Only errors need it: step outputs and workflow outputs passed the
 * secrets runtime's output policy before the engine recorded them, while error messages come from
 * the engine's memory (handlers' own words) and were masked only in the log.
 */
export function maskResult(result: WorkflowResult, mask: <T>(value: T) => T): WorkflowResult {
  let steps: Record<string, StepResult> | undefined;
  for (const [id, step] of Object.entries(result.steps)) {
    if (step.error === undefined) continue;
    steps ??= { ...result.steps };
    steps[id] = { ...step, error: mask(step.error) };
  }
  if (steps === undefined && result.error === undefined) return result;
  return {
    ...result,
    ...(steps === undefined ? {} : { steps }),
    ...(result.error === undefined ? {} : { error: mask(result.error) }),
  };
}

/** A run that failed before it could start (unknown workflow, unavailable mode). */
export function failedResult(runId: string, thrown: unknown): WorkflowResult {
  return { runId, status: 'failed', outputs: {}, steps: {}, error: envelopeOf(thrown) };
}

/**
 * A started run: stream its events, wait for its result, control it.
 *
 * @example
 * const run = workflows.start('Daily Weather Report', { locations: ['Paris'] });
 * for await (const event of run.events()) console.log(event.sequence, event.type, event.stepId ?? '');
 * const result = await run.result;
 */
export interface WorkflowRun {
  readonly id: string;
  /** Events from `fromSequence` (default 0): stored ones, then live ones; ends after the terminal event. */
  events(fromSequence?: number): AsyncIterableIterator<RunEvent>;
  /** Resolves with the result; never rejects. */
  readonly result: Promise<WorkflowResult>;
  /** Cancels the run; `false` when it had already ended. */
  cancel(reason?: string): Promise<boolean>;
  /** Delivers an event to the run's `wait` steps waiting for `name`. */
  signal(name: string, payload?: JsonValue): Promise<void>;
  /** Decides a pending approval. */
  resolveInterrupt(interruptId: string, decision: InterruptDecision): Promise<void>;
}

/** A run that ended before it started: its result is known, it has no events. */
export function settledRun(id: string, result: WorkflowResult): WorkflowRun {
  return {
    id,
    result: Promise.resolve(result),
    events: () => emptyEvents(),
    cancel: async () => false,
    signal: async () => {},
    resolveInterrupt: async () => {},
  };
}

async function* emptyEvents(): AsyncIterableIterator<never> {}

import type { Logger } from '@openworkflow/core';
import { MAX_ERROR_MESSAGE_LENGTH } from './limits.js';
import { type EventObserver, eventError, type ObservedEvent } from './observed-event.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<string, number>> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
  silent: 6,
};

/** The trace ids to put on a log line, when tracing is on. */
export type TraceLookup = (
  event: ObservedEvent,
) => { readonly traceId: string; readonly spanId: string } | undefined;

const LINES: Readonly<Record<string, readonly [Level, string]>> = {
  'run.started': ['info', 'run started'],
  'run.resumed': ['info', 'run resumed'],
  'run.suspended': ['info', 'run suspended'],
  'run.cancel-requested': ['info', 'run cancel requested'],
  'run.completed': ['info', 'run completed'],
  'run.failed': ['error', 'run failed'],
  'run.canceled': ['warn', 'run canceled'],
  'step.started': ['debug', 'step started'],
  'step.retrying': ['warn', 'step retrying'],
  'step.waiting': ['debug', 'step waiting'],
  'step.completed': ['info', 'step completed'],
  'step.failed': ['error', 'step failed'],
  'step.skipped': ['debug', 'step skipped'],
  'step.canceled': ['warn', 'step canceled'],
  'signal.received': ['info', 'signal received'],
  'interrupt.requested': ['info', 'approval requested'],
  'interrupt.resolved': ['info', 'approval resolved'],
};

export interface EventLogOptions {
  /** Trace and span ids for each line (from the event tracer). */
  readonly trace?: TraceLookup;
  /** The logger's level: lines below it are not even built. Default: build everything. */
  readonly level?: string;
}

/**
 * Logs the run event stream (spec §16.5: "the SDK logs action execution, errors and timing"):
 * one line per event with the run id, step id, instance path, attempt, sequence and the
 * correlation, causation and request ids, plus trace and span ids when tracing is on. Inputs and
 * outputs are never logged (spec §13.10 `excludeFields: [input, output]`); error codes and
 * messages are. Levels: step starts at `debug`, completions at `info`, retries and cancellations at
 * `warn`, failures at `error` (`warn` when `continue_on_error` carries the run on).
 *
 * @example
 * const observe = createEventLog(createLogger({ level: 'info' }));
 * observe(event);
 */
export function createEventLog(logger: Logger, options: EventLogOptions = {}): EventObserver {
  const threshold = RANK[options.level ?? 'trace'] ?? 0;
  return (event) => {
    const line = LINES[event.type];
    if (line === undefined) return;
    let [level, message] = line;
    if (event.type === 'step.failed' && event.data.continued === true) level = 'warn';
    // Below the logger's level: skip building the fields at all.
    if (RANK[level]! < threshold) return;
    const fields: Record<string, unknown> = {
      event: event.type,
      run_id: event.runId,
      sequence: event.sequence,
      correlation_id: event.correlation_id,
      causation_id: event.causation_id,
      request_id: event.request_id,
    };
    if (event.stepId !== undefined) fields.step_id = event.stepId;
    if (event.path !== undefined && event.path !== event.stepId) fields.path = event.path;
    if (event.attempt !== undefined) fields.attempt = event.attempt;
    const data = event.data;
    if (typeof data.kind === 'string') fields.kind = data.kind;
    if (typeof data.durationMs === 'number') fields.duration_ms = data.durationMs;
    if (typeof data.attempts === 'number') fields.attempts = data.attempts;
    if (event.type === 'run.started') {
      const workflow = data.workflow as { name?: unknown; version?: unknown } | undefined;
      fields.workflow = workflow?.name;
      fields.workflow_version = workflow?.version;
    }
    if (event.type === 'step.retrying') {
      fields.delay_ms = data.delayMs;
      fields.next_attempt = data.nextAttempt;
    }
    if (event.type === 'step.failed' && data.continued === true) fields.continued = true;
    if (event.type === 'signal.received') fields.signal = data.name;
    if (event.type === 'interrupt.resolved') fields.approved = data.approved;
    const error = eventError(event);
    if (error !== undefined) {
      fields.error_code = error.code;
      fields.error_message = error.message.slice(0, MAX_ERROR_MESSAGE_LENGTH);
    }
    const trace = options.trace?.(event);
    if (trace !== undefined) {
      fields.trace_id = trace.traceId;
      fields.span_id = trace.spanId;
    }
    logger[level](message, fields);
  };
}

import type { Logger } from '@openworkflow/core';
import { jsonString, jsonValue } from './json-text.js';
import { MAX_ERROR_MESSAGE_LENGTH } from './limits.js';
import { type LineLevel, lineWriterOf } from './logger.js';
import { type EventObserver, eventError, type ObservedEvent } from './observed-event.js';

type Level = LineLevel;

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
  /**
   * The logger's level: lines below it are not even built. Default: the level of a logger made by
   * `createLogger`; for any other logger, build everything.
   */
  readonly level?: string;
}

/** Where the fields of one line go, in order. */
interface FieldSink {
  set(name: string, value: unknown): void;
  /** A string field whose value repeats from line to line (run ids, event types, step kinds). */
  setRepeated(name: string, value: string): void;
}

/** Fields as an object, for any `Logger`. */
class RecordFields implements FieldSink {
  readonly record: Record<string, unknown> = {};

  set(name: string, value: unknown): void {
    this.record[name] = value;
  }

  setRepeated(name: string, value: string): void {
    this.record[name] = value;
  }
}

/** Repeated values whose JSON a {@link JsonFields} remembers: a run's ids, its event types and kinds. */
const REMEMBERED_VALUES = 8;

/** Fields as JSON object members (`,"name":value`), for a logger's {@link LineWriter}. */
class JsonFields implements FieldSink {
  text = '';
  readonly #values: string[] = new Array<string>(REMEMBERED_VALUES).fill('');
  readonly #json: string[] = new Array<string>(REMEMBERED_VALUES).fill('""');
  #next = 0;

  // Names are this module's own identifiers: nothing in them needs escaping.
  set(name: string, value: unknown): void {
    const json = jsonValue(value);
    if (json !== undefined) this.text += `,"${name}":${json}`;
  }

  setRepeated(name: string, value: string): void {
    this.text += `,"${name}":${this.#remembered(value)}`;
  }

  /** The JSON of a repeated value: compared by identity first, quoted once while it repeats. */
  #remembered(value: string): string {
    for (let index = 0; index < REMEMBERED_VALUES; index++) {
      if (this.#values[index] === value) return this.#json[index]!;
    }
    const json = jsonString(value);
    this.#values[this.#next] = value;
    this.#json[this.#next] = json;
    this.#next = (this.#next + 1) % REMEMBERED_VALUES;
    return json;
  }
}

/**
 * Logs the run event stream (spec §16.5: "the SDK logs action execution, errors and timing"):
 * one line per event with the run id, step id, instance path, attempt, sequence and the
 * correlation, causation and request ids, plus trace and span ids when tracing is on. Inputs and
 * outputs are never logged (spec §13.10 `excludeFields: [input, output]`); error codes and
 * messages are. Levels: step starts at `debug`, completions at `info`, retries and cancellations at
 * `warn`, failures at `error` (`warn` when `continue_on_error` carries the run on).
 *
 * A logger made by `createLogger` gets the fields serialised in place and written through its
 * line writer (same line, same masking, a fraction of the cost); any other logger gets them as an
 * object.
 *
 * @example
 * const observe = createEventLog(createLogger({ level: 'info' }));
 * observe(event);
 */
export function createEventLog(logger: Logger, options: EventLogOptions = {}): EventObserver {
  const lines = lineWriterOf(logger);
  const threshold = RANK[options.level ?? 'trace'] ?? 0;
  const json = new JsonFields();
  return (event) => {
    const line = LINES[event.type];
    if (line === undefined) return;
    let [level, message] = line;
    if (event.type === 'step.failed' && event.data.continued === true) level = 'warn';
    // Below the logger's level: skip building the fields at all.
    if (RANK[level]! < threshold || (lines !== undefined && !lines.isLevelEnabled(level))) return;
    if (lines === undefined) {
      const fields = new RecordFields();
      describeEvent(event, options.trace, fields);
      logger[level](message, fields.record);
      return;
    }
    json.text = '';
    describeEvent(event, options.trace, json);
    lines.write(level, message, json.text);
  };
}

/** The fields of an event's line, in the order they are written. */
function describeEvent(event: ObservedEvent, traceOf: TraceLookup | undefined, fields: FieldSink): void {
  fields.setRepeated('event', event.type);
  fields.setRepeated('run_id', event.runId);
  fields.set('sequence', event.sequence);
  fields.setRepeated('correlation_id', event.correlation_id);
  fields.set('causation_id', event.causation_id);
  fields.setRepeated('request_id', event.request_id);
  if (event.stepId !== undefined) fields.set('step_id', event.stepId);
  if (event.path !== undefined && event.path !== event.stepId) fields.set('path', event.path);
  if (event.attempt !== undefined) fields.set('attempt', event.attempt);
  const data = event.data;
  if (typeof data.kind === 'string') fields.setRepeated('kind', data.kind);
  if (typeof data.durationMs === 'number') fields.set('duration_ms', data.durationMs);
  if (typeof data.attempts === 'number') fields.set('attempts', data.attempts);
  switch (event.type) {
    case 'run.started': {
      const workflow = data.workflow as { name?: unknown; version?: unknown } | undefined;
      fields.set('workflow', workflow?.name);
      fields.set('workflow_version', workflow?.version);
      break;
    }
    case 'step.retrying':
      fields.set('delay_ms', data.delayMs);
      fields.set('next_attempt', data.nextAttempt);
      break;
    case 'step.failed':
      if (data.continued === true) fields.set('continued', true);
      break;
    case 'signal.received':
      fields.set('signal', data.name);
      break;
    case 'interrupt.resolved':
      fields.set('approved', data.approved);
      break;
  }
  const error = eventError(event);
  if (error !== undefined) {
    fields.set('error_code', error.code);
    fields.set('error_message', error.message.slice(0, MAX_ERROR_MESSAGE_LENGTH));
  }
  const trace = traceOf?.(event);
  if (trace !== undefined) {
    fields.set('trace_id', trace.traceId);
    fields.set('span_id', trace.spanId);
  }
}

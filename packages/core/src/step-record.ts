import type { JsonObject, JsonValue, Step } from '@openworkflow/schemas';
import type { OpenWorkflowError } from './errors.js';
import type { ErrorData } from './events.js';
import type { StepView } from './handler.js';
import { TEMPLATE_STRING } from './templating.js';

export type StepStatus = 'success' | 'failed' | 'skipped' | 'canceled';

/**
 * What one step ended with: `result.steps[id]`, and (as a view) `steps.<id>` in expressions.
 * Times are epoch ms on the engine clock.
 */
export interface StepRecord {
  readonly status: StepStatus;
  readonly output: JsonValue;
  readonly error?: ErrorData;
  /** Attempts made (0 for a skipped step). */
  readonly attempts: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly durationMs: number;
}

/** The JSON form of an error, safe to store: code, message and structured details only. */
export function errorData(error: OpenWorkflowError): ErrorData {
  return { code: error.code, message: error.message, details: toJsonDetails(error.details) };
}

function toJsonDetails(details: Readonly<Record<string, unknown>>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (typeof value === 'bigint') out[key] = value.toString();
    else out[key] = value as JsonValue;
  }
  return out;
}

/** Kinds whose output fields are mirrored onto `steps.<id>` (spec/execution.md, "Step records"). */
const MIRRORED_KINDS = new Set<Step['type']>([
  'if',
  'switch',
  'forEach',
  'parallel',
  'parallel-group',
  'wait',
  'try',
  'transform',
  'handoff',
  'approval',
  'workflow',
]);
const RESERVED = new Set(['status', 'output', 'error', 'attempts', 'durationMs', 'startedAt', 'endedAt']);

/** The `error` object of a step view: renders as its message in mixed text. */
export function errorView(error: ErrorData): JsonObject {
  const view: JsonObject = { code: error.code, message: error.message, details: error.details };
  Object.defineProperty(view, TEMPLATE_STRING, { value: error.message, enumerable: false });
  return view;
}

/**
 * What expressions see at `steps.<id>`: the record, plus — for logic steps and subworkflows — the
 * output's own fields mirrored alongside (`steps.wait.timedOut`, `steps.fmt.result`), and a
 * subworkflow's outputs as `outputs` as well as `output`.
 */
export function stepView(kind: Step['type'], record: StepRecord): StepView & Record<string, unknown> {
  const view: Record<string, unknown> = {
    status: record.status,
    output: record.output,
    attempts: record.attempts,
    durationMs: record.durationMs,
  };
  if (record.error !== undefined) view.error = errorView(record.error);
  const output = record.output;
  if (MIRRORED_KINDS.has(kind) && output !== null && typeof output === 'object' && !Array.isArray(output)) {
    for (const key in output) if (!RESERVED.has(key)) view[key] = output[key];
    if (kind === 'workflow') view.outputs = output;
  }
  return view as StepView & Record<string, unknown>;
}

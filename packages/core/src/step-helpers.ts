import type { Action, Connector, JsonObject, JsonValue } from '@openworkflow/schemas';
import { validateJsonSchema } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';
import type { ErrorData } from './events.js';
import type { Frame } from './frame.js';

/** Rebuilds an error from its stored form. */
export function fromErrorData(data: ErrorData | undefined): OpenWorkflowError {
  if (data === undefined) return new OpenWorkflowError('INTERNAL_ERROR', 'Step failed without an error');
  return new OpenWorkflowError(data.code, data.message, { details: data.details });
}

/**
 * Runs `count` tasks, at most `concurrency` at a time, starting them in index order. A task
 * resolving `false` stops new tasks from starting; running ones finish.
 */
export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<boolean>,
): Promise<void> {
  if (count === 0) return;
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < count) {
      const index = next++;
      if (!(await task(index))) stopped = true;
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(count, concurrency); i++) workers.push(worker());
  await Promise.all(workers);
}

/**
 * Publishes loop iterations' inner records to the enclosing frame: for each inner step id, the
 * record of the highest iteration index that has one (so the outcome does not depend on timing).
 */
export class IterationPublisher {
  readonly #best = new Map<string, { index: number; frame: Frame }>();
  constructor(private readonly parent: Frame) {}

  add(index: number, iteration: Frame): void {
    for (const id of iteration.records.keys()) {
      const current = this.#best.get(id);
      if (current === undefined || current.index < index) this.#best.set(id, { index, frame: iteration });
    }
  }

  flush(): void {
    for (const [id, { frame }] of this.#best) {
      this.parent.adopt(id, frame);
    }
  }
}

/** Validates a step output against a schema: `VALIDATION` with the failing field and keyword. */
export function validateOutput(schema: JsonObject, output: JsonValue, where: string): JsonValue {
  const result = validateJsonSchema(schema, output);
  if (result.valid) return output;
  const issue = result.issues[0]!;
  throw new OpenWorkflowError(
    'VALIDATION',
    `Output does not match ${where}: ${issue.field} ${issue.message}`,
    {
      details: { field: issue.field, constraint: issue.keyword, pointer: issue.pointer, schema: where },
    },
  );
}

/** Children of attempt n > 1 of a retried block live under `path#n`, so each attempt has its own records. */
export function attemptPrefix(path: string, attempt: number, ownRetry = false): string {
  return ownRetry || attempt <= 1 ? path : `${path}#${attempt}`;
}

/**
 * The items of a loop (`forEach.items`, step-level `for_each`): must be an array of at most
 * `limit` entries, else `VALIDATION` naming the field.
 */
export function loopItems(value: JsonValue, field: string, limit: number): JsonValue[] {
  if (!Array.isArray(value)) {
    throw new OpenWorkflowError('VALIDATION', `${field} must be an array`, {
      details: { field, constraint: 'array' },
    });
  }
  if (value.length > limit) {
    throw new OpenWorkflowError('VALIDATION', `${field} has more than ${limit} items`, {
      details: { field, constraint: 'maxItems', limit },
    });
  }
  return value;
}

/**
 * An action's input checked against its input schema, with the schema's defaults applied:
 * `VALIDATION` naming the first failing field, plus `details` (e.g. the step id), otherwise.
 * Every path that calls an action — action steps, agent tools, direct SDK invocations — uses it.
 */
export function checkActionInput(
  connector: Connector,
  action: Action,
  input: JsonObject,
  details: Readonly<Record<string, JsonValue>> = {},
): JsonObject {
  if (action.input === undefined) return input;
  const checked = validateJsonSchema(action.input, input, { applyDefaults: true });
  if (checked.valid) return checked.value as JsonObject;
  const issue = checked.issues[0]!;
  throw new OpenWorkflowError(
    'VALIDATION',
    `Invalid input for ${connector.name}.${action.name}: ${issue.field} ${issue.message}`,
    { details: { field: issue.field, constraint: issue.keyword, pointer: issue.pointer, ...details } },
  );
}

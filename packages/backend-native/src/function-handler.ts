import {
  type HandlerContext,
  type HandlerExecutor,
  isCanceled,
  OpenWorkflowError,
  toOpenWorkflowError,
} from '@openworkflow/core';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import { abortFailure, elapsedSince, type MonotonicClock, monotonicClock } from './attempt-scope.js';
import { misrouted } from './executor-errors.js';

/**
 * An in-process action implementation: receives the validated input and the handler context,
 * returns JSON-serialisable output or throws.
 */
export type ActionFunction = (input: JsonObject, context: HandlerContext) => unknown;

/**
 * Functions by their exact registered name (`calculator.add`). Lookup happens at call time, so a
 * handler may be registered after the connector that names it is loaded.
 *
 * @example
 * const registry = new HandlerRegistry().register('calculator.add', ({ a, b }) => ({ result: Number(a) + Number(b) }));
 */
export class HandlerRegistry {
  readonly #functions = new Map<string, ActionFunction>();

  /** Registers `fn` under `name`; a name can be registered once (unregister it first to replace). */
  register(name: string, fn: ActionFunction): this {
    if (name.trim() === '' || name !== name.trim()) {
      throw new OpenWorkflowError(
        'VALIDATION',
        'Handler names must be non-empty and have no surrounding spaces',
        {
          details: { field: 'name', constraint: 'format' },
        },
      );
    }
    if (this.#functions.has(name)) {
      throw new OpenWorkflowError('VALIDATION', `A handler named '${name}' is already registered`, {
        details: { field: 'name', constraint: 'unique' },
      });
    }
    this.#functions.set(name, fn);
    return this;
  }

  /** Removes a registration; returns whether there was one. */
  unregister(name: string): boolean {
    return this.#functions.delete(name);
  }

  get(name: string): ActionFunction | undefined {
    return this.#functions.get(name);
  }

  has(name: string): boolean {
    return this.#functions.has(name);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.#functions.keys()];
  }
}

/** Options of {@link createFunctionHandler}. */
export interface FunctionHandlerOptions {
  readonly registry: HandlerRegistry;
  /** Default: `performance.now()`. */
  readonly clock?: MonotonicClock;
}

/**
 * The executor for `handler: { function: name }`. An unregistered name fails with `UNAVAILABLE`;
 * a thrown exception becomes the taxonomy envelope (`BACKEND_ERROR` with the exception's class
 * name in `details.error_type` and its own `code` in `details.connector_code`), unless it already
 * is an `OpenWorkflowError`. Cancellation wins immediately: the function keeps running in the
 * background (JavaScript cannot stop it) but its result is ignored.
 */
export function createFunctionHandler(options: FunctionHandlerOptions): HandlerExecutor {
  const clock = options.clock ?? monotonicClock;
  return {
    type: 'function',
    async execute({ action, input, context }) {
      const handler = action.handler;
      if (handler.type !== 'function') throw misrouted(handler.type, 'function');
      const name = handler.function;
      const fn = options.registry.get(name);
      if (fn === undefined) {
        throw new OpenWorkflowError('UNAVAILABLE', `No handler is registered for function '${name}'`, {
          details: { function: name, suggestion: `Register it with registerHandler('${name}', fn)` },
        });
      }
      const started = clock();
      // The function runs on a later microtask, as it always has: never inside the caller's turn.
      await undefined;
      try {
        if (isCanceled(context)) throw context.signal.reason;
        const result = fn(input, context);
        // A synchronous function has finished: there is nothing left to cancel. Only a pending
        // promise races the signal, which is only made now that it is needed (a rejection after
        // cancellation lands in the settled race: no one is left to report it to).
        if (!isThenable(result)) return toJsonOutput(result, name);
        return toJsonOutput(await raceAbort(Promise.resolve(result), context.signal), name);
      } catch (error) {
        if (!isCanceled(context)) throw toOpenWorkflowError(error, 'BACKEND_ERROR', { function: name });
        throw abortFailure(context.signal.reason, elapsedSince(started, clock));
      }
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * `call`'s outcome, or the signal's reason if it aborts first. The listener goes when `call`
 * settles: the signal is the engine's attempt signal, which an agent step shares among all its
 * tool calls.
 */
function raceAbort<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** What the output would be on the wire: `undefined` → null, Dates → strings; cycles and BigInts fail. */
function toJsonOutput(value: unknown, name: string): JsonValue {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw notJson(name, cause);
  }
  if (text === undefined) throw notJson(name, undefined);
  return JSON.parse(text) as JsonValue;
}

function notJson(name: string, cause: unknown): OpenWorkflowError {
  return new OpenWorkflowError('BACKEND_ERROR', `Handler '${name}' returned a value that is not JSON`, {
    details: { function: name, error_type: 'NonJsonOutput' },
    cause,
  });
}

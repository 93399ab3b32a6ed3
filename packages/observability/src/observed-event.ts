import type { RunEvent } from '@openworkflow/core';

/**
 * The run event as this package reads it: `@openworkflow/core`'s `RunEvent` (spec/events.md) with
 * any `type` and any JSON-like `data`, since consumers must ignore types they do not know.
 */
export type ObservedEvent = Omit<RunEvent, 'type' | 'data'> & {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
};

/** Anything that consumes events; observers must never throw into the engine. */
export type EventObserver = (event: ObservedEvent) => void;

/**
 * The redaction this package applies before anything leaves it — structurally the secrets
 * package's `Redactor`, passed in so observability does not depend on secrets.
 */
export interface Redaction {
  /** A string with secret values (and URL credentials) masked. */
  text(value: string): string;
  /** A value with every string masked and sensitive fields redacted; the same object when clean. */
  value<T>(value: T): T;
}

/** The error shape inside events (`{code, message, details}`). */
export interface EventError {
  readonly code: string;
  readonly message: string;
}

/** `data.error` of an event when it has the `{code, message}` shape. */
export function eventError(event: ObservedEvent): EventError | undefined {
  const error = event.data.error as { code?: unknown; message?: unknown } | undefined;
  if (typeof error !== 'object' || error === null || typeof error.code !== 'string') return undefined;
  return { code: error.code, message: typeof error.message === 'string' ? error.message : '' };
}

/**
 * The run event as this package reads it: a structural copy of `@openworkflow/core`'s `RunEvent`
 * (spec/events.md), so observers work with any engine that emits that envelope.
 */
export interface ObservedEvent {
  readonly sequence: number;
  readonly type: string;
  readonly runId: string;
  readonly stepId?: string;
  readonly path?: string;
  readonly attempt?: number;
  /** Epoch milliseconds on the engine's clock. */
  readonly time: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly request_id: string;
}

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

/** The `<runId>:<sequence>` id of an event (what `causation_id` refers to). */
export function eventId(event: ObservedEvent): string {
  return `${event.runId}:${event.sequence}`;
}

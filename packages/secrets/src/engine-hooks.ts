import type { RunEvent, SecretSource } from '@openworkflow/core';

/**
 * The run event as the redactor reads it: `@openworkflow/core`'s `RunEvent` with any `type` and any
 * JSON-like `data`, so the hook also accepts events of engines that add types.
 */
export type RedactableEvent = Omit<RunEvent, 'type' | 'data'> & {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
};

/** What the engine passes to `SecretSource.resolve`. */
export type SecretSourceContext = Parameters<SecretSource['resolve']>[1];

import { type ErrorEnvelope, OpenWorkflowError, toOpenWorkflowError } from '@openworkflow/core';
import type { RedactableEvent } from './engine-hooks.js';
import { KEY_CACHE_SIZE, MAX_REDACTION_DEPTH } from './limits.js';
import type { SecretMasker } from './masker.js';
import { Secret } from './secret.js';

/**
 * Field names whose values are redacted in logs, history and telemetry even when the value is not
 * a known secret (spec §13.4 `patterns`). A pattern is a sequence of words; a field matches when
 * its name, split into words (`apiKey`, `API_KEY`, `api-key` → `api key`), ends with the pattern.
 * spec/secrets.md explains why bare `key` is not in the list.
 */
export const DEFAULT_KEY_PATTERNS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'credentials',
  'apikey',
  'api key',
  'private key',
  'secret key',
  'access key',
  'signing key',
  'encryption key',
  'authorization',
  'cookie',
];

/** Field-name endings that look like a pattern but name public data (pagination cursors). */
const NOT_SENSITIVE: readonly string[] = ['page token', 'next token', 'continuation token', 'sync token'];

/** Spec §13.4 `redactedValue`: what a value under a sensitive field name becomes. */
export const DEFAULT_REDACTED_VALUE = '***REDACTED***';

/** `scheme://userinfo@` — the userinfo is dropped wherever a URL appears (SEC-6). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi;

export interface RedactorOptions {
  readonly masker: SecretMasker;
  /** Field-name patterns; `false` turns field-name redaction off (values are always masked). */
  readonly keyPatterns?: readonly string[] | false;
  readonly redactedValue?: string;
  /** Drop `user:password@` from URLs in every string. Default true. */
  readonly stripUrlCredentials?: boolean;
}

/**
 * Applies the redaction policy to anything on its way to a sink: secret values (through the one
 * {@link SecretMasker}), values under sensitive field names, and credentials in URLs. Work is
 * copy-on-write: an input with nothing to redact is returned as the same object, so the hot path
 * (the event hook, log fields) allocates nothing when there is nothing to hide.
 */
export class Redactor {
  readonly masker: SecretMasker;
  readonly redactedValue: string;
  readonly #patterns: readonly (readonly string[])[];
  readonly #stripUrls: boolean;
  readonly #keyCache = new Map<string, boolean>();

  constructor(options: RedactorOptions) {
    this.masker = options.masker;
    this.redactedValue = options.redactedValue ?? DEFAULT_REDACTED_VALUE;
    const patterns = options.keyPatterns === false ? [] : (options.keyPatterns ?? DEFAULT_KEY_PATTERNS);
    this.#patterns = patterns.map((pattern) => words(pattern)).filter((pattern) => pattern.length > 0);
    this.#stripUrls = options.stripUrlCredentials ?? true;
  }

  /** A string with secret values masked and URL credentials removed. */
  text(value: string): string {
    const masked = this.masker.mask(value);
    if (!this.#stripUrls || !masked.includes('://') || !masked.includes('@')) return masked;
    return masked.replace(URL_USERINFO, '$1');
  }

  /**
   * `value` with every string (and object key) passed through {@link text}, `Secret` instances
   * replaced by their placeholder, errors turned into masked `{name, message, code, details}`
   * records, and — unless `keys` is false — values under sensitive field names replaced by
   * `redactedValue`. Returns the same object when nothing changed.
   */
  value<T>(value: T, options: { readonly keys?: boolean } = {}): T {
    return this.#walk(value, options.keys ?? true, 0) as T;
  }

  /** True when a field of this name is redacted whatever its value. */
  isSensitiveKey(key: string): boolean {
    if (this.#patterns.length === 0) return false;
    let sensitive = this.#keyCache.get(key);
    if (sensitive === undefined) {
      const parts = words(key);
      const endsWith = (pattern: readonly string[]) =>
        pattern.length <= parts.length &&
        pattern.every((word, index) => parts[parts.length - pattern.length + index] === word);
      sensitive = this.#patterns.some(endsWith) && !NOT_SENSITIVE.some((ending) => endsWith(words(ending)));
      if (this.#keyCache.size >= KEY_CACHE_SIZE) this.#keyCache.clear();
      this.#keyCache.set(key, sensitive);
    }
    return sensitive;
  }

  /**
   * The engine's `RedactHook` (write-time redaction): every string of the event's `data` is
   * masked, and field-name patterns apply inside payloads (inputs, outputs, error details, signal
   * payloads) — never to the engine's own top-level fields such as `idempotencyKey`. The envelope
   * fields the engine relies on (`type`, `sequence`, `runId`, `path`, `attempt`) are kept.
   */
  readonly event = <E extends RedactableEvent>(event: E): E => {
    let data: Record<string, unknown> | undefined;
    for (const key of Object.keys(event.data)) {
      const original = event.data[key];
      const redacted = this.#walk(original, true, 1);
      if (redacted !== original) {
        data ??= { ...event.data };
        data[key] = redacted;
      }
    }
    const stepId = event.stepId === undefined ? undefined : this.text(event.stepId);
    const causation = event.causation_id === null ? null : this.text(event.causation_id);
    const request = this.text(event.request_id);
    if (
      data === undefined &&
      stepId === event.stepId &&
      causation === event.causation_id &&
      request === event.request_id
    ) {
      return event;
    }
    const copy: E = { ...event, causation_id: causation, request_id: request };
    if (data !== undefined) (copy as { data: unknown }).data = data;
    if (stepId !== undefined) (copy as { stepId: string }).stepId = stepId;
    return copy;
  };

  /**
   * The error envelope of anything thrown, with message and details redacted. Never carries a
   * cause or a stack: those may hold payloads.
   */
  envelope(error: unknown): ErrorEnvelope {
    const known = OpenWorkflowError.is(error) ? error : toOpenWorkflowError(error, 'INTERNAL_ERROR');
    return {
      status: 'error',
      code: known.code,
      message: this.text(known.message),
      details: this.value(known.details) as Record<string, unknown>,
    };
  }

  /**
   * A copy of an error that is safe to hand to a sink that prints messages and stacks (a span's
   * `recordException`, a log serializer): message, stack and details are redacted; the cause is
   * dropped.
   */
  error(error: unknown): Error {
    const source =
      error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'Non-error thrown');
    const message = this.text(source.message);
    const copy = OpenWorkflowError.is(source)
      ? new OpenWorkflowError(source.code, message, { details: this.value(source.details) })
      : new Error(message);
    copy.name = source.name;
    if (source.stack !== undefined) copy.stack = this.text(source.stack);
    else delete copy.stack;
    return copy;
  }

  #walk(value: unknown, keys: boolean, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (Secret.is(value)) return value.redacted;
    if (depth > MAX_REDACTION_DEPTH) return this.redactedValue;
    if (value instanceof Error) return this.#errorRecord(value);
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const redacted = this.#walk(item, keys, depth + 1);
        if (redacted !== item) {
          copy ??= value.slice();
          copy[index] = redacted;
        }
      }
      return copy ?? value;
    }
    if (!isPlainObject(value)) return value;
    const record = value as Record<string, unknown>;
    const names = Object.keys(record);
    let copy: Record<string, unknown> | undefined;
    for (let index = 0; index < names.length; index++) {
      const key = names[index]!;
      const item = record[key];
      const redacted =
        keys && isRedactable(item) && !Secret.is(item) && this.isSensitiveKey(key)
          ? this.redactedValue
          : this.#walk(item, keys, depth + 1);
      const maskedKey = this.text(key);
      if (copy === undefined && (redacted !== item || maskedKey !== key)) {
        copy = {};
        for (let before = 0; before < index; before++) copy[names[before]!] = record[names[before]!];
      }
      if (copy !== undefined) copy[maskedKey] = redacted;
    }
    return copy ?? value;
  }

  #errorRecord(error: Error): Record<string, unknown> {
    const record: Record<string, unknown> = { name: error.name, message: this.text(error.message) };
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') record.code = this.text(code);
    if (OpenWorkflowError.is(error)) record.details = this.value(error.details);
    return record;
  }
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** `null` and booleans say nothing secret and keep their type; anything else is replaced. */
function isRedactable(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'boolean';
}

/** `apiKey` / `API_KEY` / `api-key` / `Api Key` → `['api', 'key']`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

import { isErrorCode, normalizeErrorCode, OpenWorkflowError } from '@openworkflow/core';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import { MAX_ERROR_MESSAGE_CHARS } from './limits.js';

/**
 * What a connector answered, read through the spec's envelope: `{status: 'success', data}` is
 * unwrapped, `{status: 'error', message, code?}` is a failure, anything else is the output as is.
 */
export type ConnectorReply =
  | { readonly kind: 'output'; readonly value: JsonValue }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string };

/** Reads `value` as a connector reply (shared by the HTTP and command handlers). */
export function readConnectorReply(value: JsonValue): ConnectorReply {
  if (!isObject(value)) return { kind: 'output', value };
  if (value.status === 'success' && Object.hasOwn(value, 'data')) {
    return { kind: 'output', value: value.data ?? null };
  }
  if (value.status === 'error' && typeof value.message === 'string') {
    return {
      kind: 'error',
      message: value.message,
      ...(typeof value.code === 'string' && value.code !== '' ? { code: value.code } : {}),
    };
  }
  return { kind: 'output', value };
}

/**
 * The step error for a connector's failure. The step `code` is a taxonomy code: the connector's
 * own code when it is one (a connector service classifying its own failure, e.g. `rate_limit`),
 * otherwise `fallback`. The connector's code is always kept verbatim in `details.connector_code`.
 * `INTERNAL_ERROR` is never adopted: a remote runtime's internal error is our backend error.
 */
export function connectorFailure(
  message: string,
  connectorCode: string | undefined,
  fallback: string,
  details: Readonly<Record<string, unknown>>,
): OpenWorkflowError {
  const normalized = connectorCode === undefined ? undefined : normalizeErrorCode(connectorCode);
  const adopted = normalized !== undefined && isErrorCode(normalized) && normalized !== 'INTERNAL_ERROR';
  return new OpenWorkflowError(adopted ? normalized : fallback, boundMessage(message), {
    details: { ...details, ...(connectorCode === undefined ? {} : { connector_code: connectorCode }) },
  });
}

/** Trims a message from a remote party or a process to {@link MAX_ERROR_MESSAGE_CHARS}. */
export function boundMessage(message: string): string {
  const trimmed = message.trim();
  return trimmed.length <= MAX_ERROR_MESSAGE_CHARS
    ? trimmed
    : `${trimmed.slice(0, MAX_ERROR_MESSAGE_CHARS)}…`;
}

/** Parses JSON text, or returns `undefined` when it is not JSON. */
export function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { RetryPolicy } from '@openworkflow/schemas';
import { normalizeErrorCode, type OpenWorkflowError } from './errors.js';
import type { RandomSource } from './ids.js';
import {
  DEFAULT_BACKOFF_FACTOR,
  DEFAULT_RETRY_INITIAL_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
} from './limits.js';

/** A policy that never retries: the default when neither step nor engine configures one. */
export const NO_RETRY: RetryPolicy = { maxAttempts: 1, backoff: 'fixed' };

/**
 * The delay before attempt `failedAttempt + 1` (spec/execution.md, "Retries"):
 * fixed = initial; linear = initial × n; exponential = initial × factor^(n−1); capped at
 * `maxDelayMs`. A `backoffFactor` below 1 (the weather example's 0.5) is read as the base delay
 * in seconds, urllib3-style, with growth factor 2. Jitter, when enabled, picks uniformly from
 * [delay/2, delay] using the injected random source.
 *
 * @example
 * backoffDelay({ maxAttempts: 4, backoff: 'exponential', initialDelayMs: 100 }, 3, Math.random); // 400
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: RandomSource): number {
  let initial = policy.initialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS;
  let factor = policy.backoffFactor ?? DEFAULT_BACKOFF_FACTOR;
  if (factor > 0 && factor < 1) {
    if (policy.initialDelayMs === undefined) initial = factor * 1000;
    factor = DEFAULT_BACKOFF_FACTOR;
  }
  const n = Math.max(1, failedAttempt);
  let delay: number;
  switch (policy.backoff) {
    case 'fixed':
      delay = initial;
      break;
    case 'linear':
      delay = initial * n;
      break;
    case 'exponential':
      delay = initial * factor ** (n - 1);
      break;
  }
  delay = Math.min(delay, policy.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS);
  if (policy.jitter === true) delay = delay / 2 + (random() * delay) / 2;
  return Math.max(0, Math.round(delay));
}

/**
 * Whether `error` may be retried under `policy`. `CANCELED` never is. With `retryOn`, the error's
 * code (or the connector's own code in `details.connector_code`) must be listed — matched
 * case-insensitively with the aliases of spec/errors.md; without it, the code table decides.
 */
export function isRetryable(error: OpenWorkflowError, policy: RetryPolicy): boolean {
  if (error.code === 'CANCELED') return false;
  if (policy.retryOn === undefined) return error.retryable;
  const listed = new Set(policy.retryOn.map(normalizeErrorCode));
  if (listed.has(normalizeErrorCode(error.code))) return true;
  const connectorCode = error.details.connector_code;
  return typeof connectorCode === 'string' && listed.has(normalizeErrorCode(connectorCode));
}

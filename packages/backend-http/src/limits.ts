/** Limits of the HTTP backend, each with its reason. */

/** Time limit of one delegated request when none is configured: long enough for a remote agent turn or two, short of the 300 s agent default. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Attempts for transient failures (429, 502–504, connection errors): rides out a restart without hammering. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** First retry delay; doubled per attempt. */
export const DEFAULT_RETRY_INITIAL_MS = 200;

/** Longest retry delay, also the cap on a remote `retry-after`. */
export const DEFAULT_RETRY_MAX_MS = 10_000;

/** Largest response body read: a step output is JSON for the event log, not a file transfer. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Characters of a non-JSON error body kept in error details. */
export const MAX_ERROR_TEXT_CHARS = 500;

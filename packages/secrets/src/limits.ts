/**
 * Every cap of the secrets package, with the reason it exists.
 */

/**
 * Shortest secret value the masker accepts (security case SEC-12). A one- to three-character value
 * occurs by chance in almost any text, so masking it would shred logs and outputs, while not masking
 * it would leak it; such values are rejected with `VALIDATION` instead.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Longest secret value the masker accepts. A stream masker holds back this many characters (times
 * the longest encoding's growth) at every chunk boundary, and the matcher's table grows with it;
 * a PEM private key of 4096-bit RSA is about 3.3 KiB.
 */
export const MAX_SECRET_LENGTH = 64 * 1024;

/**
 * Distinct secret values one masker tracks. Values are never forgotten (a rotated secret's old
 * value is still a secret), so this bounds memory in a long-running server.
 */
export const MAX_MASKED_SECRETS = 10_000;

/** Object nesting the redactor walks; deeper values are replaced whole (the engine caps JSON depth lower). */
export const MAX_REDACTION_DEPTH = 128;

/** Key names whose sensitivity is remembered; the cache is cleared when full. */
export const KEY_CACHE_SIZE = 4_096;

/** Bytes read from one secrets-file; a secrets file larger than this is a mistake. */
export const MAX_SECRETS_FILE_BYTES = 1024 * 1024;

/** Bytes read from one Vault or AWS response. */
export const MAX_PROVIDER_RESPONSE_BYTES = 1024 * 1024;

/** Time limit of one request to a remote secrets store before it fails `UNAVAILABLE`. */
export const PROVIDER_TIMEOUT_MS = 10_000;

/** Default lifetime of a cached secret value. */
export const DEFAULT_CACHE_TTL_MS = 5 * 60 * 1000;

/** Secret names one cache keeps; the oldest entry is evicted first. */
export const MAX_CACHE_ENTRIES = 10_000;

/**
 * Secret forms beyond which the masker's regular-expression prefilter is not built (a huge
 * alternation compiles slowly); past it every text is walked by the table matcher alone.
 */
export const MAX_PREFILTER_FORMS = 4_000;

/**
 * Short texts the masker remembers as clean (no secret form in them). Run, request and causation
 * ids repeat on every event of a run; remembering a few spares the search for each repetition.
 * Cleared whenever a secret is registered.
 */
export const CLEAN_TEXT_MEMORY = 8;

/** Longest text remembered as clean: ids and names, not log lines (which never repeat). */
export const MAX_REMEMBERED_TEXT_LENGTH = 128;

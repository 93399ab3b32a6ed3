/**
 * Every cap of the observability package, with the reason it exists.
 */

/**
 * Runs whose state (workflow name, open spans, active flag) one observer keeps. Suspended runs may
 * never come back to this process, so the oldest are forgotten past this number.
 */
export const MAX_TRACKED_RUNS = 10_000;

/**
 * Characters of a metric label value. Workflow names come from documents; a long one would bloat
 * every series of the exposition.
 */
export const MAX_LABEL_LENGTH = 128;

/**
 * Distinct error-code label values. Connectors may invent their own codes; past this number they
 * are counted as `OTHER` so a misbehaving connector cannot explode the series count.
 */
export const MAX_ERROR_CODE_LABELS = 200;

/** Characters of an error message recorded on a span or a log line. */
export const MAX_ERROR_MESSAGE_LENGTH = 2_000;

/** Step duration histogram buckets in seconds: from a no-op step to a long agent call. */
export const STEP_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Run duration histogram buckets in seconds: up to a day (longer runs are suspended, not running). */
export const RUN_DURATION_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3_600, 21_600, 86_400];

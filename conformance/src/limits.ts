/**
 * Every bound the suite applies, in one place, each with its reason. Budgets are scaled by
 * `--timeout-scale`; none of them is a sleep: the runner waits for events, never for time.
 */

/** Protocol identifier the runner speaks; a target announcing another major is refused. */
export const PROTOCOL_VERSION = 'openworkflow-conformance/1';

/** A target that cannot say hello in this time is not going to run cases (cold JVMs included). */
export const HELLO_TIMEOUT_MS = 15_000;

/** Budget of a case before anything the case itself asks for (delays, explicit `timeoutMs`). */
export const CASE_BASE_BUDGET_MS = 10_000;

/** How long a `signal`/`cancel`/`advance` may wait for its `ack`: these are bookkeeping, not work. */
export const ACK_TIMEOUT_MS = 5_000;

/** After a case's budget runs out we cancel the run and give the target this long to report. */
export const CANCEL_GRACE_MS = 2_000;

/**
 * After a result, how long the behaviour server may still see calls in flight before it is read:
 * a runtime's result can overtake the close of a connection it aborted.
 */
export const SETTLE_GRACE_MS = 1_000;

/** Time a target gets to exit after `shutdown` before it is terminated, then killed. */
export const SHUTDOWN_GRACE_MS = 2_000;

/** A target that crashes more often than this is not worth restarting: the rest is blocked. */
export const MAX_TARGET_RESTARTS = 3;

/** One protocol line; a larger one is a violation (keeps a runaway target from exhausting memory). */
export const MAX_PROTOCOL_LINE_BYTES = 8 * 1024 * 1024;

/** Events one run may emit before the runner stops listening and fails the case. */
export const MAX_EVENTS_PER_RUN = 10_000;

/** Stderr kept for canary scans and crash reports; older lines are dropped first. */
export const MAX_STDERR_LINES = 20_000;

/** Stderr lines shown when a target fails to start or crashes. */
export const STDERR_TAIL_LINES = 20;

/** Request bodies the behaviour server accepts; a case never needs more. */
export const MAX_BEHAVIOUR_BODY_BYTES = 1024 * 1024;

/** Calls recorded per route; a target looping on a route is caught long before this. */
export const MAX_RECORDED_CALLS_PER_ROUTE = 10_000;

/** Default number of cases in flight; the target's `maxConcurrentRuns` lowers it. */
export const DEFAULT_CONCURRENCY = 4;

/** Characters of an unparseable line quoted in a violation message. */
export const QUOTE_CHARS = 200;

/**
 * Slack allowed when a case measured in real time asserts a delay: the target's timers are
 * late, never early (2 ms covers clock granularity), and a busy machine adds latency.
 */
export const REAL_TIME_EARLY_SLACK_MS = 2;
export const REAL_TIME_LATE_SLACK_MS = 250;

/** Largest case file read; cases are small data, a bigger file is a mistake. */
export const MAX_CASE_FILE_BYTES = 512 * 1024;

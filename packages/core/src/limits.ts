/**
 * Every numeric limit of the engine, each with its reason. Engines take overrides through
 * `EngineOptions.limits`; these are the defaults.
 */
export interface EngineLimits {
  /** Subworkflow nesting depth before `VALIDATION` (guards self-recursive workflows). */
  readonly maxSubworkflowDepth: number;
  /** Per-attempt time limit for agent and handoff steps when nothing narrower is set (the spec's 300 s). */
  readonly defaultTimeoutMs: number;
  /** No timeout may exceed this, whatever the document says (the spec's resource-table maximum, 600 s). */
  readonly maxTimeoutMs: number;
  /** Time box of a transform step without its own `timeout` (transforms are pure and should be fast). */
  readonly transformTimeoutMs: number;
  /** An event wait without `timeout` still ends (`timedOut: true`) after this long, so no run waits forever. */
  readonly maxEventWaitMs: number;
  /** Items a `forEach`/`for_each` may iterate: a runaway expression must not create millions of steps. */
  readonly maxLoopItems: number;
  /** How long a run lease is held before another engine may take the run over. */
  readonly leaseTtlMs: number;
  /** Recursion depth JSONata may reach (E-9: infinite recursion must end in the time box, not a stack overflow). */
  readonly jsonataMaxDepth: number;
}

/** The defaults; see each field for the reason. */
export const DEFAULT_LIMITS: EngineLimits = {
  maxSubworkflowDepth: 10,
  defaultTimeoutMs: 300_000,
  maxTimeoutMs: 600_000,
  transformTimeoutMs: 5_000,
  maxEventWaitMs: 30 * 24 * 3_600_000,
  maxLoopItems: 100_000,
  leaseTtlMs: 30_000,
  jsonataMaxDepth: 500,
};

/** Delay before the first retry when a policy names none (spec/execution.md, "Retries"). */
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 1_000;
/** Upper bound on one backoff delay when a policy names none. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;
/** Exponential growth factor when a policy names none. */
export const DEFAULT_BACKOFF_FACTOR = 2;
/** Bounded spin of `FakeClock.runUntilIdle`, so a test with a timer loop fails instead of hanging. */
export const FAKE_CLOCK_MAX_TURNS = 1_000_000;

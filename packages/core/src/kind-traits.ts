/**
 * The three families of step kinds, by how the engine treats them (see `StepKind`).
 */

/** Runs child steps (branches, bodies, a subworkflow): waits for them, no limit or permit of its own. */
export const BLOCK_TRAITS = {
  composite: true,
  leaf: false,
  permit: false,
  defaultRetry: false,
  capped: false,
} as const;

/** Calls out to a handler or backend: holds a concurrency permit, has a capped time limit, retries by default. */
export const WORK_TRAITS = {
  composite: false,
  leaf: true,
  permit: true,
  defaultRetry: true,
  capped: true,
} as const;

/** Waits for time or for the outside world: no permit, no default limit, never retried by default. */
export const WAITING_TRAITS = {
  composite: false,
  leaf: true,
  permit: false,
  defaultRetry: false,
  capped: false,
} as const;

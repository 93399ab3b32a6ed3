/**
 * What the runner observed while a case ran, and the verdicts drawn from it. Observations are
 * plain data so expectations can be evaluated (and re-evaluated in tests) without a target.
 */
import type { BehaviourRecord } from './behaviour-server.js';
import type { JsonValue } from './json.js';
import type { Mismatch } from './matchers.js';
import type { Diagnostic, RunResult, TargetEvent } from './protocol.js';

/** A problem with the exchange itself (not with the target's answers). */
export interface ExchangeProblem {
  /** Protocol requirement it breaks (`OW-PROTOCOL-…`) or the case's own requirement. */
  readonly requirement: string;
  readonly message: string;
}

interface ObservationBase {
  readonly behaviour: BehaviourRecord;
  /** Canary name → value, for every canary the case used. */
  readonly canaries: ReadonlyMap<string, string>;
  /** What the target wrote to stderr while the case ran. */
  readonly stderr: readonly string[];
  readonly problems: readonly ExchangeProblem[];
}

export interface RunObservation extends ObservationBase {
  readonly kind: 'run';
  readonly runId: string;
  readonly clock: { readonly mode: 'real' } | { readonly mode: 'virtual'; readonly start: string };
  /** In arrival order. */
  readonly events: readonly TargetEvent[];
  readonly result?: RunResult;
}

export interface ValidateObservation extends ObservationBase {
  readonly kind: 'validate';
  readonly diagnostics?: readonly Diagnostic[];
}

export type Observation = RunObservation | ValidateObservation;

/** One checked statement about a case. */
export interface AssertionResult {
  readonly requirement: string;
  /** What was checked, e.g. `steps.a.attempts` or `events.order[0]`. */
  readonly label: string;
  /**
   * True for the case's own expectations; false for the protocol checks the runner applies to
   * every run. Only counted assertions make a pass non-vacuous.
   */
  readonly counted: boolean;
  readonly ok: boolean;
  readonly mismatches: readonly Mismatch[];
}

/** Builds an assertion result from a list of mismatches. */
export function assertion(
  requirement: string,
  label: string,
  counted: boolean,
  mismatches: readonly Mismatch[],
): AssertionResult {
  return { requirement, label, counted, ok: mismatches.length === 0, mismatches };
}

/** A single failed check without structured values. */
export function failed(
  requirement: string,
  label: string,
  counted: boolean,
  message: string,
  expected?: JsonValue,
  actual?: JsonValue,
): AssertionResult {
  return assertion(requirement, label, counted, [
    {
      path: label,
      message,
      ...(expected !== undefined ? { expected } : {}),
      ...(actual !== undefined ? { actual } : {}),
    },
  ]);
}

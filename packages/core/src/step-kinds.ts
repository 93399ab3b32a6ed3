import type { JsonValue, Step } from '@openworkflow/schemas';
import type { Frame } from './frame.js';
import { actionKind } from './kind-action.js';
import { agentKind, handoffKind } from './kind-agent.js';
import { ifKind, switchKind } from './kind-branch.js';
import { forEachKind } from './kind-for-each.js';
import { parallelGroupKind, parallelKind } from './kind-parallel.js';
import { subworkflowKind } from './kind-subworkflow.js';
import { transformKind } from './kind-transform.js';
import { tryKind } from './kind-try.js';
import { approvalKind, waitKind } from './kind-wait.js';
import type { RunExecution, StepCall } from './run-execution.js';

/**
 * How the engine treats one step type. The generic machinery (conditions, loops, retries,
 * timeouts, events, resume) is the same for all; a kind only says how one attempt runs.
 */
export interface StepKind<S extends Step = Step> {
  /** Has child steps: on replay its children are walked to restore their records. */
  readonly composite: boolean;
  /** Does its own work (not through children): races its abort, so a hung handler cannot hold the run. */
  readonly leaf: boolean;
  /** Holds one of the workflow's `maxConcurrency` permits while an attempt runs. */
  readonly permit: boolean;
  /** The engine's default retry policy applies when the step sets none. */
  readonly defaultRetry: boolean;
  /** Its timeouts are capped at `limits.maxTimeoutMs` (handlers yes; waits and blocks no). */
  readonly capped: boolean;
  /** Retries itself (`try`): the generic retry loop stays out of the way. */
  readonly ownRetry?: boolean;
  /** Resolution and rendering done once before the attempts; failures here are never retried. */
  prepare?(exec: RunExecution, step: S, frame: Frame): unknown;
  /** Time limit of one attempt, when the kind has one of its own. */
  attemptLimitMs?(exec: RunExecution, step: S, prepared: unknown): number | undefined;
  execute(exec: RunExecution, call: StepCall<S>): Promise<JsonValue>;
  /**
   * A leaf's output as `execute` resolved it, made final (may throw). Applied in the attempt's own
   * callbacks, so a kind that post-processes every output needs no promise of its own.
   */
  settle?(exec: RunExecution, call: StepCall<S>, value: JsonValue | undefined): JsonValue;
  /** A leaf's failure as `execute` rejected with it, made a taxonomy error. */
  fail?(exec: RunExecution, call: StepCall<S>, thrown: unknown): unknown;
}

type KindTable = { readonly [T in Step['type']]: StepKind<Extract<Step, { type: T }>> };

export const KINDS: { readonly [T in Step['type']]: StepKind } = {
  action: actionKind,
  agent: agentKind,
  workflow: subworkflowKind,
  if: ifKind,
  switch: switchKind,
  forEach: forEachKind,
  parallel: parallelKind,
  'parallel-group': parallelGroupKind,
  wait: waitKind,
  try: tryKind,
  transform: transformKind,
  handoff: handoffKind,
  approval: approvalKind,
} satisfies KindTable as unknown as { readonly [T in Step['type']]: StepKind };

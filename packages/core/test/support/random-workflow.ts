/**
 * Random DAG workflows and handler behaviours for the property tests, plus the small reference
 * model that says what the engine must produce for them.
 */
import type { ActionStep, JsonValue, Workflow } from '@openworkflow/schemas';
import fc from 'fast-check';
import type { FakeClock } from '../../src/clock.js';
import { OpenWorkflowError } from '../../src/errors.js';
import type { HandlerExecutor } from '../../src/handler.js';
import type { RunResult } from '../../src/run-execution.js';
import { TEST_CONNECTOR_ID } from './harness.js';

export interface StepPlan {
  readonly id: string;
  readonly needs: readonly string[];
  /** Attempts 1..failures fail; later ones succeed. */
  readonly failures: number;
  /** Failing attempts throw a plain Error instead of an OpenWorkflowError. */
  readonly throws: boolean;
  readonly maxAttempts: number;
  readonly continueOnError: boolean;
  /** Fake-clock milliseconds per attempt, indexed by attempt - 1 (cycled). */
  readonly delays: readonly number[];
}

export interface WorkflowPlan {
  readonly steps: readonly StepPlan[];
  readonly maxConcurrency?: number;
}

const stepPlan = (index: number, earlier: number) =>
  fc.record({
    id: fc.constant(`s${index}`),
    needs: fc.subarray(
      Array.from({ length: earlier }, (_unused, position) => `s${position}`),
      { maxLength: Math.min(3, earlier) },
    ),
    failures: fc.nat({ max: 3 }),
    throws: fc.boolean(),
    maxAttempts: fc.integer({ min: 1, max: 3 }),
    continueOnError: fc.boolean(),
    delays: fc.array(
      fc.integer({ min: 0, max: 5 }).map((units) => units * 10),
      { minLength: 1, maxLength: 3 },
    ),
  });

/** A random DAG of 1–8 action steps (each may need earlier ones), with a random concurrency limit. */
export const workflowPlan: fc.Arbitrary<WorkflowPlan> = fc.integer({ min: 1, max: 8 }).chain((count) =>
  fc.record(
    {
      steps: fc.tuple(...Array.from({ length: count }, (_unused, index) => stepPlan(index, index))),
      maxConcurrency: fc.integer({ min: 1, max: 3 }),
    },
    { requiredKeys: ['steps'] },
  ),
);

/** The same plan with other delays: the result must not change. */
export function withDelays(plan: WorkflowPlan, delays: readonly (readonly number[])[]): WorkflowPlan {
  return {
    ...plan,
    steps: plan.steps.map((step, index) => ({ ...step, delays: delays[index] ?? step.delays })),
  };
}

export function workflowOf(plan: WorkflowPlan): Workflow {
  const steps: ActionStep[] = plan.steps.map((step) => ({
    id: step.id,
    type: 'action',
    connector: TEST_CONNECTOR_ID,
    action: 'work',
    input: { id: step.id },
    continueOnError: step.continueOnError,
    needs: step.needs,
    dependsOn: [],
    retry: { maxAttempts: step.maxAttempts, backoff: 'fixed', initialDelayMs: 7 },
    source: { pointer: `/steps/${step.id}` },
  }));
  const outputs = Object.fromEntries(
    plan.steps.map((step) => [step.id, { value: `{{ steps.${step.id}.status }}` }]),
  );
  return {
    type: 'workflow',
    name: 'random-dag',
    version: '1.0.0',
    categories: [],
    strategy: 'dag',
    ...(plan.maxConcurrency === undefined ? {} : { maxConcurrency: plan.maxConcurrency }),
    inputs: {},
    outputs,
    triggers: [],
    steps,
    source: { pointer: '' },
  };
}

export interface Invocation {
  readonly stepId: string;
  readonly attempt: number;
  readonly start: number;
  end?: number;
  readonly idempotencyKey: string;
}

/** Plays the plan: the outcome depends only on (step, attempt), never on timing. */
export function planExecutor(
  plan: WorkflowPlan,
  clock: FakeClock,
  log: Invocation[],
  concurrency: { now: number; max: number },
): HandlerExecutor {
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  return {
    type: 'function',
    async execute({ context }): Promise<JsonValue> {
      const step = byId.get(context.stepId)!;
      const invocation: Invocation = {
        stepId: step.id,
        attempt: context.attempt,
        start: clock.now(),
        idempotencyKey: context.idempotencyKey,
      };
      log.push(invocation);
      concurrency.now++;
      concurrency.max = Math.max(concurrency.max, concurrency.now);
      try {
        await clock.sleep(step.delays[(context.attempt - 1) % step.delays.length]!, context.signal);
        if (context.attempt <= step.failures) {
          if (step.throws) throw new Error(`${step.id} threw on attempt ${context.attempt}`);
          throw new OpenWorkflowError('BACKEND_ERROR', `${step.id} failed on attempt ${context.attempt}`);
        }
        return { id: step.id, attempt: context.attempt };
      } finally {
        concurrency.now--;
        invocation.end = clock.now();
      }
    },
  };
}

export interface ExpectedStep {
  readonly status: 'success' | 'failed';
  readonly attempts: number;
}

/** The reference model: which steps run, how each ends, how many attempts, and the run status. */
export function expectedOutcome(plan: WorkflowPlan): {
  readonly status: 'success' | 'failed';
  readonly steps: ReadonlyMap<string, ExpectedStep>;
} {
  const steps = new Map<string, ExpectedStep>();
  const ok = new Map<string, boolean>();
  let failed = false;
  for (const step of plan.steps) {
    if (!step.needs.every((need) => ok.get(need) === true)) {
      ok.set(step.id, false);
      continue;
    }
    const succeeds = step.failures < step.maxAttempts;
    steps.set(step.id, {
      status: succeeds ? 'success' : 'failed',
      attempts: succeeds ? step.failures + 1 : step.maxAttempts,
    });
    ok.set(step.id, succeeds || step.continueOnError);
    if (!succeeds && !step.continueOnError) failed = true;
  }
  return { status: failed ? 'failed' : 'success', steps };
}

/** What must not depend on timing or interruptions: statuses, outputs, attempts, error codes. */
export function essence(result: RunResult) {
  return {
    status: result.status,
    outputs: result.outputs,
    error: result.error?.code,
    steps: Object.fromEntries(
      Object.entries(result.steps).map(([id, record]) => [
        id,
        {
          status: record.status,
          output: record.output,
          attempts: record.attempts,
          error: record.error?.code,
        },
      ]),
    ),
  };
}

/**
 * Scheduler invariants over random DAGs and random handler behaviours (delays, failures, throws)
 * on the fake clock: at most once per attempt, dependency order, the concurrency limit, timing
 * independence, exact retries, and a well-formed event log.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { createEngine } from '../src/engine.js';
import type { RunEvent } from '../src/events.js';
import { sequentialIds } from '../src/ids.js';
import { connectorsFrom } from '../src/resolvers.js';
import type { RunResult } from '../src/run-execution.js';
import { testConnector } from './support/harness.js';
import { expectWellFormedLog } from './support/log-invariants.js';
import {
  essence,
  expectedOutcome,
  type Invocation,
  planExecutor,
  type WorkflowPlan,
  withDelays,
  workflowOf,
  workflowPlan,
} from './support/random-workflow.js';

interface Observed {
  readonly result: RunResult;
  readonly events: RunEvent[];
  readonly invocations: Invocation[];
  readonly maxConcurrent: number;
}

async function execute(plan: WorkflowPlan): Promise<Observed> {
  const clock = new FakeClock();
  const invocations: Invocation[] = [];
  const concurrency = { now: 0, max: 0 };
  const engine = createEngine({
    clock,
    idGenerator: sequentialIds('id'),
    handlers: [planExecutor(plan, clock, invocations, concurrency)],
    connectors: connectorsFrom([testConnector(['work'])]),
  });
  const run = engine.start(workflowOf(plan), {});
  await clock.runUntilIdle();
  const result = await run.result;
  const events: RunEvent[] = [];
  for await (const event of run.events()) events.push(event);
  return { result, events, invocations, maxConcurrent: concurrency.max };
}

const delayTable = fc.array(
  fc.array(
    fc.integer({ min: 0, max: 5 }).map((units) => units * 10),
    { minLength: 1, maxLength: 3 },
  ),
  {
    minLength: 8,
    maxLength: 8,
  },
);

describe('scheduler properties', () => {
  it('runs every step at most once per attempt, after its dependencies, within maxConcurrency', async () => {
    await fc.assert(
      fc.asyncProperty(workflowPlan, async (plan) => {
        const { result, events, invocations, maxConcurrent } = await execute(plan);
        const expected = expectedOutcome(plan);

        // At most once per attempt.
        const attempts = invocations.map((invocation) => `${invocation.stepId}#${invocation.attempt}`);
        expect(new Set(attempts).size).toBe(attempts.length);

        // Only after dependencies: every dependency had ended when the step started.
        const byStep = new Map(plan.steps.map((step) => [step.id, step]));
        for (const invocation of invocations) {
          for (const need of byStep.get(invocation.stepId)!.needs) {
            const completed = events.find(
              (event) =>
                event.stepId === need &&
                event.type.startsWith('step.') &&
                event.type !== 'step.started' &&
                event.type !== 'step.retrying',
            );
            const started = events.find(
              (event) => event.stepId === invocation.stepId && event.type === 'step.started',
            );
            expect(completed).toBeDefined();
            expect(completed!.sequence).toBeLessThan(started!.sequence);
          }
        }

        // maxConcurrency is never exceeded.
        expect(maxConcurrent).toBeLessThanOrEqual(plan.maxConcurrency ?? Number.POSITIVE_INFINITY);

        // Retries exactly as configured, and the outcome the reference model predicts.
        expect(result.status).toBe(expected.status);
        expect(new Set(Object.keys(result.steps))).toEqual(new Set(expected.steps.keys()));
        for (const [id, step] of expected.steps) {
          expect(result.steps[id], id).toMatchObject(step);
          expect(invocations.filter((invocation) => invocation.stepId === id)).toHaveLength(step.attempts);
        }

        expectWellFormedLog(events);
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('gives the same result whatever the handler timing', async () => {
    await fc.assert(
      fc.asyncProperty(workflowPlan, delayTable, async (plan, delays) => {
        const first = await execute(plan);
        const second = await execute(withDelays(plan, delays));
        expect(essence(second.result)).toEqual(essence(first.result));
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

/**
 * Crash/resume property: stop the engine at a random event, resume from the store in a new
 * engine, and the final result equals an uninterrupted run's; no step recorded as completed
 * before the crash runs again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { createEngine } from '../src/engine.js';
import { sequentialIds } from '../src/ids.js';
import { InMemoryRunStore } from '../src/memory-run-store.js';
import { connectorsFrom } from '../src/resolvers.js';
import type { RunStore } from '../src/run-store.js';
import { crashingStore } from './support/crashing-store.js';
import { testConnector } from './support/harness.js';
import { expectWellFormedLog } from './support/log-invariants.js';
import {
  essence,
  type Invocation,
  planExecutor,
  type WorkflowPlan,
  workflowOf,
  workflowPlan,
} from './support/random-workflow.js';

function engineFor(plan: WorkflowPlan, store: RunStore, clock: FakeClock, log: Invocation[], owner: string) {
  return createEngine({
    store,
    clock,
    owner,
    idGenerator: sequentialIds(owner),
    handlers: [planExecutor(plan, clock, log, { now: 0, max: 0 })],
    connectors: connectorsFrom([testConnector(['work'])]),
  });
}

describe('crash and resume', () => {
  it('resuming after a crash at any event gives the uninterrupted result and re-runs nothing completed', async () => {
    await fc.assert(
      fc.asyncProperty(workflowPlan, fc.double({ min: 0, max: 1, noNaN: true }), async (plan, where) => {
        const workflow = workflowOf(plan);

        // The uninterrupted run.
        const referenceClock = new FakeClock();
        const referenceStore = new InMemoryRunStore();
        const reference = engineFor(plan, referenceStore, referenceClock, [], 'reference');
        const referenceRun = reference.start(workflow, {}, { runId: 'run' });
        await referenceClock.runUntilIdle();
        const expected = await referenceRun.result;
        const total = (await referenceStore.readEvents('run')).length;

        // The same run, crashing after a random number of durable events.
        const limit = Math.min(total - 1, Math.max(1, Math.floor(where * total)));
        const clock = new FakeClock();
        const store = new InMemoryRunStore();
        const beforeCrash: Invocation[] = [];
        const crashing = engineFor(plan, crashingStore(store, limit), clock, beforeCrash, 'first');
        const run = crashing.start(workflow, {}, { runId: 'run' });
        await clock.runUntilIdle();
        await expect(run.result).rejects.toBeDefined();
        const durable = await store.readEvents('run');
        expect(durable).toHaveLength(limit);
        const completed = new Set(
          durable.filter((event) => event.type === 'step.completed').map((event) => event.stepId as string),
        );

        // A new engine with only the store.
        const afterCrash: Invocation[] = [];
        const resumer = engineFor(plan, store, clock, afterCrash, 'second');
        const resumed = await resumer.resume('run');
        await clock.runUntilIdle();
        const result = await resumed.result;

        expect(essence(result)).toEqual(essence(expected));
        for (const invocation of afterCrash) expect(completed.has(invocation.stepId)).toBe(false);
        const events = await store.readEvents('run');
        expectWellFormedLog(events);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

/**
 * Crash at every event of a run built from composite steps (forEach, try with retries, parallel,
 * if, a subworkflow, a wait and a loop), resume in a new engine, and compare with the
 * uninterrupted run. Exhaustive over crash points rather than random.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { InMemoryRunStore } from '../src/memory-run-store.js';
import type { RunStore } from '../src/run-store.js';
import { crashingStore } from './support/crashing-store.js';
import { type Behaviour, createHarness } from './support/harness.js';
import { loadTestWorkflow } from './support/load.js';
import { essence } from './support/random-workflow.js';

const [main, child] = [
  loadTestWorkflow({
    name: 'composite',
    steps: [
      {
        id: 'each',
        type: 'forEach',
        items: '{{ [1, 2, 3] }}',
        maxConcurrency: 2,
        steps: [
          {
            id: 'work',
            connector: 'connector:test/svc@1.0.0',
            action: 'sleepInput',
            input: { ms: '{{ item * 10 }}', n: '{{ item }}' },
          },
        ],
      },
      {
        id: 'guard',
        type: 'try',
        retry: { maxAttempts: 3, backoff: 'fixed', initialDelay: '50ms' },
        steps: [{ id: 'flaky', connector: 'connector:test/svc@1.0.0', action: 'flaky' }],
        finally: [
          { id: 'cleanup', connector: 'connector:test/svc@1.0.0', action: 'echo', input: { done: true } },
        ],
      },
      {
        id: 'fan',
        type: 'parallel',
        branches: {
          left: [{ id: 'l', connector: 'connector:test/svc@1.0.0', action: 'sleepInput', input: { ms: 30 } }],
          right: [
            {
              id: 'r',
              type: 'if',
              condition: '{{ steps.work.output.n == 3 }}',
              // biome-ignore lint/suspicious/noThenProperty: the authoring `if` step names its branch `then`.
              then: [{ id: 'r1', type: 'wait', duration: '20ms' }],
            },
          ],
        },
      },
      { id: 'sub', workflow: 'child', input: { v: '{{ steps.flaky.output.ok }}' } },
      {
        id: 'loop',
        connector: 'connector:test/svc@1.0.0',
        action: 'echo',
        for_each: '{{ [4, 5] }}',
        input: { i: '{{ item }}' },
      },
    ],
    outputs: {
      last: { value: '{{ steps.loop.output }}' },
      sub: { value: '{{ steps.sub.outputs.v }}' },
      try: { value: '{{ steps.guard.attempts }}' },
    },
  }),
  loadTestWorkflow({
    name: 'child',
    inputs: { v: { type: 'boolean' } },
    steps: [
      {
        id: 'inner',
        connector: 'connector:test/svc@1.0.0',
        action: 'sleepInput',
        input: { ms: 5, v: '{{ inputs.v }}' },
      },
    ],
    outputs: { v: { value: '{{ steps.inner.output.v }}' } },
  }),
];

const behaviours: Record<string, Behaviour> = {
  sleepInput: { kind: 'sleepInput' },
  flaky: { kind: 'failOn', paths: ['guard/flaky', 'guard#2/flaky'], value: { ok: true } },
};

async function runOn(store: RunStore, clock: FakeClock, failures: Map<string, number>, owner: string) {
  const harness = createHarness({
    clock,
    behaviours,
    workflows: [main!, child!],
    failureCounts: failures,
    engine: { store, owner },
  });
  return harness;
}

describe('resume of composite steps', () => {
  it('gives the uninterrupted result after a crash at every event', async () => {
    const referenceStore = new InMemoryRunStore();
    const referenceClock = new FakeClock();
    const reference = await runOn(referenceStore, referenceClock, new Map(), 'ref');
    const referenceRun = reference.engine.start(main!, {}, { runId: 'run', siblings: [child!] });
    await referenceClock.runUntilIdle();
    const expected = await referenceRun.result;
    expect(expected.status).toBe('success');
    expect(expected.outputs).toEqual({ last: [{ i: 4 }, { i: 5 }], sub: true, try: 3 });
    const total = (await referenceStore.readEvents('run')).length;

    for (let limit = 1; limit < total; limit++) {
      const store = new InMemoryRunStore();
      const clock = new FakeClock();
      const failures = new Map<string, number>();
      const first = await runOn(crashingStore(store, limit), clock, failures, 'first');
      const run = first.engine.start(main!, {}, { runId: 'run', siblings: [child!] });
      await clock.runUntilIdle();
      await expect(run.result).rejects.toBeDefined();
      const durable = await store.readEvents('run');
      const completedPaths = new Set(durable.filter((e) => e.type === 'step.completed').map((e) => e.path));

      const second = await runOn(store, clock, failures, 'second');
      const resumed = await second.engine.resume('run');
      await clock.runUntilIdle();
      const result = await resumed.result;
      expect(essence(result), `crash after ${limit} events`).toEqual(essence(expected));

      const events = await store.readEvents('run');
      expect(events.map((event) => event.sequence)).toEqual(events.map((_event, index) => index));
      // No instance that had completed before the crash was started again after it.
      const restarted = events
        .slice(limit)
        .filter((e) => e.type === 'step.started' && completedPaths.has(e.path));
      expect(restarted, `crash after ${limit} events`).toEqual([]);
    }
  }, 60_000);
});

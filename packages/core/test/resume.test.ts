/**
 * Durability: a new engine given only the store resumes unfinished runs — completed steps keep
 * their recorded outputs, in-flight attempts restart with the same idempotency key, durable waits
 * continue with the remaining time, suspended runs wait for their signal.
 */
import type { Workflow } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import type { RunEvent } from '../src/events.js';
import { InMemoryRunStore } from '../src/memory-run-store.js';
import { crashingStore } from './support/crashing-store.js';
import { type Behaviour, createHarness } from './support/harness.js';
import { loadTestWorkflow } from './support/load.js';

async function eventsOf(store: InMemoryRunStore, runId: string): Promise<RunEvent[]> {
  return [...(await store.readEvents(runId))];
}

const failureCounts = new Map<string, number>();
let engines = 0;

/** A fresh engine (its own lease owner) on a shared store and clock. */
function engineOn(
  store: InMemoryRunStore | ReturnType<typeof crashingStore>,
  clock: FakeClock,
  behaviours: Record<string, Behaviour>,
  workflow: Workflow,
) {
  engines++;
  return createHarness({
    clock,
    behaviours,
    workflows: [workflow],
    failureCounts,
    engine: { store, owner: `engine-${engines}` },
  });
}

const chain = loadTestWorkflow({
  name: 'chain',
  steps: [
    { id: 'a', connector: 'connector:test/svc@1.0.0', action: 'one' },
    {
      id: 'b',
      connector: 'connector:test/svc@1.0.0',
      action: 'two',
      input: { from: '{{ steps.a.output.v }}' },
    },
    {
      id: 'c',
      connector: 'connector:test/svc@1.0.0',
      action: 'three',
      input: { from: '{{ steps.b.output.v }}' },
    },
  ],
  outputs: { last: { value: '{{ steps.c.output.v }}' } },
});

const slowChain: Record<string, Behaviour> = {
  one: { kind: 'sleep', ms: 100, value: { v: 1 } },
  two: { kind: 'sleep', ms: 100, value: { v: 2 } },
  three: { kind: 'sleep', ms: 100, value: { v: 3 } },
};

describe('resume', () => {
  it('after a crash, keeps completed steps and restarts the in-flight attempt with the same key', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    // run.started, a.started, a.completed, b.started: crash while b is in flight.
    const first = engineOn(crashingStore(store, 4), clock, slowChain, chain);
    const run = first.engine.start(chain, {});
    await clock.runUntilIdle();
    await expect(run.result).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(first.recorder.count('one')).toBe(1);
    const keyBefore = first.recorder.calls.find((call) => call.action === 'two')?.idempotencyKey;

    const second = engineOn(store, clock, slowChain, chain);
    const resumed = await second.engine.resume(run.id);
    await clock.runUntilIdle();
    const result = await resumed.result;
    expect(result).toMatchObject({ status: 'success', outputs: { last: 3 } });
    expect(result.steps.a).toMatchObject({ status: 'success', output: { v: 1 } });
    expect(second.recorder.count('one')).toBe(0);
    expect(second.recorder.count('two')).toBe(1);
    expect(second.recorder.calls.find((call) => call.action === 'two')?.idempotencyKey).toBe(keyBefore);

    const events = await eventsOf(store, run.id);
    expect(events.map((event) => event.sequence)).toEqual(events.map((_event, index) => index));
    expect(events.map((event) => event.type)).toContain('run.resumed');
    const restarted = events.filter((event) => event.type === 'step.started' && event.stepId === 'b');
    expect(restarted.map((event) => [event.attempt, event.data.resumed])).toEqual([
      [1, undefined],
      [1, true],
    ]);
  });

  it('continues a durable wait with the remaining time only', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    const workflow = loadTestWorkflow({
      name: 'waits',
      steps: [{ id: 'pause', type: 'wait', duration: '1h' }],
    });
    const first = engineOn(store, clock, {}, workflow);
    const run = first.engine.start(workflow, {});
    const begin = clock.now();
    await clock.advance(20 * 60_000);
    await first.engine.close();
    await expect(run.result).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });

    const second = engineOn(store, clock, {}, workflow);
    const resumed = await second.engine.resume(run.id);
    await clock.runUntilIdle();
    const result = await resumed.result;
    expect(result.status).toBe('success');
    expect(clock.now() - begin).toBe(3_600_000);
    expect(result.steps.pause?.output).toMatchObject({ waitType: 'duration', waitedFor: 3600 });
  });

  it('continues a retry backoff with the remaining delay', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    const workflow = loadTestWorkflow({
      name: 'backoff',
      steps: [
        {
          id: 'f',
          connector: 'connector:test/svc@1.0.0',
          action: 'flaky',
          retry: { max_attempts: 2, backoff: 'fixed', initial_delay: '10000ms' },
        },
      ],
    });
    const behaviours: Record<string, Behaviour> = { flaky: { kind: 'fail', times: 1 } };
    const first = engineOn(store, clock, behaviours, workflow);
    const run = first.engine.start(workflow, {});
    const begin = clock.now();
    await clock.advance(4_000);
    await first.engine.close();

    const second = engineOn(store, clock, behaviours, workflow);
    const resumed = await second.engine.resume(run.id);
    await clock.runUntilIdle();
    const result = await resumed.result;
    expect(result.steps.f).toMatchObject({ status: 'success', attempts: 2 });
    expect(second.recorder.calls.map((call) => [call.attempt, call.time - begin])).toEqual([[2, 10_000]]);
  });

  it('keeps a suspended run waiting for its signal across engines', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    const workflow = loadTestWorkflow({
      name: 'suspended',
      steps: [
        { id: 'approval', type: 'wait', until: { event: 'approved', timeout: '1d' } },
        {
          id: 'go',
          connector: 'connector:test/svc@1.0.0',
          action: 'echo',
          input: { by: '{{ steps.approval.eventReceived.by }}' },
        },
      ],
    });
    const first = engineOn(store, clock, {}, workflow);
    const run = first.engine.start(workflow, {});
    await clock.advance(1000);
    expect((await store.getRun(run.id))?.status).toBe('suspended');
    await first.engine.close();

    const second = engineOn(store, clock, {}, workflow);
    await second.engine.signal(run.id, 'approved', { by: 'ada' });
    const resumed = await second.engine.resume(run.id);
    await clock.runUntilIdle();
    const result = await resumed.result;
    expect(result.status).toBe('success');
    expect(result.steps.go?.output).toEqual({ by: 'ada' });
    expect((await store.getRun(run.id))?.status).toBe('success');
  });

  it('returns the recorded result of a finished run without running anything', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    const first = engineOn(store, clock, slowChain, chain);
    const run = first.engine.start(chain, {});
    await clock.runUntilIdle();
    const original = await run.result;
    const before = (await eventsOf(store, run.id)).length;

    const second = engineOn(store, clock, slowChain, chain);
    const again = await (await second.engine.resume(run.id)).result;
    expect(again).toEqual(original);
    expect(second.recorder.calls).toHaveLength(0);
    expect((await eventsOf(store, run.id)).length).toBe(before);
  });

  it('honours a cancel that was recorded before the crash', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    const first = engineOn(store, clock, slowChain, chain);
    const run = first.engine.start(chain, {});
    await clock.advance(50);
    await run.cancel('stop');
    await first.engine.close();
    // The first engine was closed after the cancel was recorded but before it finished unwinding
    // (or after — either way the resumed run must end canceled).
    const events = await eventsOf(store, run.id);
    expect(events.map((event) => event.type)).toContain('run.cancel-requested');

    const second = engineOn(store, clock, slowChain, chain);
    const resumed = await second.engine.resume(run.id);
    await clock.runUntilIdle();
    expect((await resumed.result).status).toBe('canceled');
    expect(second.recorder.calls).toHaveLength(0);
  });

  it('refuses to resume a run another engine holds', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    const workflow = loadTestWorkflow({
      name: 'held',
      steps: [{ id: 'pause', type: 'wait', duration: '1h' }],
    });
    const first = engineOn(store, clock, {}, workflow);
    const run = first.engine.start(workflow, {});
    await clock.advance(1);
    const second = engineOn(store, clock, {}, workflow);
    await expect(second.engine.resume(run.id)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(second.engine.resume('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('resumeAll picks up every unfinished run', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRunStore();
    const workflow = loadTestWorkflow({
      name: 'many',
      steps: [{ id: 'pause', type: 'wait', duration: '10s' }],
    });
    const first = engineOn(store, clock, {}, workflow);
    const runs = [first.engine.start(workflow, {}), first.engine.start(workflow, {})];
    await clock.advance(1);
    await first.engine.close();
    const second = engineOn(store, clock, {}, workflow);
    const handles = await second.engine.resumeAll();
    expect(handles.map((handle) => handle.id).sort()).toEqual(runs.map((run) => run.id).sort());
    await clock.runUntilIdle();
    for (const handle of handles) expect((await handle.result).status).toBe('success');
  });
});

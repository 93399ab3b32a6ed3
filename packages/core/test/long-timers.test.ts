import { describe, expect, it, vi } from 'vitest';
import { createEngine, InMemoryRunStore } from '../src/index.js';
import { loadTestWorkflow } from './support/load.js';

/**
 * With the real system clock: Node runs a `setTimeout` longer than 2^31-1 ms (~24.8 days) after
 * 1 ms, which used to end a 40-day wait at once and make an event wait without a timeout (30-day
 * default limit) re-arm its timer every millisecond.
 */
describe('waits longer than a platform timer allows (system clock)', () => {
  it('a 40-day duration wait is still waiting, and cancels cleanly', async () => {
    const workflow = loadTestWorkflow({
      name: 'long',
      steps: [{ id: 'nap', type: 'wait', duration: '40d' }],
    });
    const engine = createEngine({ store: new InMemoryRunStore() });
    const run = engine.start(workflow, {});
    const early = await Promise.race([
      run.result.then(() => 'finished'),
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 50)),
    ]);
    expect(early).toBe('waiting');
    await run.cancel('test over');
    expect((await run.result).status).toBe('canceled');
  });

  it('an event wait on the default 30-day limit is suspended, not spinning', async () => {
    const workflow = loadTestWorkflow({
      name: 'long-event',
      steps: [{ id: 'hold', type: 'wait', until: { event: 'go' } }],
    });
    const engine = createEngine({ store: new InMemoryRunStore() });
    const run = engine.start(workflow, {});
    const realSetTimeout = globalThis.setTimeout;
    await new Promise((resolve) => realSetTimeout(resolve, 20));
    // A timer re-armed every millisecond shows up as ~one `setTimeout` per millisecond.
    const armed = vi.spyOn(globalThis, 'setTimeout');
    await new Promise((resolve) => realSetTimeout(resolve, 60));
    const calls = armed.mock.calls.length;
    armed.mockRestore();
    expect(calls).toBeLessThan(5);
    const events = await engine.store.readEvents(run.id);
    expect(events.map((event) => event.type)).toContain('step.waiting');
    await run.signal('go', {});
    const result = await run.result;
    expect(result.status).toBe('success');
    expect(result.steps.hold?.output).toMatchObject({ timedOut: false });
  });
});

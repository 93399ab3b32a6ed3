import type { RunEvent } from '../../src/events.js';
import type { RunStore } from '../../src/run-store.js';

/**
 * Wraps a store and "crashes" once `limit` events are stored: the append that would go past the
 * limit stores the events up to it and then fails, as if the process died right after event
 * `limit - 1` became durable. The engine must stop executing the run at that point.
 */
export function crashingStore(inner: RunStore, limit: number): RunStore & { crashed: boolean } {
  let stored = 0;
  const wrapper: RunStore & { crashed: boolean } = {
    crashed: false,
    createRun: (run) => inner.createRun(run),
    getRun: (runId) => inner.getRun(runId),
    readEvents: (runId, from, count) => inner.readEvents(runId, from, count),
    listRuns: (query) => inner.listRuns(query),
    acquireLease: (runId, owner, ttl, now) => inner.acquireLease(runId, owner, ttl, now),
    releaseLease: (runId, owner) => inner.releaseLease(runId, owner),
    async appendEvents(runId: string, events: readonly RunEvent[], expected: number) {
      if (wrapper.crashed) throw new Error('store is gone');
      if (stored + events.length <= limit) {
        await inner.appendEvents(runId, events, expected);
        stored += events.length;
        return;
      }
      const keep = events.slice(0, limit - stored);
      if (keep.length > 0) await inner.appendEvents(runId, keep, expected);
      stored += keep.length;
      wrapper.crashed = true;
      throw new Error('simulated crash');
    },
  };
  return wrapper;
}

import type { Workflow } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from './events.js';
import { InMemoryRunStore } from './memory-run-store.js';
import { StoreConflictError } from './run-store.js';

const workflow = { name: 'w', version: '1.0.0' } as Workflow;

function event(sequence: number, type: RunEvent['type'] = 'step.started'): RunEvent {
  return {
    sequence,
    type,
    runId: 'r',
    time: sequence,
    data: {},
    correlation_id: 'r',
    causation_id: null,
    request_id: 'q',
  };
}

describe('InMemoryRunStore', () => {
  it('appends atomically at the expected sequence and reads from a cursor', async () => {
    const store = new InMemoryRunStore();
    await store.createRun({ runId: 'r', workflow, siblings: [], createdAt: 0 });
    await store.appendEvents('r', [event(0, 'run.started'), event(1)], 0);
    await store.appendEvents('r', [event(2)], 2);
    expect((await store.readEvents('r', 1)).map((e) => e.sequence)).toEqual([1, 2]);
    expect((await store.readEvents('r', 0, 1)).map((e) => e.sequence)).toEqual([0]);
    expect((await store.readEvents('r', 9)).length).toBe(0);
    expect((await store.getRun('r'))?.nextSequence).toBe(3);
  });

  it('rejects a stale expected sequence, a gap, or a second create, storing nothing', async () => {
    const store = new InMemoryRunStore();
    await store.createRun({ runId: 'r', workflow, siblings: [], createdAt: 0 });
    await store.appendEvents('r', [event(0, 'run.started')], 0);
    await expect(store.appendEvents('r', [event(1)], 0)).rejects.toSatisfy(StoreConflictError.isConflict);
    await expect(store.appendEvents('r', [event(1), event(3)], 1)).rejects.toSatisfy(
      StoreConflictError.isConflict,
    );
    await expect(store.createRun({ runId: 'r', workflow, siblings: [], createdAt: 0 })).rejects.toSatisfy(
      StoreConflictError.isConflict,
    );
    expect((await store.readEvents('r')).length).toBe(1);
  });

  it('derives the run status from run events and filters listings by it', async () => {
    const store = new InMemoryRunStore();
    await store.createRun({ runId: 'r', workflow, siblings: [], createdAt: 0 });
    await store.createRun({ runId: 's', workflow, siblings: [], createdAt: 5 });
    await store.appendEvents('r', [event(0, 'run.started'), event(1, 'run.suspended')], 0);
    expect((await store.getRun('r'))?.status).toBe('suspended');
    await store.appendEvents('r', [event(2, 'run.resumed'), event(3, 'run.completed')], 2);
    expect((await store.getRun('r'))?.status).toBe('success');
    expect((await store.listRuns({ status: ['running'] })).map((run) => run.runId)).toEqual(['s']);
    expect((await store.listRuns({ createdAfter: 1 })).map((run) => run.runId)).toEqual(['s']);
    expect(await store.listRuns({ limit: 1 })).toHaveLength(1);
  });

  it('grants a lease to one owner until it expires or is released', async () => {
    const store = new InMemoryRunStore();
    await store.createRun({ runId: 'r', workflow, siblings: [], createdAt: 0 });
    expect(await store.acquireLease('r', 'a', 100, 0)).toMatchObject({ owner: 'a', expiresAt: 100 });
    expect(await store.acquireLease('r', 'b', 100, 50)).toBeUndefined();
    expect(await store.acquireLease('r', 'a', 100, 50)).toMatchObject({ expiresAt: 150 });
    expect(await store.acquireLease('r', 'b', 100, 151)).toMatchObject({ owner: 'b' });
    await store.releaseLease('r', 'b');
    expect(await store.acquireLease('r', 'c', 100, 152)).toMatchObject({ owner: 'c' });
    expect(await store.acquireLease('missing', 'c', 100, 0)).toBeUndefined();
  });
});

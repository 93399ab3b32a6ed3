/**
 * Lease heartbeat: a run keeps its lease while a long handler call is in flight (no events are
 * written meanwhile), and a run whose lease another engine took stops executing here.
 */
import type { ActionStep, Connector, Workflow } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine.js';
import type { HandlerExecutor } from '../src/handler.js';
import { InMemoryRunStore } from '../src/memory-run-store.js';
import { connectorsFrom } from '../src/resolvers.js';

const connector: Connector = {
  type: 'connector',
  id: 'connector:test/slow@1.0.0',
  kind: 'sdk',
  name: 'slow',
  namespace: 'test',
  version: '1.0.0',
  displayName: 'Slow',
  description: 'Sleeps in real time',
  metadata: { categories: [] },
  runtime: { timeoutMs: 60_000, environment: [] },
  actions: [
    {
      name: 'nap',
      description: 'nap',
      handler: { type: 'function', function: 'nap' },
      source: { pointer: '' },
    },
  ],
  source: { pointer: '' },
};

const step: ActionStep = {
  id: 'nap',
  type: 'action',
  connector: connector.id,
  action: 'nap',
  input: {},
  continueOnError: false,
  needs: [],
  dependsOn: [],
  source: { pointer: '/steps/0' },
};

const workflow: Workflow = {
  type: 'workflow',
  name: 'long-call',
  version: '1.0.0',
  categories: [],
  strategy: 'sequential',
  inputs: {},
  outputs: {},
  triggers: [],
  steps: [step],
  source: { pointer: '' },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A handler that naps `ms` of real time, or until its signal aborts. */
function napper(ms: number): HandlerExecutor {
  return {
    type: 'function',
    execute: ({ context }) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve({ napped: ms }), ms);
        context.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(context.signal.reason);
        });
      }),
  };
}

const LEASE_TTL_MS = 150;

/** A store on which, once `stolen`, someone else holds every lease. */
class StealableStore extends InMemoryRunStore {
  stolen = false;

  override acquireLease(runId: string, owner: string, ttlMs: number, now: number) {
    return this.stolen ? Promise.resolve(undefined) : super.acquireLease(runId, owner, ttlMs, now);
  }
}

describe('lease heartbeat', () => {
  it('keeps the lease of a run whose handler call outlasts the lease several times over', async () => {
    const store = new InMemoryRunStore();
    const options = { store, connectors: connectorsFrom([connector]), limits: { leaseTtlMs: LEASE_TTL_MS } };
    const first = createEngine({ ...options, owner: 'first', handlers: [napper(LEASE_TTL_MS * 6)] });
    const second = createEngine({ ...options, owner: 'second', handlers: [napper(1)] });
    const run = first.start(workflow, {});
    await sleep(LEASE_TTL_MS * 3);
    // Without renewal the lease would have lapsed by now and the second engine would take over.
    await expect(second.resume(run.id)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const result = await run.result;
    expect(result.status).toBe('success');
    expect(result.steps.nap?.attempts).toBe(1);
    expect(result.steps.nap?.output).toEqual({ napped: LEASE_TTL_MS * 6 });
    // Once the run has ended, the lease is released at once.
    const lease = await store.acquireLease(run.id, 'third', LEASE_TTL_MS, Date.now());
    expect(lease?.owner).toBe('third');
  }, 30_000);

  it('stops executing a run whose lease another engine took, recording nothing more', async () => {
    const store = new StealableStore();
    const engine = createEngine({
      store,
      owner: 'victim',
      connectors: connectorsFrom([connector]),
      handlers: [napper(30_000)],
      limits: { leaseTtlMs: LEASE_TTL_MS },
    });
    const run = engine.start(workflow, {});
    await sleep(LEASE_TTL_MS);
    store.stolen = true;
    const before = (await store.readEvents(run.id)).length;
    // Halting wraps the reason, as engine shutdown does: the caller learns why the run stopped here.
    await expect(run.result).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: expect.stringMatching(/halted: The run lease was lost/),
    });
    await sleep(LEASE_TTL_MS);
    const after = await store.readEvents(run.id);
    expect(after.length).toBe(before);
    expect(after.map((event) => event.type)).toEqual(['run.started', 'step.started']);
  }, 30_000);
});

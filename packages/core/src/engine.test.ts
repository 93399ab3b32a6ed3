import type { JsonValue } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { createHarness } from '../test/support/harness.js';
import { loadTestWorkflow } from '../test/support/load.js';
import type { RunEvent } from './events.js';
import { eventId } from './events.js';
import type { HandlerContext } from './handler.js';

const two = loadTestWorkflow({
  name: 'two',
  steps: [
    {
      id: 'a',
      connector: 'connector:test/svc@1.0.0',
      action: 'echo',
      input: { key: '{{ secrets.API_KEY }}' },
    },
    {
      id: 'b',
      connector: 'connector:test/svc@1.0.0',
      action: 'echo',
      input: { prev: '{{ steps.a.status }}' },
    },
  ],
});

async function collect(iterable: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

const loadedPrototypeNames = loadTestWorkflow({
  name: 'prototype-names',
  steps: [
    {
      id: '__proto__',
      connector: 'connector:test/svc@1.0.0',
      action: 'echo',
      input: { status: 'inherited?' },
    },
    { id: 'constructor', connector: 'connector:test/svc@1.0.0', action: 'echo', input: {} },
    { id: 'reader', connector: 'connector:test/svc@1.0.0', action: 'echo', input: {} },
  ],
});
// The loader rejects `steps.status` (no such step); a canonical model built in code reaches the
// engine without that check, so the engine's own step table must not answer it either.
const prototypeNames = {
  ...loadedPrototypeNames,
  steps: loadedPrototypeNames.steps.map((step) =>
    step.id === 'reader' ? { ...step, input: { viaPrototype: '{{ steps.status }}' } } : step,
  ),
} as typeof loadedPrototypeNames;

describe('Engine', () => {
  it('keeps step ids named like prototype members as plain own entries (no step can become a prototype)', async () => {
    const { engine, clock } = createHarness({ workflows: [prototypeNames] });
    const run = engine.start(prototypeNames, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result.status).toBe('success');
    expect(Object.getPrototypeOf(result.steps)).toBeNull();
    expect(Object.keys(result.steps)).toEqual(['__proto__', 'constructor', 'reader']);
    expect(Object.getOwnPropertyDescriptor(result.steps, '__proto__')?.value).toMatchObject({
      status: 'success',
    });
    // `steps.status` is no step: the `__proto__` step's record must not answer it through a prototype.
    expect(result.steps.reader?.output).toEqual({});
  });

  it('streams events live, resumable from a sequence, ending after the terminal event', async () => {
    const { engine, clock } = createHarness({ workflows: [two] });
    const run = engine.start(two, {});
    const live = collect(run.events());
    await clock.runUntilIdle();
    const all = await live;
    expect(all.at(-1)?.type).toBe('run.completed');
    const tail = await collect(run.events(3));
    expect(tail.map((event) => event.sequence)).toEqual(all.slice(3).map((event) => event.sequence));
    expect(await collect(engine.events(run.id, all.length))).toEqual([]);
  });

  it('links events: correlation is the run, a step end is caused by its start', async () => {
    const { engine, clock } = createHarness({ workflows: [two] });
    const run = engine.start(two, {}, { requestId: 'req-1', causationId: 'trigger-9' });
    await clock.runUntilIdle();
    const events = await collect(run.events());
    expect(events[0]).toMatchObject({ type: 'run.started', causation_id: 'trigger-9', request_id: 'req-1' });
    const started = events.find((event) => event.type === 'step.started' && event.stepId === 'a')!;
    const completed = events.find((event) => event.type === 'step.completed' && event.stepId === 'a')!;
    expect(completed.causation_id).toBe(eventId(started));
    expect(events.every((event) => event.correlation_id === run.id && event.request_id === 'req-1')).toBe(
      true,
    );
  });

  it('resolves secrets once by name, hands them to handlers, and redacts every event before it is stored', async () => {
    const asked: string[][] = [];
    const seen: HandlerContext[] = [];
    const { engine, clock } = createHarness({
      workflows: [two],
      engine: {
        secrets: {
          resolve: async (names) => {
            asked.push([...names]);
            return { API_KEY: 'sk-canary-123' };
          },
        },
        redact: (event) => JSON.parse(JSON.stringify(event).replaceAll('sk-canary-123', '***')) as RunEvent,
        handlers: [
          {
            type: 'function',
            async execute({ input, context }) {
              seen.push(context);
              return input as JsonValue;
            },
          },
        ],
      },
    });
    const run = engine.start(two, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(asked).toEqual([['API_KEY']]);
    expect(seen[0]?.secrets.get('API_KEY')).toBe('sk-canary-123');
    expect(seen[0]?.secrets.names()).toEqual(['API_KEY']);
    expect(result.steps.a?.output).toEqual({ key: 'sk-canary-123' });
    const stored = JSON.stringify(await engine.store.readEvents(run.id));
    expect(stored).not.toContain('sk-canary-123');
    expect(stored).toContain('***');
  });

  it('stores what the redact hook returns, but never lets it renumber or retype an event', async () => {
    const { engine, clock } = createHarness({
      workflows: [two],
      engine: {
        redact: (event) => {
          // Renumbers and retypes in place, and hands back the same object.
          const mutable = event as { sequence: number; type: string };
          mutable.sequence = 999;
          mutable.type = 'run.failed';
          return event;
        },
      },
    });
    const run = engine.start(two, {});
    await clock.runUntilIdle();
    expect((await run.result).status).toBe('success');
    const stored = await engine.store.readEvents(run.id);
    expect(stored.map((event) => event.sequence)).toEqual(stored.map((_event, index) => index));
    expect(stored[0]?.type).toBe('run.started');
    expect(stored.at(-1)?.type).toBe('run.completed');
  });

  it('a redact hook that finds nothing returns the event itself, which is stored as is', async () => {
    const handed: RunEvent[] = [];
    const { engine, clock } = createHarness({
      workflows: [two],
      engine: {
        redact: (event) => {
          handed.push(event);
          return event;
        },
      },
    });
    const run = engine.start(two, {});
    await clock.runUntilIdle();
    await run.result;
    const stored = await engine.store.readEvents(run.id);
    expect(stored.length).toBe(handed.length);
    expect(stored.every((event, index) => event === handed[index])).toBe(true);
  });

  it('returns step and run errors as stored: a secret quoted in an error message is redacted in the result too', async () => {
    const { engine, clock } = createHarness({
      workflows: [two],
      engine: {
        secrets: { resolve: async () => ({ API_KEY: 'sk-canary-123' }) },
        redact: (event) => JSON.parse(JSON.stringify(event).replaceAll('sk-canary-123', '***')) as RunEvent,
        handlers: [
          {
            type: 'function',
            async execute({ context }) {
              throw new Error(`upstream refused key ${context.secrets.get('API_KEY')}`);
            },
          },
        ],
      },
    });
    const run = engine.start(two, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result.status).toBe('failed');
    expect(result.steps.a?.error?.message).toContain('***');
    expect(JSON.stringify(result)).not.toContain('sk-canary-123');
  });

  it('gives handlers the contract context', async () => {
    const seen: HandlerContext[] = [];
    const workflow = loadTestWorkflow({
      name: 'ctx',
      inputs: { x: { type: 'number', default: 1 } },
      steps: [
        { id: 'first', connector: 'connector:test/svc@1.0.0', action: 'echo' },
        { id: 'second', connector: 'connector:test/svc@1.0.0', action: 'echo', timeout: 10 },
      ],
    });
    const { engine, clock } = createHarness({
      workflows: [workflow],
      engine: {
        environment: { REGION: 'eu' },
        handlers: [
          {
            type: 'function',
            async execute({ context }) {
              seen.push(context);
              return { at: context.stepId };
            },
          },
        ],
      },
    });
    const run = engine.start(workflow, {});
    await clock.runUntilIdle();
    await run.result;
    expect(seen[1]).toMatchObject({
      runId: run.id,
      workflowId: run.id,
      workflowName: 'ctx',
      stepId: 'second',
      stepName: 'second',
      attempt: 1,
      idempotencyKey: `${run.id}:second`,
      inputs: { x: 1 },
      environment: { REGION: 'eu' },
      executionMode: 'local',
      traceId: run.id,
    });
    expect(seen[1]?.previousSteps.first).toMatchObject({ status: 'success', output: { at: 'first' } });
    expect(seen[1]?.deadline).toBe(clock.now() + 10_000);
    expect(seen[1]?.signal.aborted).toBe(false);
  });

  it('leaves no timers behind and refuses work on a finished run', async () => {
    const { engine, clock } = createHarness({ workflows: [two] });
    const run = engine.start(two, {});
    await clock.runUntilIdle();
    await run.result;
    expect(clock.pendingTimers).toBe(0);
    expect(await run.cancel('late')).toBe(false);
    await expect(run.signal('x')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('cancels a run when the caller aborts its signal', async () => {
    const workflow = loadTestWorkflow({ name: 'long', steps: [{ id: 'w', type: 'wait', duration: '1h' }] });
    const { engine, clock } = createHarness({ workflows: [workflow] });
    const controller = new AbortController();
    const run = engine.start(workflow, {}, { signal: controller.signal });
    await clock.advance(10);
    controller.abort();
    await clock.runUntilIdle();
    expect(await run.result).toMatchObject({ status: 'canceled', error: { code: 'CANCELED' } });
  });

  it('validate() reports a missing handler executor and backend', async () => {
    const workflow = loadTestWorkflow({
      name: 'v',
      steps: [
        { id: 'a', connector: 'connector:test/svc@1.0.0', action: 'echo' },
        { id: 'b', connector: 'connector:test/svc@1.0.0', action: 'echo', backend: 'remote' },
      ],
    });
    const { engine } = createHarness({ workflows: [workflow], engine: { handlers: [] } });
    const report = await engine.validate(workflow);
    expect(report.valid).toBe(false);
    expect(report.issues.map((issue) => [issue.stepId, issue.code])).toEqual([
      ['a', 'UNAVAILABLE'],
      ['b', 'UNAVAILABLE'],
    ]);
  });

  it('a run without an executor for the handler type fails that step with the same UNAVAILABLE error', async () => {
    const workflow = loadTestWorkflow({
      name: 'no-executor',
      steps: [{ id: 'a', connector: 'connector:test/svc@1.0.0', action: 'echo' }],
    });
    const { engine, clock } = createHarness({ workflows: [workflow], engine: { handlers: [] } });
    const report = await engine.validate(workflow);
    const run = engine.start(workflow, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result.status).toBe('failed');
    expect(result.steps.a?.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: report.issues[0]?.message,
      details: { handler_type: 'function', connector: 'connector:test/svc@1.0.0' },
    });
  });

  it('limits concurrent leaf steps to the workflow maxConcurrency across nested blocks', async () => {
    const workflow = loadTestWorkflow({
      name: 'limited',
      maxConcurrency: 2,
      steps: [
        {
          id: 'fan',
          type: 'parallel',
          branches: {
            a: [{ id: 'a1', connector: 'connector:test/svc@1.0.0', action: 'slow' }],
            b: [{ id: 'b1', connector: 'connector:test/svc@1.0.0', action: 'slow' }],
            c: [{ id: 'c1', connector: 'connector:test/svc@1.0.0', action: 'slow' }],
          },
        },
      ],
    });
    const { engine, clock, recorder } = createHarness({
      workflows: [workflow],
      behaviours: { slow: { kind: 'sleep', ms: 10 } },
    });
    const run = engine.start(workflow, {});
    await clock.runUntilIdle();
    expect((await run.result).status).toBe('success');
    expect(recorder.maxConcurrent).toBe(2);
  });
});

describe('virtual time', () => {
  it('marks event-wait timeouts external, so auto-advance leaves them for the caller', async () => {
    const workflow = loadTestWorkflow({
      name: 'external',
      steps: [
        { id: 'pause', type: 'wait', duration: '5s' },
        { id: 'hear', type: 'wait', until: { event: 'ping', timeout: '1h' } },
      ],
    });
    const { engine, clock } = createHarness({ workflows: [workflow] });
    const start = clock.now();
    const run = engine.start(workflow, {});
    await clock.runUntilIdle({ external: false });
    expect(clock.now() - start).toBe(5000);
    await run.signal('ping', { n: 1 });
    await clock.runUntilIdle({ external: false });
    expect(await run.result).toMatchObject({
      status: 'success',
      steps: { hear: { output: { timedOut: false } } },
    });
  });
});

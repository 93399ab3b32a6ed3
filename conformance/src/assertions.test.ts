import { describe, expect, it } from 'vitest';
import { evaluateExpectations } from './assertions.js';
import type { RecordedCall } from './behaviour-server.js';
import type { ConformanceCase, Expectations } from './case-types.js';
import type { RunObservation } from './observation.js';
import type { TargetEvent } from './protocol.js';

const testCase = { requirement: 'OW-TEST-001' } as ConformanceCase;

function at(ms: number): string {
  return new Date(Date.UTC(2000, 0, 1) + ms).toISOString();
}

function event(sequence: number, type: string, ms: number, extra: Partial<TargetEvent> = {}): TargetEvent {
  return { sequence, type, runId: 'r', time: at(ms), data: {}, ...extra };
}

function call(route: string, index: number, extra: Partial<RecordedCall> = {}): RecordedCall {
  return { route, index, method: 'POST', path: '/', query: {}, headers: {}, aborted: false, ...extra };
}

const EVENTS = [
  event(0, 'run.started', 0),
  event(1, 'step.started', 0, { stepId: 'a', attempt: 1 }),
  event(2, 'step.retrying', 5, { stepId: 'a', attempt: 1, data: { delayMs: 1000 } }),
  event(3, 'step.started', 1005, { stepId: 'a', attempt: 2 }),
  event(4, 'step.completed', 1010, { stepId: 'a', attempt: 2, data: { output: { n: 1 } } }),
  event(5, 'run.completed', 1010),
];

function evaluate(expect: Expectations, overrides: Partial<RunObservation> = {}) {
  const observation: RunObservation = {
    kind: 'run',
    runId: 'r',
    clock: { mode: 'virtual', start: at(0) },
    events: EVENTS,
    result: {
      runId: 'r',
      status: 'success',
      outputs: { total: 3 },
      steps: { a: { status: 'success', attempts: 2, output: { n: 1, extra: true } } },
    },
    behaviour: {
      calls: [call('a', 0, { aborted: true }), call('b', 0, { body: { x: 1 } }), call('a', 1)],
      maxConcurrency: { '*': 2, a: 1, b: 1 },
      unknownRoutes: [],
    },
    canaries: new Map(),
    stderr: [],
    problems: [],
    ...overrides,
  };
  return evaluateExpectations(testCase, expect, observation);
}

const failed = (results: ReturnType<typeof evaluate>) => results.filter((r) => !r.ok).map((r) => r.label);

describe('evaluateExpectations', () => {
  it('counts one assertion per expectation item, all under the case requirement', () => {
    const results = evaluate({
      status: 'success',
      outputs: { total: 3 },
      steps: { a: { status: 'success', attempts: 2 } },
      behaviour: { calls: { a: 2, '*': 3 }, order: ['a', 'b', 'a'], maxConcurrency: { '*': { $lte: 2 } } },
    });
    expect(failed(results)).toEqual([]);
    expect(results).toHaveLength(8);
    expect(results.every((r) => r.counted && r.requirement === 'OW-TEST-001')).toBe(true);
  });

  it('compares a step output exactly but the step record field by field', () => {
    expect(failed(evaluate({ steps: { a: { output: { n: 1 } } } }))).toEqual(['steps.a.output']);
    expect(failed(evaluate({ steps: { a: { status: 'success' }, b: { status: 'success' } } }))).toEqual([
      'steps.b.status',
    ]);
    expect(failed(evaluate({ steps: { b: { $absent: true } } }))).toEqual([]);
  });

  it('checks event order, presence, absence and counts', () => {
    const ok = evaluate({
      events: {
        order: [[{ type: 'run.started' }, { type: 'step.started', attempt: 1 }, { type: 'run.completed' }]],
        contains: [{ type: 'step.retrying', data: { delayMs: 1000 } }],
        absent: [{ type: 'step.failed' }],
        count: [{ event: { type: 'step.started', stepId: 'a' }, is: 2 }],
      },
    });
    expect(failed(ok)).toEqual([]);
    const bad = evaluate({
      events: {
        order: [[{ type: 'step.completed' }, { type: 'step.started' }]],
        contains: [{ type: 'step.skipped' }],
        absent: [{ type: 'step.retrying' }],
        count: [{ event: { type: 'step.started' }, is: 1 }],
      },
    });
    expect(failed(bad)).toEqual([
      'events.order[0][0→1]',
      'events.contains[0]',
      'events.absent[0]',
      'events.count[0]',
    ]);
  });

  it('measures delays exactly on a virtual clock and with slack in real time', () => {
    const delay = { from: { type: 'step.retrying' }, to: { type: 'step.started', attempt: 2 }, ms: 1000 };
    expect(failed(evaluate({ events: { delays: [delay] } }))).toEqual([]);
    expect(failed(evaluate({ events: { delays: [{ ...delay, ms: 999 }] } }))).toEqual(['events.delays[0]']);
    const real = { clock: { mode: 'real' } as const };
    expect(failed(evaluate({ events: { delays: [{ ...delay, ms: 900 }] } }, real))).toEqual([]);
    expect(failed(evaluate({ events: { delays: [{ ...delay, ms: 1500 }] } }, real))).toEqual([
      'events.delays[0]',
    ]);
  });

  it('compares recorded requests and aborted calls', () => {
    expect(
      failed(evaluate({ behaviour: { requests: { b: [{ method: 'POST', body: { x: 1 } }] } } })),
    ).toEqual([]);
    expect(failed(evaluate({ behaviour: { requests: { b: [{ body: { x: 2 } }] } } }))).toEqual([
      'behaviour.requests.b',
    ]);
    expect(failed(evaluate({ behaviour: { requests: { b: [{}, {}] } } }))).toEqual(['behaviour.requests.b']);
    expect(failed(evaluate({ behaviour: { aborted: { a: 1, b: 0 } } }))).toEqual([]);
  });

  it('adds one assertion per canary and fails it when the secret leaks anywhere', () => {
    const canaries = new Map([['key', 'owc-canary-key-00112233445566778899']]);
    const clean = evaluate({}, { canaries });
    expect(clean.map((r) => [r.label, r.ok])).toEqual([['canary key', true]]);
    const leaked = evaluate({}, { canaries, stderr: ['using owc-canary-key-00112233445566778899'] });
    expect(leaked[0]?.mismatches[0]?.message).toBe('the secret leaked verbatim into stderr');
  });

  it('fails, uncounted, when the target calls routes the case did not declare', () => {
    const [result] = evaluate(
      {},
      { behaviour: { calls: [], maxConcurrency: {}, unknownRoutes: ['/ns/x/typo'] } },
    );
    expect(result).toMatchObject({ ok: false, counted: false, label: 'behaviour.routes' });
  });
});

import { describe, expect, it } from 'vitest';
import { checkRunInvariants } from './invariants.js';
import type { RunObservation } from './observation.js';
import type { RunResult, TargetEvent } from './protocol.js';

const T0 = '2025-01-01T00:00:00.000Z';

function event(sequence: number, type: string, extra: Partial<TargetEvent> = {}): TargetEvent {
  return { sequence, type, runId: 'r1', time: T0, data: {}, ...extra };
}

function observe(events: TargetEvent[], result: Partial<RunResult> = {}, clock?: RunObservation['clock']) {
  const observation: RunObservation = {
    kind: 'run',
    runId: 'r1',
    clock: clock ?? { mode: 'real' },
    events,
    result: { runId: 'r1', status: 'success', outputs: {}, steps: {}, ...result },
    behaviour: { calls: [], maxConcurrency: {}, unknownRoutes: [] },
    canaries: new Map(),
    stderr: [],
    problems: [],
  };
  return checkRunInvariants(observation);
}

const failures = (results: ReturnType<typeof observe>) =>
  results.filter((r) => !r.ok).map((r) => [r.requirement, r.mismatches.map((m) => m.message)]);

const GOOD = [
  event(0, 'run.started'),
  event(1, 'step.started', { stepId: 'a', attempt: 1 }),
  event(2, 'step.completed', { stepId: 'a', attempt: 1 }),
  event(3, 'run.completed'),
];

describe('checkRunInvariants', () => {
  it('passes a well-formed run, as uncounted checks', () => {
    const results = observe(GOOD);
    expect(failures(results)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(6);
    expect(results.every((r) => !r.counted)).toBe(true);
  });

  it('catches sequences that do not start at 0 or have gaps', () => {
    const shifted = GOOD.map((e) => ({ ...e, sequence: e.sequence + 1 }));
    expect(failures(observe(shifted))[0]).toEqual([
      'OW-PROTOCOL-002',
      [
        'event #0 (run.started) has sequence 1, expected 0',
        'event #1 (step.started) has sequence 2, expected 1',
        'event #2 (step.completed) has sequence 3, expected 2',
      ],
    ]);
    const gap = [GOOD[0]!, GOOD[1]!, { ...GOOD[2]!, sequence: 3 }, { ...GOOD[3]!, sequence: 4 }];
    expect(failures(observe(gap)).map(([id]) => id)).toEqual(['OW-PROTOCOL-002']);
  });

  it('requires run.started first and one terminal event, last, agreeing with the result', () => {
    expect(
      failures(observe([GOOD[1]!, { ...GOOD[0]!, sequence: 1 }, GOOD[2]!, GOOD[3]!])).map(([id]) => id),
    ).toContain('OW-PROTOCOL-003');
    expect(failures(observe(GOOD, { status: 'failed', error: { code: 'X', message: 'm' } }))).toEqual([
      ['OW-PROTOCOL-004', ['the last event is run.completed but the result status is failed']],
    ]);
    expect(failures(observe([...GOOD, event(4, 'run.completed')]))[0]).toEqual([
      'OW-PROTOCOL-004',
      ['2 terminal events'],
    ]);
    expect(failures(observe(GOOD.slice(0, 3)))[0]?.[0]).toBe('OW-PROTOCOL-004');
  });

  it('checks run ids, time order and step attempts', () => {
    expect(failures(observe(GOOD, { runId: 'other' }))[0]?.[0]).toBe('OW-PROTOCOL-001');
    const late = [GOOD[0]!, { ...GOOD[1]!, time: '2024-12-31T23:59:59.000Z' }, GOOD[2]!, GOOD[3]!];
    expect(failures(observe(late))[0]?.[0]).toBe('OW-PROTOCOL-006');
    const orphan = [GOOD[0]!, { ...GOOD[2]!, sequence: 1 }, { ...GOOD[3]!, sequence: 2 }];
    expect(failures(observe(orphan))).toEqual([
      ['OW-PROTOCOL-007', ['step.completed for a attempt 1 before its step.started']],
    ]);
  });

  it('allows no events only for a run rejected by input validation', () => {
    expect(failures(observe([], { status: 'failed', error: { code: 'VALIDATION', message: 'm' } }))).toEqual(
      [],
    );
    expect(failures(observe([]))).toEqual([['OW-PROTOCOL-005', ['a success run reported no events']]]);
  });

  it('requires a virtual run to start at the requested instant', () => {
    const clock = { mode: 'virtual', start: '2000-01-01T00:00:00.000Z' } as const;
    expect(failures(observe(GOOD, {}, clock))[0]?.[0]).toBe('OW-PROTOCOL-008');
    const virtual = GOOD.map((e) => ({ ...e, time: clock.start }));
    expect(failures(observe(virtual, {}, clock))).toEqual([]);
  });
});

import type { RunEvent } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from './progress.js';

let sequence = 0;
function event(type: RunEvent['type'], fields: Partial<RunEvent> = {}): RunEvent {
  return {
    sequence: sequence++,
    type,
    runId: 'run-1',
    time: 1000 + sequence * 10,
    data: {},
    correlation_id: 'run-1',
    causation_id: null,
    request_id: 'req',
    ...fields,
  };
}

const EVENTS: RunEvent[] = [
  event('run.started', { data: { workflow: { name: 'Demo', version: '1.0.0' } } }),
  event('step.started', { stepId: 'fetch', path: 'fetch', attempt: 1 }),
  event('step.started', { stepId: 'fetch', path: 'fetch[0]', attempt: 1 }),
  event('step.started', { stepId: 'other', path: 'other', attempt: 1 }),
  event('step.retrying', {
    stepId: 'fetch',
    path: 'fetch[0]',
    attempt: 1,
    data: { error: { code: 'UNAVAILABLE', message: 'busy token=abc123' }, delayMs: 500, nextAttempt: 2 },
  }),
  event('step.started', { stepId: 'fetch', path: 'fetch[0]', attempt: 2 }),
  event('step.completed', { stepId: 'fetch', path: 'fetch[0]', data: { attempts: 2, durationMs: 620 } }),
  event('step.completed', { stepId: 'fetch', path: 'fetch', data: { attempts: 1, durationMs: 700 } }),
  event('step.failed', {
    stepId: 'other',
    path: 'other',
    data: { attempts: 1, durationMs: 1500, error: { code: 'TIMEOUT', message: 'too slow' }, continued: true },
  }),
  event('step.skipped', {
    stepId: 'last',
    path: 'last',
    data: { attempts: 0, durationMs: 0, reason: 'condition' },
  }),
  event('run.completed', { data: { outputs: {} } }),
];

function capture(mode: 'tree' | 'lines') {
  let text = '';
  const progress = createProgress(
    {
      write: (chunk) => {
        text += chunk;
      },
    },
    { mode, refreshMs: 0, now: () => 5000, mask: (line) => line.replaceAll('abc123', '[REDACTED:token]') },
  );
  for (const item of EVENTS) progress.onEvent(item);
  progress.finish();
  return text;
}

describe('progress', () => {
  it('lines mode writes one plain line per change, masked', () => {
    expect(capture('lines').split('\n')).toEqual([
      'Run run-1: Demo 1.0.0 started',
      'step fetch started',
      'step fetch[0] started',
      'step other started',
      'step fetch[0] retrying (attempt 2 in 500 ms): UNAVAILABLE: busy token=[REDACTED:token]',
      'step fetch[0] started (attempt 2)',
      'step fetch[0] succeeded (2 attempts, 620 ms)',
      'step fetch succeeded (1 attempt, 700 ms)',
      'step other failed (1 attempt, 1.5 s): TIMEOUT: too slow (continued)',
      'step last skipped (condition)',
      'run succeeded',
      '',
    ]);
  });

  it('tree mode redraws in place and ends with the tree of every instance', () => {
    const text = capture('tree');
    // Each redraw moves the cursor back over the previous drawing and clears it.
    expect(text).toContain('\u001b[2F\u001b[J');
    const finalDrawing = text.slice(text.lastIndexOf('\u001b[J') + 3);
    expect(finalDrawing.split('\n')).toEqual([
      'Run run-1: Demo 1.0.0',
      '  ✓ fetch  success  1 attempt  700 ms',
      '    ✓ [0]  success  2 attempts  620 ms',
      '  ✗ other  failed  1 attempt  1.5 s  TIMEOUT: too slow (continued)',
      '  - last  skipped  (condition)',
      '',
    ]);
    expect(text).not.toContain('abc123');
  });

  it('folds the oldest lines when the tree is taller than the terminal', () => {
    let text = '';
    const progress = createProgress(
      {
        write: (chunk) => {
          text += chunk;
        },
      },
      { mode: 'tree', refreshMs: 0, maxLines: 3, now: () => 3000 },
    );
    progress.onEvent(event('run.started', { data: { workflow: { name: 'Many' } } }));
    for (const id of ['a', 'b', 'c', 'd']) progress.onEvent(event('step.started', { stepId: id, path: id }));
    progress.finish();
    const finalDrawing = text
      .slice(text.lastIndexOf('\u001b[J') + 3)
      .trimEnd()
      .split('\n');
    expect(finalDrawing).toHaveLength(3);
    expect(finalDrawing[1]).toBe('  … 3 earlier step line(s)');
    expect(finalDrawing[2]).toMatch(/^ {2}. d {2}running {2}attempt 1 {2}1.8 s$/);
  });

  it('formats durations', () => {
    expect(formatDuration(35)).toBe('35 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});

import { expect } from 'vitest';
import type { RunEvent } from '../../src/events.js';
import { TERMINAL_RUN_EVENT_TYPES } from '../../src/events.js';

/**
 * The invariants every finished run's log must satisfy (spec/events.md, "Ordering guarantees"):
 * sequences gapless from 0, exactly one terminal event and it is last, times never going back,
 * and every attempt event after that attempt's `step.started`. Returns the terminal event.
 */
export function expectWellFormedLog(events: readonly RunEvent[]): RunEvent {
  expect(events.map((event) => event.sequence)).toEqual(events.map((_event, index) => index));
  const terminal = events.filter((event) => TERMINAL_RUN_EVENT_TYPES.has(event.type));
  expect(terminal).toHaveLength(1);
  expect(events.at(-1)).toBe(terminal[0]);
  const started = new Set<string>();
  events.forEach((event, index) => {
    if (index > 0) expect(event.time).toBeGreaterThanOrEqual(events[index - 1]!.time);
    if (!['step.started', 'step.retrying', 'step.completed', 'step.failed'].includes(event.type)) return;
    expect(event.attempt, `${event.type} ${event.path}`).toBeGreaterThanOrEqual(1);
    const key = `${event.path}#${event.attempt}`;
    if (event.type === 'step.started') started.add(key);
    else expect(started.has(key), `${event.type} ${key} before its step.started`).toBe(true);
  });
  return terminal[0]!;
}

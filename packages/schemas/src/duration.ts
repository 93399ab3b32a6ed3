/**
 * Durations as documents write them. A string is `<n><unit>` with unit `ms`, `s`, `m`, `h` or `d`, or a
 * compound of such parts in decreasing unit order, each unit at most once (`1h30m`, `2m30s`). A number
 * is seconds, which is how the spec writes every `timeout`. The model always holds milliseconds.
 */
import { MAX_DURATION_LENGTH } from './limits.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;

/**
 * The duration grammar as a regular expression. The JSON Schemas carry the same pattern
 * (`common.schema.json#/$defs/durationString`); a test keeps the two identical.
 */
export const DURATION_PATTERN = '^(?=\\d)(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?$';

const DURATION = new RegExp(DURATION_PATTERN);

/**
 * Parses a duration string into milliseconds; `undefined` when it is not valid or overflows.
 *
 * @example
 * parseDuration('30s') // 30000
 * parseDuration('1h30m') // 5400000
 * parseDuration('90') // undefined — a bare number must be written as a number, not a string
 */
export function parseDuration(text: string): number | undefined {
  if (text.length > MAX_DURATION_LENGTH) return undefined;
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const [, days, hours, minutes, seconds, millis] = match;
  let total = 0;
  for (const [part, unit] of [
    [days, UNIT_MS.d],
    [hours, UNIT_MS.h],
    [minutes, UNIT_MS.m],
    [seconds, UNIT_MS.s],
    [millis, UNIT_MS.ms],
  ] as const) {
    if (part !== undefined) total += Number(part) * unit;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/**
 * Converts a document duration — seconds as a number or a duration string — into milliseconds.
 * Fractional seconds round to the nearest millisecond.
 */
export function durationToMs(value: number | string): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    const ms = Math.round(value * 1000);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  return parseDuration(value);
}

/**
 * Writes milliseconds back in document form: whole seconds as a number (the spec's form), anything
 * else as the shortest duration string.
 *
 * @example
 * formatDuration(30000) // 30
 * formatDuration(1500) // '1s500ms'
 */
export function formatDuration(ms: number): number | string {
  // Zero is written as a string: a timeout of `0` seconds is rejected as "not positive".
  if (ms === 0) return '0s';
  if (ms % 1000 === 0) return ms / 1000;
  let rest = ms;
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text === '' ? '0ms' : text;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, durationToMs, formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['7d', 604_800_000],
    ['0s', 0],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1d2h3m4s5ms', 93_784_005],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '30',
    's',
    '1.5s',
    '30 s',
    ' 30s',
    '30S',
    '1m1h',
    '1h1h',
    '30sec',
    '-5s',
    '1w',
    `${'9'.repeat(70)}s`,
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('rejects durations beyond the safe integer range', () => {
    expect(parseDuration('99999999999999999d')).toBeUndefined();
  });
});

describe('durationToMs', () => {
  it('reads numbers as seconds and rounds fractions to milliseconds', () => {
    expect(durationToMs(30)).toBe(30_000);
    expect(durationToMs(0.5)).toBe(500);
    expect(durationToMs(0.0004)).toBe(0);
  });

  it('rejects negative and non-finite numbers', () => {
    expect(durationToMs(-1)).toBeUndefined();
    expect(durationToMs(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('writes whole seconds as numbers and the rest as the shortest string', () => {
    expect(formatDuration(30_000)).toBe(30);
    expect(formatDuration(1500)).toBe('1s500ms');
    expect(formatDuration(90_061_001)).toBe('1d1h1m1s1ms');
    expect(formatDuration(0)).toBe('0s');
  });

  it('round-trips through durationToMs', () => {
    for (const ms of [0, 1, 999, 1000, 61_001, 3_600_000, 90_061_001]) {
      expect(durationToMs(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('DURATION_PATTERN', () => {
  it('is the pattern of the schemas’ durationString', () => {
    const common = JSON.parse(
      readFileSync(new URL('../../../spec/schemas/common.schema.json', import.meta.url), 'utf8'),
    );
    expect(common.$defs.durationString.pattern).toBe(DURATION_PATTERN);
  });
});

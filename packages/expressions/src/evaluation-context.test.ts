import { describe, expect, it } from 'vitest';
import {
  ABSENT_CONTEXT,
  acquireContext,
  chargeSteps,
  checkStringSize,
  recordSecret,
  releaseContext,
  Site,
  utf8Length,
} from './evaluation-context.js';
import { DEFAULT_LIMITS } from './limits.js';

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\uD800', 3],
    ['\uDC00x', 4],
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    if (!/[\uD800-\uDFFF]/.test(text)) expect(utf8Length(text)).toBe(Buffer.byteLength(text));
  });
});

describe('checkStringSize', () => {
  it('measures bytes exactly near the limit', () => {
    const context = acquireContext({ ...DEFAULT_LIMITS, maxOutputBytes: 4 });
    const site = new Site('x', 0, 1);
    expect(checkStringSize(context, 'éé', site)).toBe('éé');
    expect(() => checkStringSize(context, 'ééa', site)).toThrow(/maxOutputBytes/);
    releaseContext(context);
  });
});

describe('acquireContext', () => {
  it('gives a nested call its own context and reuses the shared one afterwards', () => {
    const outer = acquireContext(DEFAULT_LIMITS);
    outer.steps = 7;
    const inner = acquireContext(DEFAULT_LIMITS);
    expect(inner).not.toBe(outer);
    expect(inner.steps).toBe(0);
    releaseContext(inner);
    expect(outer.steps).toBe(7);
    releaseContext(outer);
    const next = acquireContext(DEFAULT_LIMITS);
    expect(next).toBe(outer);
    expect(next.steps).toBe(0);
    releaseContext(next);
  });
});

describe('ABSENT_CONTEXT', () => {
  it('fails on any use, so a wrongly context-free program cannot run with the wrong limits', () => {
    const at = new Site('x', 0, 1);
    expect(() => checkStringSize(ABSENT_CONTEXT, 'text', at)).toThrow(/context-free program/);
    expect(() => chargeSteps(ABSENT_CONTEXT, 1, at)).toThrow(/context-free program/);
    expect(() => recordSecret(ABSENT_CONTEXT, 'KEY')).toThrow(/context-free program/);
  });
});

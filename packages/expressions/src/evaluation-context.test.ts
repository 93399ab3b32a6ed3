import { describe, expect, it } from 'vitest';
import { checkStringSize, createContext, Site, utf8Length } from './evaluation-context.js';
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
    const context = createContext({ ...DEFAULT_LIMITS, maxOutputBytes: 4 });
    const site = new Site('x', 0, 1);
    expect(checkStringSize(context, 'éé', site)).toBe('éé');
    expect(() => checkStringSize(context, 'ééa', site)).toThrow(/maxOutputBytes/);
  });
});

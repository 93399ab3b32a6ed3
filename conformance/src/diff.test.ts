import { describe, expect, it } from 'vitest';
import { lineDiff, renderDiff } from './diff.js';

describe('renderDiff', () => {
  it('shows scalars side by side', () => {
    expect(renderDiff('failed', 'success')).toEqual(['- expected: "failed"', '+ actual:   "success"']);
    expect(renderDiff(1, undefined)).toEqual(['- expected: 1', '+ actual:   (missing)']);
  });

  it('marks only the differing lines of a structure', () => {
    const lines = renderDiff({ a: 1, b: [1, 2], c: 'x' }, { a: 1, b: [1, 3], c: 'x' });
    expect(lines.filter((l) => l.startsWith('-'))).toEqual(['-     2']);
    expect(lines.filter((l) => l.startsWith('+'))).toEqual(['+     3']);
    expect(lines).toContain('    "a": 1,');
  });
});

describe('lineDiff', () => {
  it('keeps the longest common subsequence', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'c', 'd'])).toEqual(['  a', '- b', '  c', '+ d']);
    expect(lineDiff([], ['x'])).toEqual(['+ x']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatternMatcher } from './pattern-matcher.js';

/** The obviously correct version: every occurrence of every pattern, merged where they overlap. */
function naiveSpans(text: string, patterns: readonly string[]): [number, number][] {
  const covered: [number, number][] = [];
  for (const pattern of patterns) {
    for (let from = text.indexOf(pattern); from >= 0; from = text.indexOf(pattern, from + 1)) {
      covered.push([from, from + pattern.length]);
    }
  }
  covered.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const [start, end] of covered) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start < last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

describe('PatternMatcher', () => {
  it('finds overlapping, nested and adjacent occurrences', () => {
    const matcher = new PatternMatcher(['abcdef', 'cdefgh', 'zz', 'def']);
    expect(matcher.spans('xxabcdefghxx zzzz def')?.map((span) => [span.start, span.end])).toEqual([
      [2, 10],
      [13, 17],
      [18, 21],
    ]);
    // Adjacent occurrences stay separate spans (each gets its own placeholder).
    expect(
      new PatternMatcher(['abab', 'cdcd']).spans('ababcdcd')?.map((span) => [span.start, span.end]),
    ).toEqual([
      [0, 4],
      [4, 8],
    ]);
  });

  it('reports the longest pattern of a merged span', () => {
    const patterns = ['abcd', 'bcdefghij'];
    const [span] = new PatternMatcher(patterns).spans('abcdefghij') ?? [];
    expect(patterns[span!.pattern]).toBe('bcdefghij');
  });

  it('returns undefined when nothing matches and test() agrees', () => {
    const matcher = new PatternMatcher(['secret']);
    expect(matcher.spans('nothing to see here')).toBeUndefined();
    expect(matcher.test('nothing to see here')).toBe(false);
    expect(matcher.test('a secret!')).toBe(true);
  });

  it('handles characters outside the patterns, surrogate pairs and an empty text', () => {
    const matcher = new PatternMatcher(['🔑key', 'ключ']);
    expect(matcher.spans('')).toBeUndefined();
    expect(matcher.spans('x🔑key ключи')?.map((span) => [span.start, span.end])).toEqual([
      [1, 6],
      [7, 11],
    ]);
  });

  it('agrees with the naive search on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'd');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 8 }),
        fc.array(alphabet, { maxLength: 80 }),
        (patterns, chars) => {
          const text = chars.join('');
          const found = new PatternMatcher(patterns).spans(text)?.map((span) => [span.start, span.end]) ?? [];
          expect(found).toEqual(naiveSpans(text, patterns));
        },
      ),
      { numRuns: 500 },
    );
  });
});

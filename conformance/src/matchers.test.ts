import { describe, expect, it } from 'vitest';
import { checkMatcherSyntax, compare, matches } from './matchers.js';

describe('compare', () => {
  it('requires exactly the expected keys in exact mode and only them in partial mode', () => {
    expect(compare({ a: 1 }, { a: 1, b: 2 }, 'exact')).toEqual([
      { path: 'b', message: 'is unexpected', actual: 2 },
    ]);
    expect(compare({ a: 1 }, { a: 1, b: 2 }, 'partial')).toEqual([]);
    expect(compare({ a: { b: 1 } }, { a: { b: 1, c: 3 } }, 'partial')).toEqual([]);
  });

  it('reports the path of the first differing leaf', () => {
    const [mismatch] = compare({ steps: [{ id: 'a', n: 1 }] }, { steps: [{ id: 'a', n: 2 }] }, 'exact');
    expect(mismatch).toEqual({ path: 'steps[0].n', message: 'differs', expected: 1, actual: 2 });
  });

  it('treats 1 and "1" as different and arrays as ordered', () => {
    expect(matches(1, '1', 'exact')).toBe(false);
    expect(matches([1, 2], [2, 1], 'exact')).toBe(false);
    expect(matches([1, 2], [1, 2, 3], 'partial')).toBe(false);
  });

  it('evaluates every operator of a matcher', () => {
    expect(matches({ $type: 'number', $gte: 1, $lt: 3 }, 2, 'exact')).toBe(true);
    expect(matches({ $type: 'number', $gte: 1, $lt: 3 }, 3, 'exact')).toBe(false);
    expect(matches({ $type: 'integer' }, 2.5, 'exact')).toBe(false);
    expect(matches({ $type: 'number' }, 2, 'exact')).toBe(true);
    expect(matches({ $match: '^ord-\\d+$' }, 'ord-7', 'exact')).toBe(true);
    expect(matches({ $contains: 'lo w' }, 'hello world', 'exact')).toBe(true);
    expect(matches({ $contains: { id: 2 } }, [{ id: 1 }, { id: 2, x: 0 }], 'partial')).toBe(true);
    expect(matches({ $contains: { id: 3 } }, [{ id: 1 }], 'partial')).toBe(false);
    expect(matches({ $oneOf: ['a', 'b'] }, 'b', 'exact')).toBe(true);
    expect(matches({ $not: { $oneOf: ['a', 'b'] } }, 'b', 'exact')).toBe(false);
    expect(matches({ $length: 2 }, ['x', 'y'], 'exact')).toBe(true);
    expect(matches({ $length: { $gt: 2 } }, 'ab', 'exact')).toBe(false);
    expect(matches({ $any: true }, null, 'exact')).toBe(true);
    expect(matches({ $literal: { $type: 'x' } }, { $type: 'x' }, 'exact')).toBe(true);
  });

  it('asserts absence of a key with $absent', () => {
    expect(matches({ a: 1, b: { $absent: true } }, { a: 1 }, 'partial')).toBe(true);
    expect(compare({ b: { $absent: true } }, { b: null }, 'partial')).toEqual([
      { path: 'b', message: 'should be absent', actual: null },
    ]);
  });

  it('switches modes for a sub-tree with $exact and $partial', () => {
    expect(matches({ output: { $exact: { a: 1 } } }, { output: { a: 1, b: 2 } }, 'partial')).toBe(false);
    expect(matches({ output: { $partial: { a: 1 } } }, { output: { a: 1, b: 2 } }, 'exact')).toBe(true);
  });
});

describe('checkMatcherSyntax', () => {
  it('accepts plain data and known operators', () => {
    expect(checkMatcherSyntax({ a: [1, { b: { $gte: 2 } }], c: { $match: 'x+' } }, '/expect')).toEqual([]);
  });

  it('rejects unknown operators, mixed objects and bad operands with their pointer', () => {
    expect(checkMatcherSyntax({ n: { $gteq: 1 } }, '/expect')).toEqual([
      expect.stringMatching(/^\/expect\/n\/\$gteq: unknown matcher \$gteq/),
    ]);
    expect(checkMatcherSyntax({ $type: 'number', plain: 1 }, '/e')).toEqual([
      expect.stringContaining('/e: a matcher object may only hold $-operators'),
    ]);
    expect(checkMatcherSyntax({ $type: 'float' }, '/e')).toEqual([
      expect.stringContaining('$type must be one of'),
    ]);
    expect(checkMatcherSyntax({ $gt: 'x' }, '/e')).toEqual(['/e/$gt: $gt needs a number']);
    expect(checkMatcherSyntax({ $match: '(' }, '/e')[0]).toMatch(/invalid regular expression/);
    expect(checkMatcherSyntax({ $absent: false }, '/e')).toEqual([
      '/e/$absent: $absent takes the value true',
    ]);
  });
});

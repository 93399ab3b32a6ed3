import { describe, expect, it } from 'vitest';
import { parseExpression } from './parse.js';
import { isContextFree, producesBoolean } from './static-facts.js';

describe('producesBoolean', () => {
  it.each([
    'a == 1',
    'a != b',
    'a < 1',
    'a >= b',
    "'x' in a",
    "'x' not in a",
    'not a',
    '!a',
    'true',
    'a > 1 and b == 2',
    'a > 1 or not b',
    '(a > 1) if c else false',
  ])('%s is always a boolean', (source) => {
    expect(producesBoolean(parseExpression(source))).toBe(true);
  });

  it.each([
    'a',
    'a.b',
    '1',
    "'true'",
    'null',
    '-a',
    'a + 1',
    'a * 2',
    'a > 1 and b',
    'a or b > 1',
    'bool(a)',
    '[a > 1][0]',
    '(a > 1) if c else 0',
  ])('%s may be another kind', (source) => {
    expect(producesBoolean(parseExpression(source))).toBe(false);
  });
});

describe('isContextFree', () => {
  it.each([
    'inputs.a',
    "steps['w'].output[0]",
    'inputs[inputs.key]',
    "inputs.a > 30 and inputs.b == 'Paris'",
    'inputs.a == null',
    "'x' != inputs.a",
    '-inputs.a * 2 - 1',
    'inputs.a if inputs.b else [inputs.c, {d: inputs.d}]',
    'not inputs.a or inputs.b <= 3',
  ])('%s never uses the evaluation context', (source) => {
    expect(isContextFree(parseExpression(source))).toBe(true);
  });

  it.each([
    ['secrets.KEY', 'secret reads are recorded'],
    ["secrets.KEY == 'x'", 'secret reads are recorded'],
    ['inputs[secrets.KEY]', 'secret reads are recorded'],
    ['length(inputs.a)', 'library calls spend steps'],
    ['inputs.a | upper', 'filters are calls'],
    ["map(inputs.a, 'item + 1')", 'sub-expressions use loop slots'],
    ["inputs.a + 'x'", 'produced strings are limited'],
    ["'x' in inputs.a", 'membership walks containers'],
    ['inputs.a == inputs.b', 'equality of two values may walk containers'],
    ['inputs.a > 1 and inputs.b == inputs.c', 'one part uses it'],
    ['(inputs.a + 1) if inputs.b else 0', 'one branch uses it'],
  ])('%s uses it (%s)', (source) => {
    expect(isContextFree(parseExpression(source))).toBe(false);
  });
});

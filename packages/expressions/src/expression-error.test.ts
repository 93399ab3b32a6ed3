import { describe, expect, it } from 'vitest';
import { appendPointer, EXPRESSION_ERROR_CODES, ExpressionError, lineAndColumn } from './expression-error.js';

describe('ExpressionError', () => {
  it('derives line and column from the source and serialises positions only', () => {
    const error = new ExpressionError('EXPR_TYPE', 'Cannot add string and number', {
      start: 6,
      end: 9,
      source: 'ab\ncd+efg',
      cause: new Error('payload secret'),
    });
    expect(error.toJSON()).toEqual({
      code: 'EXPR_TYPE',
      message: 'Cannot add string and number',
      start: 6,
      end: 9,
      line: 2,
      column: 4,
    });
    expect(JSON.stringify(error)).not.toContain('payload secret');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExpressionError');
  });

  it('is recognised by brand, not by class identity', () => {
    const lookalike = Object.assign(new Error('x'), { [Symbol.for('openworkflow.expression-error')]: true });
    expect(ExpressionError.is(lookalike)).toBe(true);
    expect(ExpressionError.is(new Error('x'))).toBe(false);
    expect(ExpressionError.is(null)).toBe(false);
  });

  it('adds a pointer without losing anything', () => {
    const error = new ExpressionError('EXPR_SYNTAX', 'bad', { start: 1, source: 'x\ny' });
    const located = error.withPointer('/a/0');
    expect(ExpressionError.is(located)).toBe(true);
    expect(located.toJSON()).toEqual({ ...error.toJSON(), pointer: '/a/0' });
    expect(error.pointer).toBeUndefined();
  });

  it('documents every code', () => {
    for (const [code, description] of Object.entries(EXPRESSION_ERROR_CODES)) {
      expect(code).toMatch(/^(EXPR|TEMPLATE|CONFIG)_[A-Z_]+$/);
      expect(description.length).toBeGreaterThan(10);
    }
  });
});

describe('positions', () => {
  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('a\nbc\nd', 4)).toEqual({ line: 2, column: 3 });
    expect(lineAndColumn('a\n', 2)).toEqual({ line: 2, column: 1 });
  });

  it('escapes JSON pointer tokens', () => {
    expect(appendPointer('', 'a/b~c')).toBe('/a~1b~0c');
    expect(appendPointer('/x', 3)).toBe('/x/3');
  });
});

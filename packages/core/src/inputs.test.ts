import { describe, expect, it } from 'vitest';
import { resolveInputs } from './inputs.js';

describe('resolveInputs', () => {
  it('applies defaults and passes undeclared inputs through', () => {
    expect(resolveInputs({ a: { required: false, default: 1 } }, { extra: true })).toEqual({
      a: 1,
      extra: true,
    });
  });

  it.each([
    [{ type: 'integer', required: false } as const, 1.5, 'type'],
    [{ type: 'number', required: false } as const, '1', 'type'],
    [{ type: 'object', required: false } as const, [], 'type'],
    [{ type: 'array', required: false } as const, {}, 'type'],
    [{ type: 'string', required: false, enum: ['x'] } as const, 'y', 'enum'],
  ])('rejects %j given %j (%s)', (definition, value, constraint) => {
    expect(() => resolveInputs({ v: definition }, { v: value })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', details: { field: 'v', constraint } }),
    );
  });

  it('gives a null input its default, like a missing one', () => {
    expect(resolveInputs({ v: { type: 'string', required: false, default: 'dflt' } }, { v: null })).toEqual({
      v: 'dflt',
    });
  });

  it('treats null as missing for required inputs and compares enum members deeply', () => {
    expect(() => resolveInputs({ v: { required: true } }, { v: null })).toThrow(
      expect.objectContaining({ details: { field: 'v', constraint: 'required' } }),
    );
    expect(resolveInputs({ v: { required: false, enum: [{ a: 1 }] } }, { v: { a: 1 } })).toEqual({
      v: { a: 1 },
    });
  });
});

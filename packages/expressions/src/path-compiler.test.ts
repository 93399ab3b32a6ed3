import { describe, expect, it } from 'vitest';
import { evaluate, render } from './index.js';
import { NAMED_CODES, readNamed } from './path-compiler.js';

/** An object with a different value under every fixed name, and under one name that is not fixed. */
function everyName(): Record<string, unknown> {
  const object: Record<string, unknown> = { other: 'value of other' };
  for (const name of NAMED_CODES.keys()) object[name] = `value of ${name}`;
  return object;
}

describe('fixed-name loads', () => {
  it('give every name its own non-zero code', () => {
    const codes = [...NAMED_CODES.values()];
    expect(codes.every((code) => Number.isInteger(code) && code > 0)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each([...NAMED_CODES])('read %s through code %i as the property of that name', (name, code) => {
    expect(readNamed(everyName(), code, name)).toBe(`value of ${name}`);
  });

  it('read any other name with a keyed load (code 0)', () => {
    expect(readNamed(everyName(), 0, 'other')).toBe('value of other');
    expect(readNamed(everyName(), 0, 'missing')).toBeUndefined();
  });

  it.each([...NAMED_CODES.keys()])('serve %s as a root, a nested name and in text templates', (name) => {
    const record = everyName();
    const scope = { ...everyName(), steps: { s: record }, list: { s: record } };
    expect(evaluate(name, scope)).toBe(name === 'steps' ? scope.steps : `value of ${name}`);
    expect(evaluate(`list.s.${name}`, scope)).toBe(`value of ${name}`);
    expect(evaluate(`list.s.${name} == 'value of ${name}'`, scope)).toBe(true);
    // The second output starts from the container the first one shared with it.
    expect(render(`{{ list.s.other }}|{{ list.s.${name} }}`, scope)).toBe(`value of other|value of ${name}`);
  });

  it('read a fixed name on an array, a string or null as missing', () => {
    const scope = { steps: { s: [1, 2] }, text: 'abc', nothing: null };
    expect(evaluate('steps.s.output', scope)).toBeUndefined();
    expect(evaluate('text.status', scope)).toBeUndefined();
    expect(evaluate('nothing.error', scope)).toBeUndefined();
    expect(render('[{{ steps.s.output }}|{{ text.status }}]', scope)).toBe('[|]');
  });
});

import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from './json-schema-validator.js';
import type { JsonSchema } from './model.js';

const person: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, units: { type: 'string', default: 'metric' } },
};

describe('validateJsonSchema', () => {
  it('accepts a matching value', () => {
    expect(validateJsonSchema(person, { name: 'Ada' }).valid).toBe(true);
  });

  it('reports a missing required member with its pointer, field and keyword', () => {
    const result = validateJsonSchema(person, {});
    expect(result.valid).toBe(false);
    expect(result.issues[0]).toMatchObject({ pointer: '/name', field: 'name', keyword: 'required' });
  });

  it('reports a type mismatch at the nested pointer', () => {
    const result = validateJsonSchema(person, { name: 42 });
    expect(result.issues[0]).toMatchObject({ pointer: '/name', field: 'name', keyword: 'type' });
  });

  it('fills defaults into a copy, leaving the input untouched', () => {
    const input = { name: 'Ada' };
    const result = validateJsonSchema(person, input, { applyDefaults: true });
    expect(result.value).toEqual({ name: 'Ada', units: 'metric' });
    expect(input).toEqual({ name: 'Ada' });
  });

  it('ignores a foreign $schema declaration and unknown formats', () => {
    const schema: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'string',
      format: 'made-up',
    };
    expect(validateJsonSchema(schema, 'x').valid).toBe(true);
    expect(validateJsonSchema(schema, 1).valid).toBe(false);
  });

  it('reuses the compiled validator for the same schema object', () => {
    const schema: JsonSchema = { type: 'integer' };
    expect(validateJsonSchema(schema, 1).valid).toBe(true);
    expect(validateJsonSchema(schema, 1.5).valid).toBe(false);
  });
});

import type { InputDefinition, InputType, JsonObject, JsonValue } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';

function typeMatches(type: InputType, value: JsonValue): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

function sameValue(a: JsonValue, b: JsonValue): boolean {
  return a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
}

function invalid(field: string, constraint: string, message: string): OpenWorkflowError {
  return new OpenWorkflowError('VALIDATION', message, { details: { field, constraint } });
}

/**
 * Applies input defaults and checks `required`, `type` and `enum` (spec/execution.md, "Inputs").
 * Defaults are literal and satisfy `required`; inputs the workflow does not declare pass through.
 * Throws `VALIDATION` with `details.field` and `details.constraint` on the first problem, so a run
 * with bad inputs fails before any step runs.
 *
 * @example
 * resolveInputs({ city: { type: 'string', required: true } }, {}); // throws VALIDATION {field: 'city', constraint: 'required'}
 */
export function resolveInputs(
  definitions: Readonly<Record<string, InputDefinition>>,
  supplied: JsonObject,
): JsonObject {
  const resolved: JsonObject = { ...supplied };
  for (const [name, definition] of Object.entries(definitions)) {
    let value = Object.hasOwn(supplied, name) ? supplied[name] : undefined;
    // null counts as missing: it takes the default too (spec/execution.md, "Inputs").
    if ((value === undefined || value === null) && definition.default !== undefined)
      value = definition.default;
    if (value === undefined || value === null) {
      if (definition.required) throw invalid(name, 'required', `Missing required input '${name}'`);
      continue;
    }
    if (definition.type !== undefined && !typeMatches(definition.type, value)) {
      throw invalid(name, 'type', `Input '${name}' must be of type ${definition.type}`);
    }
    if (definition.enum !== undefined && !definition.enum.some((allowed) => sameValue(allowed, value))) {
      throw invalid(name, 'enum', `Input '${name}' is not one of the allowed values`);
    }
    resolved[name] = value;
  }
  return resolved;
}

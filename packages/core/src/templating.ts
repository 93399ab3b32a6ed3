import {
  checkTemplate,
  TEMPLATE_STRING as EXPRESSION_TEMPLATE_STRING,
  ExpressionError,
  evaluateCondition,
  isTruthy,
  render,
  templateReferences,
} from '@openworkflow/expressions';
import type { JsonValue, Template } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';

/**
 * The engine's single seam to the expression language. Everything the engine renders goes through
 * these functions, which turn expression errors into `VALIDATION` errors carrying the position
 * (never the data), and skip the engine entirely for values without template syntax.
 */

/** An object with this own property renders as that string in mixed text (`steps.x.error`). */
export const TEMPLATE_STRING: symbol = EXPRESSION_TEMPLATE_STRING;

/** The data a template can read: `inputs`, `steps`, `env`, `secrets`, `trigger`, loop and error roots. */
export type TemplateScope = Readonly<Record<string, unknown>>;

const plainCache = new WeakMap<object, boolean>();

/** True when `value` holds `{{ }}` or `{% %}` somewhere (cached per object, so hot paths skip rendering). */
export function hasTemplate(value: Template | undefined): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (value === null || typeof value !== 'object') return false;
  const known = plainCache.get(value);
  if (known !== undefined) return known;
  const found = Array.isArray(value) ? value.some(hasTemplate) : Object.values(value).some(hasTemplate);
  plainCache.set(value, found);
  return found;
}

function expressionFailure(error: unknown, where: string): OpenWorkflowError {
  if (ExpressionError.is(error)) {
    const details: Record<string, unknown> = {
      field: where,
      constraint: 'expression',
      expression_code: error.code,
    };
    if (error.start !== undefined) details.start = error.start;
    if (error.end !== undefined) details.end = error.end;
    if (error.line !== undefined) details.line = error.line;
    if (error.column !== undefined) details.column = error.column;
    if (error.pointer !== undefined) details.pointer = error.pointer;
    return new OpenWorkflowError('VALIDATION', `Invalid expression in ${where}: ${error.message}`, {
      details,
      cause: error,
    });
  }
  if (OpenWorkflowError.is(error)) return error;
  return new OpenWorkflowError('VALIDATION', `Expression failed in ${where}`, {
    details: { field: where, constraint: 'expression' },
    cause: error,
  });
}

/**
 * Renders a template value (recursively). A string that is exactly one `{{ expr }}` keeps the
 * expression's native type; data coming out of the scope is never rendered again.
 */
export function renderTemplate(value: Template, scope: TemplateScope, where: string): JsonValue {
  if (!hasTemplate(value)) return value;
  try {
    return toJson(render(value, scope));
  } catch (error) {
    throw expressionFailure(error, where);
  }
}

/** Evaluates a condition (`{{ x }}` or bare `x`) to a boolean, with the engine's truthiness. */
export function testCondition(condition: string, scope: TemplateScope, where: string): boolean {
  try {
    return evaluateCondition(condition, scope);
  } catch (error) {
    throw expressionFailure(error, where);
  }
}

/** The truthiness rule of spec/execution.md: JS-like, but `"false"`, `"0"` and `""` are false. */
export function truthy(value: unknown): boolean {
  return isTruthy(value);
}

/** Secret names a template reads (`secrets.NAME`), for resolving them before the run starts. */
export function referencedSecretNames(value: unknown): string[] {
  const names: string[] = [];
  for (const reference of templateReferences(value)) {
    const first = reference.path[0];
    if (reference.root === 'secrets' && typeof first === 'string') names.push(first);
  }
  return names;
}

/** Checks a condition statically (syntax, functions, shape); returns the first error, never throws. */
export function checkCondition(condition: string, where: string): OpenWorkflowError | undefined {
  const [first] = checkTemplate(condition, { condition: true });
  return first === undefined ? undefined : expressionFailure(first, where);
}

/**
 * Rendered values may hold `undefined` (a missing path); JSON has none. Only the top level and the
 * template's own object keys are fixed up: data from the scope is passed by reference, never walked.
 */
function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value as JsonValue;
  let clean: Record<string, JsonValue> | undefined;
  for (const key in value) {
    if ((value as Record<string, unknown>)[key] === undefined) {
      clean ??= { ...(value as Record<string, JsonValue>) };
      delete clean[key];
    }
  }
  return clean ?? (value as JsonValue);
}

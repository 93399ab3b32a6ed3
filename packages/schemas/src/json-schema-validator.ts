import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema, JsonValue } from './model.js';

/** One reason a value does not match its schema: where (JSON pointer), which keyword, and why. */
export interface SchemaIssue {
  /** JSON pointer to the offending value (`/items/0/name`); for `required`, the missing member. */
  readonly pointer: string;
  /** The top-level field involved (`name`), for the taxonomy's `details.field`. */
  readonly field: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `enum`, …): `details.constraint`. */
  readonly keyword: string;
  readonly message: string;
}

export interface SchemaValidation {
  readonly valid: boolean;
  /** The value, with schema `default`s filled in when requested (a copy; the input is untouched). */
  readonly value: JsonValue;
  readonly issues: readonly SchemaIssue[];
}

export interface ValidateOptions {
  /** Fill in `default` values from the schema (on a copy). */
  readonly applyDefaults?: boolean;
}

function createAjv(useDefaults: boolean): Ajv2020 {
  // Document schemas may carry vendor keywords and formats we do not check: lenient, not strict.
  return new Ajv2020({ strict: false, allErrors: false, useDefaults, validateFormats: false });
}

const instances: { plain?: Ajv2020; defaulting?: Ajv2020 } = {};

function ajvFor(applyDefaults: boolean): Ajv2020 {
  const key = applyDefaults ? 'defaulting' : 'plain';
  let ajv = instances[key];
  if (ajv === undefined) {
    ajv = createAjv(applyDefaults);
    instances[key] = ajv;
  }
  return ajv;
}
const compiledPlain = new WeakMap<object, ValidateFunction>();
const compiledDefaulting = new WeakMap<object, ValidateFunction>();
const withDefaults = new WeakMap<object, boolean>();

function mentionsDefault(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  if (!Array.isArray(schema) && Object.hasOwn(schema, 'default')) return true;
  return Object.values(schema).some(mentionsDefault);
}

function compile(schema: JsonSchema, applyDefaults: boolean): ValidateFunction {
  const cache = applyDefaults ? compiledDefaulting : compiledPlain;
  let validate = cache.get(schema);
  if (validate === undefined) {
    const ajv = ajvFor(applyDefaults);
    // A document may declare another draft in `$schema`; the keywords we check are shared.
    const { $schema: _ignored, ...body } = schema;
    validate = ajv.compile(body);
    cache.set(schema, validate);
  }
  return validate;
}

function toIssue(error: ErrorObject): SchemaIssue {
  let pointer = error.instancePath;
  if (error.keyword === 'required') pointer = `${pointer}/${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties')
    pointer = `${pointer}/${String(error.params.additionalProperty)}`;
  const field = pointer.split('/').filter(Boolean).join('.') || '(root)';
  return { pointer: pointer || '/', field, keyword: error.keyword, message: error.message ?? 'is invalid' };
}

/**
 * Validates `value` against a JSON Schema (draft 2020-12). Compiled validators are cached by schema
 * object identity, so validating many values against one action's schema compiles once. With
 * `applyDefaults`, schema defaults are filled into a copy (only when the schema has any).
 *
 * @example
 * const result = validateJsonSchema({ type: 'object', required: ['city'] }, {});
 * result.issues[0]; // { pointer: '/city', field: 'city', keyword: 'required', … }
 */
export function validateJsonSchema(
  schema: JsonSchema,
  value: JsonValue,
  options: ValidateOptions = {},
): SchemaValidation {
  let applyDefaults = options.applyDefaults === true;
  if (applyDefaults) {
    let known = withDefaults.get(schema);
    if (known === undefined) {
      known = mentionsDefault(schema);
      withDefaults.set(schema, known);
    }
    applyDefaults = known;
  }
  const target = applyDefaults ? structuredClone(value) : value;
  const validate = compile(schema, applyDefaults);
  const valid = validate(target) === true;
  return { valid, value: target, issues: valid ? [] : (validate.errors ?? []).map(toIssue) };
}

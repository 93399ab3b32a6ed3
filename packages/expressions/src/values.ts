/**
 * The data model the engine computes over: JSON values plus `undefined` for missing paths. This
 * module owns the rules every operator and function shares — what a value's kind is, which
 * properties are reachable, truthiness, equality and how values become text — so there is exactly
 * one definition of each (spec/expressions.md, "Values").
 */
import {
  chargeSteps,
  checkStringLength,
  checkStringSize,
  type EvaluationContext,
  type Site,
} from './evaluation-context.js';

/** The kinds of values, as named in error messages and by `typeOf()`. */
export type ValueKind = 'undefined' | 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/**
 * Property names that always read as missing, whether or not they are own properties: they are
 * the doors to prototypes (security cases PP-1, PP-2).
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An own property with this key and a string value replaces an object's JSON when the object is
 * interpolated into text: step error records render as their message.
 */
export const TEMPLATE_STRING = Symbol.for('openworkflow.template.string');

const OBJECT_PROTOTYPE = Object.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const isArray = Array.isArray;
const objectToString = Object.prototype.toString;

/**
 * True for objects made by object literals, `JSON.parse`, YAML parsers or `Object.create(null)`,
 * in this realm or another one; false for class instances, functions, dates, maps, proxies of them.
 */
export function isPlainObject(value: object): boolean {
  const prototype = getPrototypeOf(value) as object | null;
  if (prototype === OBJECT_PROTOTYPE || prototype === null) return true;
  return objectToString.call(value) === '[object Object]' && getPrototypeOf(prototype) === null;
}

/** The kind of a data value; throws `EXPR_CONTEXT_NOT_JSON` for anything that is not data. */
export function kindOf(value: unknown, site: Site): ValueKind {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      if (!Number.isFinite(value)) throw notJson(site, 'a non-finite number');
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'undefined':
      return 'undefined';
    case 'object':
      if (value === null) return 'null';
      if (isArray(value)) return 'array';
      if (isPlainObject(value)) return 'object';
      throw notJson(site, 'an object that is not plain data');
    default:
      throw notJson(site, `a ${typeof value}`);
  }
}

function notJson(site: Site, what: string): Error {
  return site.fail('EXPR_CONTEXT_NOT_JSON', `The context holds ${what}; only JSON data can be read`);
}

/**
 * Checks a value that a path produced: primitives pass, plain objects and arrays pass, anything
 * else (a function, a class instance) is host code and fails. Containers are not walked here;
 * their contents are checked when they are read.
 */
export function checkData(value: unknown, site: Site): unknown {
  if (typeof value === 'object') {
    if (value !== null && !isArray(value) && !isPlainObject(value)) kindOf(value, site);
  } else if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'undefined') {
    kindOf(value, site);
  }
  return value;
}

/**
 * Reads one own property of a data value: a string key of a plain object or an integer index of
 * an array. Everything else — strings, numbers, prototype members, `length`, forbidden names — is
 * missing. No getter of a prototype is ever reached because only own keys are looked up.
 */
export function readProperty(container: unknown, key: unknown): unknown {
  if (typeof container !== 'object' || container === null) return undefined;
  if (isArray(container)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= container.length)
      return undefined;
    return hasOwn(container, key) ? container[key] : undefined;
  }
  if (typeof key !== 'string' || FORBIDDEN_KEYS.has(key) || !hasOwn(container, key)) return undefined;
  return (container as Record<string, unknown>)[key];
}

/** Own enumerable string keys of a plain object, without forbidden names. */
export function ownKeys(object: object): string[] {
  const keys = Object.keys(object);
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) return keys.filter((name) => !FORBIDDEN_KEYS.has(name));
  }
  return keys;
}

/**
 * The one truthiness rule. Falsy: `undefined`, `null`, `false`, `0`, `''`, the strings `'false'`
 * and `'0'` (values that arrive as text from forms and environment variables), empty arrays and
 * empty objects. Everything else is truthy.
 */
export function isTruthy(value: unknown): boolean {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'string':
      return value !== '' && value !== 'false' && value !== '0';
    case 'undefined':
      return false;
    case 'object':
      if (value === null) return false;
      if (isArray(value)) return value.length > 0;
      for (const key in value) {
        if (hasOwn(value, key) && !FORBIDDEN_KEYS.has(key)) return true;
      }
      return false;
    default:
      return true;
  }
}

/**
 * Typed deep equality: no conversion between kinds, `null` equals a missing value, arrays and
 * objects compare element by element (object key order does not matter). Each visited element
 * costs one step, so comparing large values inside loops is bounded.
 */
export function deepEqual(left: unknown, right: unknown, context: EvaluationContext, site: Site): boolean {
  if (left === right) return true;
  if (left === null || left === undefined) return right === null || right === undefined;
  if (typeof left !== 'object' || typeof right !== 'object' || right === null) {
    if (typeof left === 'number' && typeof right === 'number') return false;
    kindOf(left, site);
    kindOf(right, site);
    return false;
  }
  return deepEqualContainers(left, right, context, site, 0);
}

function deepEqualValues(
  left: unknown,
  right: unknown,
  context: EvaluationContext,
  site: Site,
  depth: number,
): boolean {
  if (left === right) return true;
  if (left === null || left === undefined) return right === null || right === undefined;
  if (typeof left !== 'object' || typeof right !== 'object' || right === null) return false;
  return deepEqualContainers(left, right, context, site, depth);
}

function deepEqualContainers(
  left: object,
  right: object,
  context: EvaluationContext,
  site: Site,
  depth: number,
): boolean {
  if (depth >= context.limits.maxValueDepth) throw tooDeep(site);
  const leftKind = kindOf(left, site);
  if (leftKind !== kindOf(right, site)) return false;
  if (leftKind === 'array') {
    const a = left as unknown[];
    const b = right as unknown[];
    if (a.length !== b.length) return false;
    chargeSteps(context, a.length + 1, site);
    for (let index = 0; index < a.length; index++) {
      if (!deepEqualValues(a[index], b[index], context, site, depth + 1)) return false;
    }
    return true;
  }
  const leftKeys = ownKeys(left);
  const rightKeys = ownKeys(right);
  if (leftKeys.length !== rightKeys.length) return false;
  chargeSteps(context, leftKeys.length + 1, site);
  for (const key of leftKeys) {
    if (!hasOwn(right, key)) return false;
    const a = (left as Record<string, unknown>)[key];
    const b = (right as Record<string, unknown>)[key];
    if (!deepEqualValues(a, b, context, site, depth + 1)) return false;
  }
  return true;
}

function tooDeep(site: Site): Error {
  return site.fail('EXPR_VALUE_TOO_DEEP', 'Value is nested deeper than maxValueDepth');
}

/**
 * How a value is interpolated into text: strings as they are, `null` and missing as nothing,
 * numbers and booleans as JavaScript prints them, objects with a `TEMPLATE_STRING` property as that
 * string, other objects and arrays as compact JSON.
 */
export function toText(value: unknown, context: EvaluationContext, site: Site): string {
  // `typeof` tests, not `switch (typeof value)`, for the reason given in `readStaticPath`.
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (value - value !== 0) kindOf(value, site);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    if (!isArray(value) && hasOwn(value, TEMPLATE_STRING)) {
      const text = (value as Record<symbol, unknown>)[TEMPLATE_STRING];
      if (typeof text === 'string') return text;
    }
    return toJson(value, context, site);
  }
  kindOf(value, site);
  return '';
}

/**
 * Serialises a value as JSON with a depth bound, a size bound checked while writing, and the same
 * reachability rules as paths (forbidden keys and symbol keys are skipped). A missing value
 * serialises as `null`. `indent` spaces (0–10) pretty-print.
 */
export function toJson(value: unknown, context: EvaluationContext, site: Site, indent = 0): string {
  const writer = { text: '', context, site, indent };
  writeJson(writer, value, 0);
  return checkStringSize(context, writer.text, site);
}

interface JsonWriter {
  text: string;
  readonly context: EvaluationContext;
  readonly site: Site;
  readonly indent: number;
}

function append(writer: JsonWriter, chunk: string): void {
  writer.text += chunk;
  checkStringLength(writer.context, writer.text.length, writer.site);
}

/** The JSON text of a scalar, or undefined for containers. */
function scalarJson(kind: ValueKind, value: unknown): string | undefined {
  switch (kind) {
    case 'undefined':
    case 'null':
      return 'null';
    case 'boolean':
    case 'number':
      return String(value);
    case 'string':
      return JSON.stringify(value);
    default:
      return undefined;
  }
}

function writeJson(writer: JsonWriter, value: unknown, depth: number): void {
  const kind = kindOf(value, writer.site);
  const scalar = scalarJson(kind, value);
  if (scalar !== undefined) {
    append(writer, scalar);
    return;
  }
  if (depth >= writer.context.limits.maxValueDepth) throw tooDeep(writer.site);
  const newline = writer.indent > 0 ? `\n${' '.repeat(writer.indent * (depth + 1))}` : '';
  const closing = writer.indent > 0 ? `\n${' '.repeat(writer.indent * depth)}` : '';
  const isList = kind === 'array';
  const object = value as Record<string, unknown>;
  const keys = isList ? [] : ownKeys(object).filter((key) => object[key] !== undefined);
  const count = isList ? (value as unknown[]).length : keys.length;
  chargeSteps(writer.context, count + 1, writer.site);
  if (count === 0) {
    append(writer, isList ? '[]' : '{}');
    return;
  }
  const separator = writer.indent > 0 ? ': ' : ':';
  append(writer, isList ? '[' : '{');
  for (let index = 0; index < count; index++) {
    append(writer, index === 0 ? newline : `,${newline}`);
    if (isList) writeJson(writer, (value as unknown[])[index], depth + 1);
    else {
      const key = keys[index]!;
      append(writer, `${JSON.stringify(key)}${separator}`);
      writeJson(writer, object[key], depth + 1);
    }
  }
  append(writer, `${closing}${isList ? ']' : '}'}`);
}

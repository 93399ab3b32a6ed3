/**
 * Shared plumbing of the normalisers: tolerant readers over raw document data, alias handling and
 * the state one load carries (diagnostics, file, template sites).
 *
 * The normalisers run even when JSON Schema validation failed, so every problem is reported in one
 * pass. They therefore never trust the shape of the data: readers return `undefined` for anything of
 * the wrong type, and shape problems are left to the schema diagnostics.
 */
import type { DiagnosticCode } from './diagnostic-codes.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { appendPointer } from './json-pointer.js';
import type { JsonObject, JsonValue, SourceRef } from './model.js';
import { createRecord } from './parse-source.js';
import type { PositionIndex } from './source-positions.js';

/** Where a template appears and which context roots it may read (consumed by expression checks). */
export interface TemplateSite {
  readonly pointer: string;
  readonly value: JsonValue;
  /** The step whose field holds the template; absent for workflow outputs. */
  readonly stepId?: string;
  /** `condition` and `test` strings must be a single expression; `value` may mix text and templates. */
  readonly role: 'condition' | 'value';
  /** `item`, `index`, `isFirst`, `isLast` are in scope. */
  readonly loopVariables: boolean;
  /** `error` is in scope (catch and finally bodies). */
  readonly errorVariable: boolean;
  /** `secrets` may be read (step inputs only). */
  readonly secrets: boolean;
}

/** The state of one load shared by the normalisers. */
export interface NormalizeContext {
  readonly diagnostics: DiagnosticCollector;
  readonly file?: string;
  /** Registry-publish strictness (spec/loader.md#registry-mode). */
  readonly registry: boolean;
  readonly templateSites: TemplateSite[];
  /**
   * Every step identifier seen, with the pointer of its `id` (or legacy `name`) key, including steps
   * too malformed to load: duplicate-id and unknown-reference checks must not depend on other errors.
   */
  readonly declaredSteps: DeclaredStep[];
  /** Present for text input: positions and the document order of mapping keys. */
  readonly positions?: PositionIndex;
}

/** A step identifier and where it is written. */
export interface DeclaredStep {
  readonly id: string;
  readonly pointer: string;
}

/** True for a JSON object (not an array or null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string at an own key, or `undefined` for anything else. */
export function readString(object: JsonObject, key: string): string | undefined {
  const value = own(object, key);
  return typeof value === 'string' ? value : undefined;
}

/** The number at an own key, or `undefined` for anything else. */
export function readNumber(object: JsonObject, key: string): number | undefined {
  const value = own(object, key);
  return typeof value === 'number' ? value : undefined;
}

/** The boolean at an own key, or `undefined` for anything else. */
export function readBoolean(object: JsonObject, key: string): boolean | undefined {
  const value = own(object, key);
  return typeof value === 'boolean' ? value : undefined;
}

/** The object at an own key, or `undefined` for anything else. */
export function readObject(object: JsonObject, key: string): JsonObject | undefined {
  const value = own(object, key);
  return isObject(value) ? value : undefined;
}

/** The array at an own key, or `undefined` for anything else. */
export function readArray(object: JsonObject, key: string): JsonValue[] | undefined {
  const value = own(object, key);
  return Array.isArray(value) ? value : undefined;
}

/** The strings of the array at an own key, skipping other items. */
export function readStrings(object: JsonObject, key: string): string[] | undefined {
  const value = readArray(object, key);
  return value?.filter((item): item is string => typeof item === 'string');
}

/** A map of string values (headers, env), skipping anything else. */
export function readStringMap(object: JsonObject, key: string): Record<string, string> | undefined {
  const value = readObject(object, key);
  if (value === undefined) return undefined;
  const result = createRecord<string>();
  for (const [name, item] of Object.entries(value)) if (typeof item === 'string') result[name] = item;
  return result;
}

/** Own-property lookup: a key named like an `Object.prototype` member is never inherited. */
export function own(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Whether the object has this own key. */
export function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key);
}

/** The `SourceRef` of a node: the load's file, if any, and the node's pointer. */
export function sourceOf(context: NormalizeContext, pointer: string): SourceRef {
  return context.file !== undefined ? { file: context.file, pointer } : { pointer };
}

/**
 * Reads a key that has a legacy alias. Using the alias reports `code` at the alias key; using both
 * reports `OW_ALIAS_CONFLICT` and the canonical key wins. Returns the value and the key it came from.
 */
export function readAliased(
  context: NormalizeContext,
  object: JsonObject,
  pointer: string,
  canonical: string,
  alias: string,
  code: DiagnosticCode,
  message: string,
): { readonly value: JsonValue; readonly key: string } | undefined {
  const hasCanonical = has(object, canonical);
  const hasAlias = has(object, alias);
  if (hasAlias && hasCanonical) {
    context.diagnostics.report(
      'OW_ALIAS_CONFLICT',
      appendPointer(pointer, alias),
      `Both "${canonical}" and its alias "${alias}" are present; remove "${alias}"`,
      { at: 'key' },
    );
  } else if (hasAlias) {
    context.diagnostics.report(code, appendPointer(pointer, alias), message, { at: 'key' });
    return { value: object[alias]!, key: alias };
  }
  return hasCanonical ? { value: object[canonical]!, key: canonical } : undefined;
}

/**
 * The entries of a mapping in document order (JavaScript objects put integer-like keys first; the
 * parser recorded the real order for text input).
 */
export function orderedEntries(
  context: NormalizeContext,
  object: JsonObject,
  pointer: string,
): [string, JsonValue][] {
  const keys = context.positions?.keysOf(pointer) ?? Object.keys(object);
  return keys.filter((key) => Object.hasOwn(object, key)).map((key) => [key, object[key]!]);
}

/** Copies a JSON value into fresh null-prototype data, so the model never shares the raw tree. */
export function cloneJson(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isObject(value)) {
    const copy: JsonObject = createRecord();
    for (const [key, item] of Object.entries(value)) copy[key] = cloneJson(item);
    return copy;
  }
  return value;
}

/** {@link cloneJson} for objects. */
export function cloneObject(value: JsonObject): JsonObject {
  return cloneJson(value) as JsonObject;
}

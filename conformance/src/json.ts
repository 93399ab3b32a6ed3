/**
 * JSON values as the suite sees them. Cases, protocol messages and observations are all plain
 * JSON, so equality is structural and key order never matters.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two JSON values; object key order is irrelevant, array order is not. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return false;
}

/** Pretty JSON for reports: two-space indent, `undefined` spelled out so "missing" is visible. */
export function formatJson(value: JsonValue | undefined): string {
  return value === undefined ? '(missing)' : JSON.stringify(value, null, 2);
}

/**
 * Views a typed protocol value as JSON. Safe for anything that arrived as JSON (every target
 * message is parsed and schema-checked), which is all the runner ever compares.
 */
export function asJson(value: unknown): JsonValue {
  return value as JsonValue;
}

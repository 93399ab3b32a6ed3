/**
 * JSON text of log-field values, written in place of pino's generic serialiser for lines whose
 * fields are known ids, numbers and short strings (docs/benchmarks.md).
 */

/** Printable ASCII without `"` and `\\`: the same characters inside JSON quotes. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `value` as a JSON string literal. */
export function jsonString(value: string): string {
  // Ids and names are plain ASCII: quoting them needs no escaping (twice as fast).
  return PLAIN_JSON_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
}

/**
 * `value` as JSON text, as pino writes a field: `undefined` leaves the field out, non-finite
 * numbers are `null`.
 */
export function jsonValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    default:
      try {
        return JSON.stringify(value) ?? 'null';
      } catch {
        return '"[unserializable]"';
      }
  }
}

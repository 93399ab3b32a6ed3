/**
 * JSON Pointers (RFC 6901): how diagnostics and `SourceRef`s address a node inside a document.
 */

/** Escapes one reference token: `~` → `~0`, `/` → `~1`. */
export function escapePointerSegment(segment: string | number): string {
  const text = String(segment);
  // Most segments are indexes or identifiers: skip the replacements when nothing needs escaping.
  if (!text.includes('~') && !text.includes('/')) return text;
  return text.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Appends segments to a pointer.
 *
 * @example
 * appendPointer('/workflows/0', 'steps', 2) // '/workflows/0/steps/2'
 */
export function appendPointer(base: string, ...segments: readonly (string | number)[]): string {
  let pointer = base;
  for (const segment of segments) pointer += `/${escapePointerSegment(segment)}`;
  return pointer;
}

/** Splits a pointer into its unescaped reference tokens (`''` → `[]`). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The pointer of the parent node, or `undefined` for the root. */
export function parentPointer(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

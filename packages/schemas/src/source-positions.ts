import { parentPointer } from './json-pointer.js';

/** A 1-based line and column in the document text. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

interface Entry {
  readonly value: SourcePosition;
  readonly key?: SourcePosition;
}

/**
 * Where each node of a parsed document starts in its text, keyed by JSON pointer. Objects given to
 * the loader already parsed have no index; diagnostics for them carry only a pointer.
 */
export class PositionIndex {
  readonly #entries = new Map<string, Entry>();
  readonly #keys = new Map<string, readonly string[]>();
  readonly #verbatim = new Map<string, SourcePosition>();

  /** Records a node's value position and, for object properties, where its key starts. */
  set(pointer: string, value: SourcePosition, key?: SourcePosition): void {
    this.#entries.set(pointer, key === undefined ? { value } : { value, key });
  }

  /**
   * The position for a pointer: the key when `prefer` is `'key'` and the node is a property, else
   * the value. A pointer to a missing node (a required property that is absent) resolves to its
   * nearest existing ancestor.
   */
  locate(pointer: string, prefer: 'key' | 'value' = 'value'): SourcePosition | undefined {
    let current: string | undefined = pointer;
    while (current !== undefined) {
      const entry = this.#entries.get(current);
      if (entry !== undefined) return (prefer === 'key' ? entry.key : undefined) ?? entry.value;
      current = parentPointer(current);
    }
    return undefined;
  }

  /** Records the keys of a mapping in document order. */
  setKeys(pointer: string, keys: readonly string[]): void {
    this.#keys.set(pointer, keys);
  }

  /**
   * The keys of the mapping at `pointer` in document order. JavaScript objects list integer-like keys
   * first, so the order of switch cases and parallel branches must come from here.
   */
  keysOf(pointer: string): readonly string[] | undefined {
    return this.#keys.get(pointer);
  }

  /**
   * Records where the text of a one-line string scalar starts when the source spells the value
   * verbatim (no escapes, no folding), so a column inside the string maps to a column in the file.
   */
  setVerbatim(pointer: string, contentStart: SourcePosition): void {
    this.#verbatim.set(pointer, contentStart);
  }

  /**
   * The file position of a 1-based column inside the string at `pointer`, when the string is a
   * verbatim one-line scalar; `undefined` otherwise.
   */
  locateInString(pointer: string, column: number): SourcePosition | undefined {
    const start = this.#verbatim.get(pointer);
    return start === undefined ? undefined : { line: start.line, column: start.column + column - 1 };
  }

  /** Number of indexed nodes. */
  get size(): number {
    return this.#entries.size;
  }
}

/** A stretch of text covered by one or more pattern occurrences. */
export interface CoveredSpan {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** Index of the longest pattern occurrence inside the span. */
  readonly pattern: number;
}

/**
 * Finds every occurrence of many literal patterns in one left-to-right pass (Aho–Corasick,
 * compiled to a transition table over the characters the patterns use). The cost per character is
 * one table lookup whatever the number of patterns, so masking stays linear when a run holds dozens
 * of secrets with a dozen encodings each. Overlapping and adjacent-but-overlapping occurrences are
 * merged into one span, so no fragment of any secret survives between two replacements.
 */
export class PatternMatcher {
  readonly #classOf: Uint16Array;
  readonly #width: number;
  readonly #next: Int32Array;
  /** Length of the longest pattern that ends at this state (0: none). */
  readonly #outLength: Int32Array;
  readonly #outPattern: Int32Array;
  readonly #patternLengths: readonly number[];

  constructor(patterns: readonly string[]) {
    this.#patternLengths = patterns.map((pattern) => pattern.length);
    // Character classes: 0 for characters no pattern uses (they always lead back to the root).
    this.#classOf = new Uint16Array(65_536);
    let classes = 0;
    for (const pattern of patterns) {
      for (let index = 0; index < pattern.length; index++) {
        const code = pattern.charCodeAt(index);
        if (this.#classOf[code] === 0) this.#classOf[code] = ++classes;
      }
    }
    const width = classes + 1;
    this.#width = width;

    // The trie, grown in a dense table; -1 marks a missing edge until failure links fill it.
    let capacity = 1;
    for (const pattern of patterns) capacity += pattern.length;
    const next = new Int32Array(capacity * width).fill(-1);
    const outLength = new Int32Array(capacity);
    const outPattern = new Int32Array(capacity).fill(-1);
    let states = 1;
    patterns.forEach((pattern, index) => {
      let state = 0;
      for (let position = 0; position < pattern.length; position++) {
        const slot = state * width + this.#classOf[pattern.charCodeAt(position)]!;
        if (next[slot] === -1) next[slot] = states++;
        state = next[slot]!;
      }
      if (pattern.length > outLength[state]!) {
        outLength[state] = pattern.length;
        outPattern[state] = index;
      }
    });

    // Breadth-first: each state's missing edges follow its failure link's edges, and it inherits
    // the longest output of its failure state (a shorter pattern that is a suffix of this path).
    const fail = new Int32Array(states);
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (let symbol = 0; symbol < width; symbol++) {
      const child = next[symbol]!;
      if (child === -1) next[symbol] = 0;
      else if (child !== 0) {
        fail[child] = 0;
        queue[tail++] = child;
      }
    }
    while (head < tail) {
      const state = queue[head++]!;
      const failure = fail[state]!;
      if (outLength[failure]! > outLength[state]!) {
        outLength[state] = outLength[failure]!;
        outPattern[state] = outPattern[failure]!;
      }
      for (let symbol = 0; symbol < width; symbol++) {
        const slot = state * width + symbol;
        const child = next[slot]!;
        const viaFailure = next[failure * width + symbol]!;
        if (child === -1) {
          next[slot] = viaFailure;
        } else {
          fail[child] = viaFailure;
          queue[tail++] = child;
        }
      }
    }
    // Class 0 (an unused character) always returns to the root.
    for (let state = 0; state < states; state++) next[state * width] = 0;
    this.#next = next.subarray(0, states * width);
    this.#outLength = outLength.subarray(0, states);
    this.#outPattern = outPattern.subarray(0, states);
  }

  /** True when any pattern occurs in `text`. */
  test(text: string): boolean {
    const classOf = this.#classOf;
    const next = this.#next;
    const outLength = this.#outLength;
    const width = this.#width;
    let state = 0;
    for (let index = 0; index < text.length; index++) {
      const symbol = classOf[text.charCodeAt(index)]!;
      state = symbol === 0 ? 0 : next[state * width + symbol]!;
      if (outLength[state] !== 0) return true;
    }
    return false;
  }

  /**
   * The spans of `text` covered by pattern occurrences, in order and non-overlapping; `undefined`
   * when there is none (the common case, which allocates nothing).
   */
  spans(text: string): CoveredSpan[] | undefined {
    const classOf = this.#classOf;
    const next = this.#next;
    const outLength = this.#outLength;
    const width = this.#width;
    let spans: { start: number; end: number; pattern: number }[] | undefined;
    let state = 0;
    for (let index = 0; index < text.length; index++) {
      const symbol = classOf[text.charCodeAt(index)]!;
      state = symbol === 0 ? 0 : next[state * width + symbol]!;
      const length = outLength[state]!;
      if (length === 0) continue;
      const end = index + 1;
      let start = end - length;
      let pattern = this.#outPattern[state]!;
      spans ??= [];
      // Occurrences end in increasing order; a new one may reach back over earlier spans.
      while (spans.length > 0 && spans[spans.length - 1]!.end > start) {
        const previous = spans.pop()!;
        if (previous.start < start) start = previous.start;
        if (this.#patternLengths[previous.pattern]! > this.#patternLengths[pattern]!)
          pattern = previous.pattern;
      }
      spans.push({ start, end, pattern });
    }
    return spans;
  }
}

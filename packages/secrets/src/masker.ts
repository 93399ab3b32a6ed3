import { OpenWorkflowError } from '@openworkflow/core';
import { secretVariants } from './encodings.js';
import {
  CLEAN_TEXT_MEMORY,
  MAX_MASKED_SECRETS,
  MAX_PREFILTER_FORMS,
  MAX_REMEMBERED_TEXT_LENGTH,
  MAX_SECRET_LENGTH,
  MIN_SECRET_LENGTH,
} from './limits.js';
import { type CoveredSpan, PatternMatcher } from './pattern-matcher.js';
import { redactedToken } from './secret.js';

const TOKEN = /\[REDACTED:[^\]\s]{1,200}\]/g;

/**
 * The one owner of secret values in text. Every sink — the event log, logs, error envelopes,
 * spans, metric labels, CLI output, HTTP responses, step and workflow outputs — passes its text
 * through a masker, which replaces every registered value, in every encoding `secretVariants`
 * lists, by `[REDACTED:<name>]`.
 *
 * Values are only ever added (a rotated secret's old value is still a secret). The matcher is
 * rebuilt lazily on the first use after an addition, so registering the secrets of a run costs
 * one rebuild.
 *
 * @example
 * const masker = new SecretMasker();
 * masker.add('API_KEY', 'sk-live-1234');
 * masker.mask('Authorization: Bearer sk-live-1234'); // 'Authorization: Bearer [REDACTED:API_KEY]'
 */
export class SecretMasker {
  /** value → name (the first name registered for a value wins). */
  readonly #values = new Map<string, string>();
  #patterns: string[] = [];
  #patternNames: string[] = [];
  #matcher: PatternMatcher | undefined;
  /** One alternation of every form: a native-speed "is any secret here at all?" test. */
  #prefilter: RegExp | null | undefined;
  #maxPatternLength = 0;
  /** Length of the shortest form: a shorter text cannot contain any (ids, kinds, short names). */
  #minPatternLength = Number.POSITIVE_INFINITY;
  /** Short texts found clean since the last registration (compared by value, so always exact). */
  readonly #clean: string[] = new Array<string>(CLEAN_TEXT_MEMORY).fill('');
  #nextClean = 0;
  #generation = 0;

  /**
   * Registers a secret value under `name`. Throws `VALIDATION` for values shorter than
   * `MIN_SECRET_LENGTH` (SEC-12: they cannot be masked without shredding unrelated text) or longer
   * than `MAX_SECRET_LENGTH`. The error names the secret, never the value.
   */
  add(name: string, value: string): void {
    if (this.#values.has(value)) return;
    if (value.length < MIN_SECRET_LENGTH || value.length > MAX_SECRET_LENGTH) {
      const bound = value.length < MIN_SECRET_LENGTH ? 'shorter' : 'longer';
      const limit = value.length < MIN_SECRET_LENGTH ? MIN_SECRET_LENGTH : MAX_SECRET_LENGTH;
      throw new OpenWorkflowError(
        'VALIDATION',
        `Secret '${name}' is ${bound} than ${limit} characters and cannot be masked safely`,
        { details: { secret_name: name, length: value.length, limit } },
      );
    }
    if (this.#values.size >= MAX_MASKED_SECRETS) {
      throw new OpenWorkflowError(
        'INTERNAL_ERROR',
        `The masker already tracks ${MAX_MASKED_SECRETS} secret values`,
        {
          details: { secret_name: name, limit: MAX_MASKED_SECRETS },
        },
      );
    }
    this.#values.set(value, name);
    for (const variant of secretVariants(value)) {
      this.#patterns.push(variant);
      this.#patternNames.push(name);
      if (variant.length > this.#maxPatternLength) this.#maxPatternLength = variant.length;
      if (variant.length < this.#minPatternLength) this.#minPatternLength = variant.length;
    }
    this.#matcher = undefined;
    this.#prefilter = undefined;
    this.#clean.fill('');
    this.#generation++;
  }

  /** Number of distinct values registered. */
  get size(): number {
    return this.#values.size;
  }

  /**
   * Increases with every registration: a cache of masked results is valid only for the generation
   * it was computed in.
   */
  get generation(): number {
    return this.#generation;
  }

  /** Length of the longest form searched for: what a stream masker must hold back at a chunk end. */
  get maxPatternLength(): number {
    return this.#maxPatternLength;
  }

  /** `text` with every secret form replaced by `[REDACTED:<name>]`. Idempotent. */
  mask(text: string): string {
    if (text.length < this.#minPatternLength) return text;
    const remember = text.length <= MAX_REMEMBERED_TEXT_LENGTH;
    if (remember) {
      for (let index = 0; index < CLEAN_TEXT_MEMORY; index++) if (this.#clean[index] === text) return text;
    }
    const spans = this.#spans(text);
    if (spans !== undefined) return this.#replace(text, spans, text.length);
    if (remember) {
      this.#clean[this.#nextClean] = text;
      this.#nextClean = (this.#nextClean + 1) % CLEAN_TEXT_MEMORY;
    }
    return text;
  }

  /** True when `text` contains any registered secret form (outside existing placeholders). */
  exposes(text: string): boolean {
    return this.#values.size > 0 && this.#spans(text) !== undefined;
  }

  /** Names of the secrets whose forms occur in `text`, in order of first occurrence. */
  namesIn(text: string): string[] {
    if (this.#values.size === 0) return [];
    const names = new Set<string>();
    for (const span of this.#spans(text) ?? []) names.add(this.#patternNames[span.pattern]!);
    return [...names];
  }

  /**
   * Masks text that arrives in chunks (a process's stdout, a response body, a log stream). A secret
   * split across two chunks is still masked: the masker holds back the last
   * `maxPatternLength - 1` characters until the next chunk (or `end()`) shows how they continue.
   */
  stream(): ChunkMasker {
    return new ChunkMasker(this);
  }

  /** @internal The covered spans of `text` (shared with the chunk masker). */
  spansOf(text: string): CoveredSpan[] | undefined {
    return this.#values.size === 0 ? undefined : this.#spans(text);
  }

  /** @internal `text[0, until)` with the spans that end before `until` replaced. */
  replaceSpans(text: string, spans: readonly CoveredSpan[], until: number): string {
    return this.#replace(text, spans, until);
  }

  #spans(text: string): CoveredSpan[] | undefined {
    // Most texts hold no secret. V8 compiles the alternation to native code, several times faster
    // per character than the table walk in JavaScript; the walk then finds the exact spans.
    if (this.#prefilter === undefined) this.#prefilter = buildPrefilter(this.#patterns);
    if (this.#prefilter !== null && !this.#prefilter.test(text)) return undefined;
    this.#matcher ??= new PatternMatcher(this.#patterns);
    const spans = this.#matcher.spans(text);
    if (spans === undefined || !text.includes('[REDACTED:')) return spans;
    // Masking twice must not mask the placeholders of the first pass (a secret like 'REDACTED').
    const tokens = [...text.matchAll(TOKEN)].map((match) => [match.index, match.index + match[0].length]);
    const kept = spans.filter(
      (span) => !tokens.some(([start, end]) => span.start >= start! && span.end <= end!),
    );
    return kept.length === 0 ? undefined : kept;
  }

  #replace(text: string, spans: readonly CoveredSpan[], until: number): string {
    let out = '';
    let position = 0;
    for (const span of spans) {
      if (span.end > until) break;
      out += text.slice(position, span.start) + redactedToken(this.#patternNames[span.pattern]!);
      position = span.end;
    }
    return out + text.slice(position, until);
  }
}

/** `a|b|c` of the escaped forms, longest first; `null` when there are too many to compile. */
function buildPrefilter(patterns: readonly string[]): RegExp | null {
  if (patterns.length > MAX_PREFILTER_FORMS) return null;
  const escaped = [...new Set(patterns)]
    .sort((a, b) => b.length - a.length)
    .map((pattern) => pattern.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'));
  return new RegExp(escaped.join('|'));
}

/** Masks a stream of text chunks; see {@link SecretMasker.stream}. */
export class ChunkMasker {
  readonly #masker: SecretMasker;
  #held = '';

  constructor(masker: SecretMasker) {
    this.#masker = masker;
  }

  /** Masks `chunk` and returns the part of the text that can no longer change. */
  write(chunk: string): string {
    const text = this.#held + chunk;
    const hold = Math.max(0, this.#masker.maxPatternLength - 1);
    let cut = Math.max(0, text.length - hold);
    const spans = this.#masker.spansOf(text);
    if (spans !== undefined) {
      // Never cut through a covered span: hold the whole span back.
      for (const span of spans) {
        if (span.start < cut && span.end > cut) cut = span.start;
      }
    }
    this.#held = text.slice(cut);
    return spans === undefined ? text.slice(0, cut) : this.#masker.replaceSpans(text, spans, cut);
  }

  /** Masks and returns whatever is still held back. */
  end(): string {
    const rest = this.#masker.mask(this.#held);
    this.#held = '';
    return rest;
  }
}

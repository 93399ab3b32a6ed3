/**
 * Every hard limit of the expression engine, each with the reason for its value. The engine is the
 * first thing untrusted data reaches, so every way an expression can consume time or memory is
 * bounded here and fails with a named error code (spec/expressions.md, "Limits").
 */

/** The per-call limits. Callers may tighten or relax any of them through `RenderOptions.limits`. */
export interface EngineLimits {
  /**
   * Characters in one expression (the text inside one `{{ }}`, `{% %}` or a bare expression).
   * Code `EXPR_TOO_LONG`.
   */
  readonly maxExpressionLength: number;
  /** Characters in one template string. Code `EXPR_TOO_LONG`. */
  readonly maxTemplateLength: number;
  /**
   * Syntactic nesting: parentheses, brackets, calls, unary chains, `if … else` chains and
   * `{% %}` blocks. Code `EXPR_TOO_DEEP`.
   */
  readonly maxDepth: number;
  /** Syntax-tree nodes in one expression. Code `EXPR_TOO_MANY_NODES`. */
  readonly maxNodes: number;
  /**
   * Units of work in one call: one per loop iteration and per node evaluated inside it, one per
   * element a library function visits, one per 64 characters a string function scans.
   * Code `EXPR_STEP_LIMIT`.
   */
  readonly maxSteps: number;
  /** UTF-8 bytes of any one string the engine produces. Code `EXPR_MEMORY_LIMIT`. */
  readonly maxOutputBytes: number;
  /**
   * UTF-8 bytes of all strings one `render` call produces across a document.
   * Code `TEMPLATE_BYTES_LIMIT`.
   */
  readonly maxDocumentBytes: number;
  /** Elements of any one array the engine produces. Code `EXPR_MEMORY_LIMIT`. */
  readonly maxArrayLength: number;
  /** Elements `range()` may produce. Code `EXPR_RANGE_LIMIT`. */
  readonly maxRangeSize: number;
  /**
   * Expression evaluations (`{{ }}` outputs and block tests) in one `render` call.
   * Code `TEMPLATE_EVENTS_LIMIT`.
   */
  readonly maxEvaluations: number;
  /**
   * Nesting of the values the engine walks (equality, JSON, rendering a document).
   * Code `EXPR_VALUE_TOO_DEEP`.
   */
  readonly maxValueDepth: number;
}

/**
 * 21,000 characters: the expression limit GitHub Actions enforces, so expressions ported from
 * Actions fit, while being about twenty times longer than any realistic hand-written condition.
 * It also bounds parsing work before the node limit applies.
 */
export const MAX_EXPRESSION_LENGTH = 21_000;

/**
 * 1 Mi characters per template string: long prompts (tens of kilobytes) fit with room to spare;
 * anything larger is data, not a template, and belongs in an input.
 */
export const MAX_TEMPLATE_LENGTH = 1_048_576;

/**
 * 50 levels: no readable expression nests deeper than about ten, and 50 keeps the recursive
 * parser, printer and evaluator far from V8's stack limit (the CEL conformance "nest" cases need 12).
 */
export const MAX_DEPTH = 50;

/** 5,000 nodes: enough for generated expressions, small enough to compile in well under a millisecond. */
export const MAX_NODES = 5_000;

/**
 * One million units of work per call: a loop over 10,000 items with a 100-node body fits; a
 * nested loop multiplying two large collections does not. About 10–50 ms of CPU at worst.
 */
export const MAX_STEPS = 1_000_000;

/** 1 MiB per produced string: larger than any prompt or message, small enough to never exhaust memory. */
export const MAX_OUTPUT_BYTES = 1_048_576;

/** 10 MiB per rendered document: ten maximal strings; step inputs larger than that are not templated text. */
export const MAX_DOCUMENT_BYTES = 10_485_760;

/** 100,000 elements per produced array: `split`, `map` and `+` cannot amplify data without bound. */
export const MAX_ARRAY_LENGTH = 100_000;

/** 10,000 elements from `range()`: enough for pagination and batching, cheap to allocate. */
export const MAX_RANGE_SIZE = 10_000;

/** One million expression evaluations per document (security case E-6: matrix-style expansion). */
export const MAX_EVALUATIONS = 1_000_000;

/**
 * 1,000 levels of value nesting: deeper than any real JSON payload, and far below the ~10,000
 * frames at which V8 throws a RangeError, so deep data fails with a code instead of a crash.
 */
export const MAX_VALUE_DEPTH = 1_000;

/** Compiled templates kept in the process-wide LRU cache; a workflow has a few hundred templates. */
export const TEMPLATE_CACHE_SIZE = 2_000;

/**
 * Templates longer than 64 Ki characters are compiled on every use instead of cached: a cache of
 * `TEMPLATE_CACHE_SIZE` large prompts could otherwise hold gigabytes.
 */
export const MAX_CACHED_TEMPLATE_LENGTH = 65_536;

/** Arguments one call may pass (security case E-3: `format()` with 256 arguments is an arity error). */
export const MAX_CALL_ARGUMENTS = 32;

/** Characters a string function may scan for one unit of `maxSteps`. */
export const CHARACTERS_PER_STEP = 64;

/** The limits used when a caller passes none. */
export const DEFAULT_LIMITS: EngineLimits = Object.freeze({
  maxExpressionLength: MAX_EXPRESSION_LENGTH,
  maxTemplateLength: MAX_TEMPLATE_LENGTH,
  maxDepth: MAX_DEPTH,
  maxNodes: MAX_NODES,
  maxSteps: MAX_STEPS,
  maxOutputBytes: MAX_OUTPUT_BYTES,
  maxDocumentBytes: MAX_DOCUMENT_BYTES,
  maxArrayLength: MAX_ARRAY_LENGTH,
  maxRangeSize: MAX_RANGE_SIZE,
  maxEvaluations: MAX_EVALUATIONS,
  maxValueDepth: MAX_VALUE_DEPTH,
});

/** Merges caller overrides onto the defaults; returns the shared defaults object when there are none. */
export function resolveLimits(overrides: Partial<EngineLimits> | undefined): EngineLimits {
  if (overrides === undefined) return DEFAULT_LIMITS;
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** True when `limits` changes nothing that affects parsing, so a cached compilation can be reused. */
export function hasDefaultParseLimits(limits: EngineLimits): boolean {
  return (
    limits.maxExpressionLength === MAX_EXPRESSION_LENGTH &&
    limits.maxTemplateLength === MAX_TEMPLATE_LENGTH &&
    limits.maxDepth === MAX_DEPTH &&
    limits.maxNodes === MAX_NODES
  );
}

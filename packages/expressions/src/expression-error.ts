/**
 * The one error type of the expression engine. Every failure — syntax, static check, limit, type —
 * is an `ExpressionError` with a stable code from `EXPRESSION_ERROR_CODES` and the position of the
 * offending text. Messages name kinds, operators and identifiers, never operand values: an operand
 * may be a secret (security case SEC-10).
 */

/** Why each code exists; spec/expressions.md ("Error codes") repeats this table. */
export const EXPRESSION_ERROR_CODES = {
  EXPR_SYNTAX: 'The text is not a valid expression or template',
  EXPR_UNKNOWN_FUNCTION: 'A call or filter names a function that is not in the library',
  EXPR_ARITY: 'A function was called with too few or too many arguments',
  EXPR_TOO_LONG: 'An expression or template is longer than maxExpressionLength / maxTemplateLength',
  EXPR_TOO_DEEP: 'Syntactic nesting exceeds maxDepth',
  EXPR_TOO_MANY_NODES: 'An expression has more syntax-tree nodes than maxNodes',
  EXPR_STEP_LIMIT: 'Evaluation did more work than maxSteps',
  EXPR_MEMORY_LIMIT: 'A produced string or array exceeds maxOutputBytes / maxArrayLength',
  EXPR_RANGE_LIMIT: 'range() would produce more than maxRangeSize elements',
  EXPR_VALUE_TOO_DEEP: 'A value is nested deeper than maxValueDepth',
  EXPR_TYPE: 'An operator or function was applied to a kind of value it does not accept',
  EXPR_ARGUMENT: 'An argument has the right kind but an invalid value',
  EXPR_ARITHMETIC: 'Division by zero or a result that is not a finite number',
  EXPR_INVALID_JSON: 'fromJSON() was given text that is not JSON',
  EXPR_FORBIDDEN_ROOT: 'An expression reads a root name the context does not allow',
  EXPR_SECRET_DUMP: 'An expression reads the whole `secrets` object, or a secret by a computed name',
  EXPR_CONTEXT_NOT_JSON: 'The host scope holds a value that is not JSON data (function, class instance, …)',
  EXPR_BLOCK_IN_CONDITION: 'A condition contains a {% %} block',
  EXPR_CONDITION_SHAPE: 'A condition is not one expression (it mixes text and {{ }})',
  EXPR_INTERNAL: 'An unexpected failure inside the engine (a bug)',
  TEMPLATE_BYTES_LIMIT: 'A rendered document produced more than maxDocumentBytes',
  TEMPLATE_EVENTS_LIMIT: 'A rendered document evaluated more than maxEvaluations expressions',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: these describe the ${…} config syntax
  CONFIG_REFERENCE: 'A ${…} reference in a handler config is malformed or names an unknown root',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: these describe the ${…} config syntax
  CONFIG_UNRESOLVED: 'A ${env.X}, ${secrets.X} or ${NAME} reference has no value',
} as const;

export type ExpressionErrorCode = keyof typeof EXPRESSION_ERROR_CODES;

const BRAND = Symbol.for('openworkflow.expression-error');

/** Where an error happened. Offsets index the source text; line and column are 1-based. */
export interface ExpressionErrorLocation {
  readonly start?: number;
  readonly end?: number;
  /** The text the offsets index; used to derive line and column, never stored or serialised. */
  readonly source?: string;
  /** JSON pointer of the template string inside a rendered or checked value. */
  readonly pointer?: string;
  readonly cause?: unknown;
}

/** The serialised form: positions and a message, never operand values. */
export interface ExpressionErrorJson {
  readonly code: string;
  readonly message: string;
  readonly start?: number;
  readonly end?: number;
  readonly line?: number;
  readonly column?: number;
  readonly pointer?: string;
}

/**
 * A failure of the expression engine.
 *
 * @example
 * try {
 *   evaluate('env("HOME")', {});
 * } catch (error) {
 *   if (ExpressionError.is(error)) console.log(error.code, error.line, error.column);
 *   // EXPR_UNKNOWN_FUNCTION 1 1
 * }
 */
export class ExpressionError extends Error {
  readonly code: string;
  readonly start?: number;
  readonly end?: number;
  readonly line?: number;
  readonly column?: number;
  readonly pointer?: string;

  constructor(code: ExpressionErrorCode, message: string, location: ExpressionErrorLocation = {}) {
    super(message, location.cause === undefined ? undefined : { cause: location.cause });
    this.name = 'ExpressionError';
    this.code = code;
    if (location.start !== undefined) {
      this.start = location.start;
      this.end = location.end ?? location.start;
      if (location.source !== undefined) {
        const { line, column } = lineAndColumn(location.source, location.start);
        this.line = line;
        this.column = column;
      }
    }
    if (location.pointer !== undefined) this.pointer = location.pointer;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Realm-safe check: true for errors created by any copy of this package. */
  static is(value: unknown): value is ExpressionError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A copy of this error located at `pointer` inside a larger value (used by `render`). */
  withPointer(pointer: string): ExpressionError {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as ExpressionError;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(this));
    Object.defineProperty(copy, 'pointer', { value: pointer, enumerable: true });
    return copy;
  }

  toJSON(): ExpressionErrorJson {
    return {
      code: this.code,
      message: this.message,
      ...(this.start !== undefined ? { start: this.start, end: this.end ?? this.start } : {}),
      ...(this.line !== undefined ? { line: this.line, column: this.column ?? 1 } : {}),
      ...(this.pointer !== undefined ? { pointer: this.pointer } : {}),
    };
  }
}

/** The 1-based line and column (in UTF-16 code units) of `offset` in `source`. */
export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let index = 0; index < end; index++) {
    if (source.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Extends a JSON pointer with one reference token, escaped as RFC 6901 requires. */
export function appendPointer(pointer: string, token: string | number): string {
  return `${pointer}/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

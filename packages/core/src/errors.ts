/**
 * The error taxonomy: the six codes every OpenWorkflow SDK must use, plus the extension codes this
 * implementation documents for situations the spec leaves without a code (spec/errors.md).
 *
 * One error class, one code table. HTTP statuses, CLI exit codes and retry eligibility are all
 * derived from the table, never decided at the throw site.
 */

export interface ErrorCodeInfo {
  /** The taxonomy's own six codes are `standard`; the rest are documented extensions. */
  readonly standard: boolean;
  /** Retried by default when a retry policy has no `retryOn` list. */
  readonly retryable: boolean;
  readonly httpStatus: number;
  readonly exitCode: number;
  readonly description: string;
}

export const ERROR_CODES = {
  VALIDATION: {
    standard: true,
    retryable: false,
    httpStatus: 400,
    exitCode: 2,
    description: 'Input or document validation failed',
  },
  UNAVAILABLE: {
    standard: true,
    retryable: true,
    httpStatus: 503,
    exitCode: 3,
    description: 'A backend, connector, handler or feature is not available',
  },
  BACKEND_ERROR: {
    standard: true,
    retryable: true,
    httpStatus: 502,
    exitCode: 4,
    description: 'A backend or connector failed while executing',
  },
  TIMEOUT: {
    standard: true,
    retryable: true,
    httpStatus: 504,
    exitCode: 5,
    description: 'Execution exceeded its deadline',
  },
  CANCELED: {
    standard: true,
    retryable: false,
    httpStatus: 499,
    exitCode: 6,
    description: 'Execution was canceled',
  },
  INTERNAL_ERROR: {
    standard: true,
    retryable: false,
    httpStatus: 500,
    exitCode: 70,
    description: 'An unexpected error inside the runtime',
  },
  PERMISSION_DENIED: {
    standard: false,
    retryable: false,
    httpStatus: 403,
    exitCode: 7,
    description: 'The caller lacks a role or permission the workflow or step requires',
  },
  APPROVAL_REJECTED: {
    standard: false,
    retryable: false,
    httpStatus: 403,
    exitCode: 8,
    description: 'An approval was rejected or expired',
  },
  SECRET_EXPOSURE: {
    standard: false,
    retryable: false,
    httpStatus: 422,
    exitCode: 9,
    description: 'A secret value would have reached an output',
  },
  POLICY_VIOLATION: {
    standard: false,
    retryable: false,
    httpStatus: 422,
    exitCode: 10,
    description: 'A security policy (SSRF guard, sandbox, trust policy) refused the operation',
  },
  RATE_LIMITED: {
    standard: false,
    retryable: true,
    httpStatus: 429,
    exitCode: 11,
    description: 'A rate limit was hit',
  },
  NOT_FOUND: {
    standard: false,
    retryable: false,
    httpStatus: 404,
    exitCode: 12,
    description: 'A referenced resource does not exist',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

const ALIASES: Readonly<Record<string, ErrorCode>> = {
  TIMEOUT: 'TIMEOUT',
  TIMED_OUT: 'TIMEOUT',
  RATE_LIMIT: 'RATE_LIMITED',
  RATE_LIMITED: 'RATE_LIMITED',
  CANCELLED: 'CANCELED',
  UNAVAILABLE: 'UNAVAILABLE',
};

/** True when `code` is one of the taxonomy or extension codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/**
 * Normalises a code as written in a document (`timeout`, `rate_limit`, `Backend_Error`) to its
 * canonical upper-case spelling. Unknown codes are upper-cased and kept: connectors may define
 * their own.
 */
export function normalizeErrorCode(code: string): string {
  const upper = code
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return ALIASES[upper] ?? upper;
}

/** The wire shape of an error: the seed SDK contract's envelope. */
export interface ErrorEnvelope {
  readonly status: 'error';
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

const BRAND = Symbol.for('openworkflow.error');

export interface OpenWorkflowErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * The one error type of the runtime. `code` is a taxonomy code (or a connector's own code kept
 * verbatim when it is not one). `details` holds structured, secret-free context; `toJSON()` emits
 * the envelope and never the cause, which may carry payloads.
 *
 * @example
 * throw new OpenWorkflowError('TIMEOUT', 'Step exceeded timeout of 30s', {
 *   details: { timeout_ms: 30000, elapsed_ms: 31200 },
 * });
 */
export class OpenWorkflowError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: OpenWorkflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OpenWorkflowError';
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Realm-safe check: true for errors created by any copy of this package. */
  static is(value: unknown): value is OpenWorkflowError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Whether this error is retried by default (codes outside the table count as connector failures). */
  get retryable(): boolean {
    return isErrorCode(this.code) ? ERROR_CODES[this.code].retryable : true;
  }

  get httpStatus(): number {
    return isErrorCode(this.code) ? ERROR_CODES[this.code].httpStatus : ERROR_CODES.BACKEND_ERROR.httpStatus;
  }

  get exitCode(): number {
    return isErrorCode(this.code) ? ERROR_CODES[this.code].exitCode : ERROR_CODES.BACKEND_ERROR.exitCode;
  }

  toJSON(): ErrorEnvelope {
    return { status: 'error', code: this.code, message: this.message, details: this.details };
  }
}

/**
 * `UNAVAILABLE` for an action whose handler type has no registered executor — the one error every
 * path that runs a handler (action steps, agent tools, direct invocations) and `validate()` report.
 */
export function missingExecutorError(handlerType: string, connectorId: string): OpenWorkflowError {
  return new OpenWorkflowError('UNAVAILABLE', `No executor for '${handlerType}' handlers`, {
    details: {
      handler_type: handlerType,
      connector: connectorId,
      suggestion: `Register a HandlerExecutor of type '${handlerType}' (the SDK registers the built-in ones)`,
    },
  });
}

/**
 * Converts anything thrown by user code into an `OpenWorkflowError`. Errors that are already ours
 * pass through; anything else becomes `BACKEND_ERROR` (or `fallbackCode`) with the original
 * class name in `details.error_type`. Stacks are never copied into details.
 */
export function toOpenWorkflowError(
  thrown: unknown,
  fallbackCode: ErrorCode = 'BACKEND_ERROR',
  details: Readonly<Record<string, unknown>> = {},
): OpenWorkflowError {
  if (OpenWorkflowError.is(thrown)) return thrown;
  if (thrown instanceof Error) {
    const ownCode = (thrown as { code?: unknown }).code;
    const keep = typeof ownCode === 'string' && /^[A-Z][A-Z0-9_]*$/.test(ownCode) ? ownCode : undefined;
    return new OpenWorkflowError(fallbackCode, thrown.message, {
      details: {
        ...details,
        error_type: thrown.name,
        ...(keep !== undefined ? { connector_code: keep } : {}),
      },
      cause: thrown,
    });
  }
  return new OpenWorkflowError(fallbackCode, typeof thrown === 'string' ? thrown : 'Non-error value thrown', {
    details: { ...details, error_type: typeof thrown },
  });
}

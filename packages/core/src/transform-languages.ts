import type { JsonValue } from '@openworkflow/schemas';
import type { Clock } from './clock.js';
import { OpenWorkflowError } from './errors.js';

/** One evaluation of a transform expression against its input document. */
export interface TransformRequest {
  readonly expression: string;
  readonly input: JsonValue;
  /** Aborted on cancellation and when the time box expires. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Recursion bound for languages that recurse (JSONata). */
  readonly maxDepth: number;
}

/**
 * A transform language (`jq`, `javascript`, … or a replacement for a built-in one). Plugins are
 * registered by name in `EngineOptions.transforms`; the engine races every evaluation against the
 * step's time box, but a language that can stop itself should watch `signal` too.
 *
 * @example
 * const upper: TransformLanguagePlugin = { evaluate: async ({ input }) => String(input).toUpperCase() };
 * createEngine({ transforms: { upper } });
 */
export interface TransformLanguagePlugin {
  evaluate(request: TransformRequest): Promise<JsonValue>;
  /** Syntax check for `validate()`: a message when the expression is invalid. */
  check?(expression: string): Promise<string | undefined>;
  /** Loads what the language needs; called before the step's time box starts. */
  load?(): Promise<void>;
}

function invalidExpression(language: string, message: string): OpenWorkflowError {
  return new OpenWorkflowError('VALIDATION', `Invalid ${language} expression: ${message}`, {
    details: { field: 'expression', constraint: language },
  });
}

/** JSONPath (RFC 9535) via `jsonpath-rfc9535`, loaded on first use. The result is the node list's values. */
export const jsonPathLanguage: TransformLanguagePlugin = {
  async load() {
    await import('jsonpath-rfc9535');
  },
  async evaluate({ expression, input }) {
    const { query } = await import('jsonpath-rfc9535');
    try {
      return query(input, expression) as JsonValue;
    } catch (error) {
      throw invalidExpression('jsonpath', error instanceof Error ? error.message : String(error));
    }
  },
  async check(expression) {
    const { query } = await import('jsonpath-rfc9535');
    try {
      query({}, expression);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  },
};

type Jsonata = typeof import('jsonata');

/** `jsonata` is CommonJS: its function is the module's default export at run time. */
async function loadJsonata(): Promise<Jsonata> {
  const loaded = (await import('jsonata')) as Jsonata | { readonly default: Jsonata };
  return typeof loaded === 'function' ? loaded : loaded.default;
}

interface JsonataFailure {
  readonly code?: string;
  readonly message?: string;
  readonly position?: number;
}

/**
 * JSONata via the `jsonata` package, loaded on first use, with its own time box and recursion bound
 * (security case E-9: runaway recursion ends in `TIMEOUT`). `$now()`/`$millis()` read the engine
 * clock, so a transform stays deterministic under a fake clock.
 */
export const jsonataLanguage: TransformLanguagePlugin = {
  async load() {
    await loadJsonata();
  },
  async evaluate({ expression, input, timeoutMs, clock, maxDepth }) {
    const jsonata = await loadJsonata();
    let compiled: ReturnType<Jsonata>;
    try {
      compiled = jsonata(expression, { timeout: timeoutMs, stack: maxDepth });
    } catch (error) {
      throw invalidExpression('jsonata', (error as JsonataFailure).message ?? String(error));
    }
    compiled.registerFunction('millis', () => clock.now(), '<:n>');
    compiled.registerFunction('now', () => new Date(clock.now()).toISOString(), '<s?s?:s>');
    try {
      const result: unknown = await compiled.evaluate(input);
      return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue);
    } catch (error) {
      const failure = error as JsonataFailure;
      if (failure.code === 'D1012' || failure.code === 'D1011') {
        throw new OpenWorkflowError('TIMEOUT', 'JSONata evaluation exceeded its time box', {
          details: { timeout_ms: timeoutMs, limit: failure.code === 'D1011' ? 'depth' : 'time' },
        });
      }
      if (typeof failure.code === 'string' && failure.code.startsWith('S')) {
        throw invalidExpression('jsonata', failure.message ?? failure.code);
      }
      throw new OpenWorkflowError(
        'BACKEND_ERROR',
        `JSONata evaluation failed: ${failure.message ?? 'error'}`,
        {
          details: { connector_code: failure.code ?? 'JSONATA_ERROR' },
        },
      );
    }
  },
  async check(expression) {
    const jsonata = await loadJsonata();
    try {
      jsonata(expression);
      return undefined;
    } catch (error) {
      return (error as JsonataFailure).message ?? String(error);
    }
  },
};

/** The languages the engine ships (besides `template`, which is the expression engine itself). */
export const BUILT_IN_TRANSFORMS: Readonly<Record<string, TransformLanguagePlugin>> = {
  jsonpath: jsonPathLanguage,
  jsonata: jsonataLanguage,
};

/** `UNAVAILABLE` for a language with no plugin (jq, javascript, python by default). */
export function unavailableLanguage(language: string): OpenWorkflowError {
  return new OpenWorkflowError(
    'UNAVAILABLE',
    `Transform language '${language}' is not available in this runtime`,
    {
      details: {
        language,
        suggestion: `Register a '${language}' plugin in EngineOptions.transforms (a sandboxed implementation), or use template, jsonpath or jsonata`,
      },
    },
  );
}

/**
 * The entry points that evaluate: `render` over whole JSON documents, `renderTracked` (which also
 * reports the secrets read), `evaluate` for bare expressions and `evaluateCondition`. Rendering is
 * single-pass: strings that come out of an expression are results, never parsed again, so text
 * from inputs, step outputs or secrets can never become a template (security case TI-1).
 */
import type { Scope } from './compile-unit.js';
import {
  acquireContext,
  countDocumentBytes,
  countEvaluation,
  type EvaluationContext,
  releaseContext,
  Site,
} from './evaluation-context.js';
import { appendPointer, ExpressionError } from './expression-error.js';
import { resolveLimits } from './limits.js';
import { getProgram, hasTemplateSyntax, type RenderOptions, toExpressionError } from './program.js';
import { isPlainObject, isTruthy } from './values.js';

/** What `renderTracked` returns: the rendered value and the names of the secrets it read. */
export interface TrackedRender {
  readonly value: unknown;
  readonly secrets: readonly string[];
}

interface DocumentRender {
  readonly scope: Scope;
  readonly context: EvaluationContext;
  readonly strictRoots: readonly string[] | undefined;
}

/** Re-raises an error from inside a container with the container's key prepended to its pointer. */
function located(error: unknown, key: string | number): unknown {
  if (!ExpressionError.is(error)) return error;
  const pointer = appendPointer('', key) + (error.pointer ?? '');
  return error.withPointer(pointer);
}

function renderString(text: string, document: DocumentRender): unknown {
  if (!hasTemplateSyntax(text)) return text;
  const program = getProgram(text, 'template', document.context.limits);
  const at = new Site(text, 0, text.length);
  // A mixed template counts its own outputs; a single-expression template is one evaluation.
  if (program.kind === 'expression') countEvaluation(document.context, at);
  const result = program.execute(document.scope, document.context, document.strictRoots);
  if (program.kind !== 'literal' && typeof result === 'string')
    countDocumentBytes(document.context, result, at);
  return result;
}

function renderNode(value: unknown, document: DocumentRender, depth: number): unknown {
  if (typeof value === 'string') return renderString(value, document);
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new ExpressionError(
        'EXPR_CONTEXT_NOT_JSON',
        `A template value is a ${typeof value}, not JSON data`,
      );
    }
    return value;
  }
  if (depth >= document.context.limits.maxValueDepth) {
    throw new ExpressionError('EXPR_VALUE_TOO_DEEP', 'Template value is nested deeper than maxValueDepth');
  }
  if (Array.isArray(value)) {
    const result: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) {
      try {
        result[index] = renderNode(value[index], document, depth + 1);
      } catch (error) {
        throw located(error, index);
      }
    }
    return result;
  }
  if (!isPlainObject(value)) {
    throw new ExpressionError(
      'EXPR_CONTEXT_NOT_JSON',
      'A template value is an object that is not plain data',
    );
  }
  // A fresh plain object; keys are copied verbatim (never rendered) and defined, not assigned, so
  // a `__proto__` key stays an own property (security case TI-7).
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    let rendered: unknown;
    try {
      rendered = renderNode((value as Record<string, unknown>)[key], document, depth + 1);
    } catch (error) {
      throw located(error, key);
    }
    Object.defineProperty(result, key, {
      value: rendered,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function renderDocument(value: unknown, scope: Scope, options: RenderOptions | undefined): TrackedRender {
  const context = acquireContext(resolveLimits(options?.limits));
  const document: DocumentRender = { scope: scope ?? {}, context, strictRoots: options?.strictRoots };
  try {
    return { value: renderNode(value, document, 0), secrets: [...(context.secrets ?? [])] };
  } catch (error) {
    throw toExpressionError(error);
  } finally {
    releaseContext(context);
  }
}

/**
 * Renders a JSON value: every string is a template, objects and arrays are walked recursively
 * (keys are never rendered) and rebuilt as fresh plain containers. A string that is exactly one
 * `{{ expression }}` becomes the expression's native value.
 *
 * @example
 * render({ text: 'Hi {{ inputs.name }}', count: '{{ length(inputs.items) }}' }, {
 *   inputs: { name: 'Ada', items: [1, 2] },
 * }); // { text: 'Hi Ada', count: 2 }
 */
export function render(value: unknown, scope: Scope, options?: RenderOptions): unknown {
  return renderDocument(value, scope, options).value;
}

/**
 * Like `render`, and also returns the names of the secrets read while rendering, so the caller
 * can mask their values or refuse to send them to a sink that is not allowed to see them.
 */
export function renderTracked(value: unknown, scope: Scope, options?: RenderOptions): TrackedRender {
  return renderDocument(value, scope, options);
}

/**
 * Evaluates a bare expression (no `{{ }}`).
 *
 * @example
 * evaluate("inputs.tags | join(', ')", { inputs: { tags: ['a', 'b'] } }); // 'a, b'
 */
export function evaluate(expression: string, scope: Scope, options?: RenderOptions): unknown {
  try {
    return getProgram(expression, 'expression', resolveLimits(options?.limits)).render(scope, options);
  } catch (error) {
    throw toExpressionError(error);
  }
}

/**
 * Evaluates a step condition to a boolean with the engine's one truthiness rule. The condition is
 * `'{{ expression }}'` or a bare expression; blocks and mixed text are rejected. A non-string
 * condition (YAML `condition: true`) is judged by truthiness directly.
 *
 * @example
 * evaluateCondition("{{ steps.check.output.count > 0 }}", scope); // true or false
 */
export function evaluateCondition(condition: string, scope: Scope, options?: RenderOptions): boolean {
  if (typeof condition !== 'string') return isTruthy(condition);
  try {
    return isTruthy(
      getProgram(condition, 'condition', resolveLimits(options?.limits)).render(scope, options),
    );
  } catch (error) {
    throw toExpressionError(error);
  }
}

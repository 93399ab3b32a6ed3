/**
 * Static checks for the document loader: every template string of a JSON value is parsed and
 * checked, and every problem is returned with its position and JSON pointer, so one validation
 * run reports them all. Also the reference listing the loader uses for DAG edges.
 */
import { type Analysis, analyzeExpression, analyzeTemplate, type Reference } from './analysis.js';
import { appendPointer, ExpressionError } from './expression-error.js';
import { ExpressionParser } from './expression-parser.js';
import { DEFAULT_LIMITS, type EngineLimits, resolveLimits } from './limits.js';
import { conditionShapeError, hasTemplateSyntax, toExpressionError } from './program.js';
import { parseTemplateSyntax } from './template-parser.js';

export interface CheckOptions {
  /** Roots the templates may read; any other root is `EXPR_FORBIDDEN_ROOT`. */
  readonly allowedRoots?: readonly string[];
  /**
   * The value is a step condition: each string must be `{{ expression }}` or a bare expression
   * (`EXPR_BLOCK_IN_CONDITION`, `EXPR_CONDITION_SHAPE` otherwise).
   */
  readonly condition?: boolean;
  readonly limits?: Partial<EngineLimits>;
}

interface Visit {
  readonly options: CheckOptions;
  readonly limits: EngineLimits;
  readonly errors: ExpressionError[];
  readonly references: Reference[];
}

/** Parses and analyses one string; syntax errors end the analysis of that string. */
function analyzeString(text: string, visit: Visit): Analysis | undefined {
  const { limits, options } = visit;
  const allowedRoots = options.allowedRoots;
  if (options.condition === true && !hasTemplateSyntax(text)) {
    if (text.length > limits.maxExpressionLength) {
      throw new ExpressionError('EXPR_TOO_LONG', 'Expression is longer than maxExpressionLength', {
        start: 0,
        end: text.length,
        source: text,
      });
    }
    const node = new ExpressionParser(text, 0, limits).parseComplete();
    return analyzeExpression(node, text, { limits, allowedRoots });
  }
  if (!hasTemplateSyntax(text)) return undefined;
  const template = parseTemplateSyntax(text, { limits });
  const analysis = analyzeTemplate(template, text, { limits, allowedRoots });
  if (options.condition === true) {
    const shape = conditionShapeError(template, text);
    if (shape !== undefined) analysis.errors.unshift(shape);
  }
  return analysis;
}

function visitValue(value: unknown, pointer: string, visit: Visit, depth: number): void {
  if (typeof value === 'string') {
    try {
      const analysis = analyzeString(value, visit);
      if (analysis === undefined) return;
      for (const error of analysis.errors) visit.errors.push(error.withPointer(pointer));
      for (const reference of analysis.references) visit.references.push({ ...reference, pointer });
    } catch (error) {
      visit.errors.push(toExpressionError(error).withPointer(pointer));
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= visit.limits.maxValueDepth) {
    visit.errors.push(
      new ExpressionError('EXPR_VALUE_TOO_DEEP', 'Template value is nested deeper than maxValueDepth', {
        pointer,
      }),
    );
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries())
      visitValue(element, appendPointer(pointer, index), visit, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    visitValue((value as Record<string, unknown>)[key], appendPointer(pointer, key), visit, depth + 1);
  }
}

function visitAll(value: unknown, options: CheckOptions): Visit {
  const visit: Visit = {
    options,
    limits: options.limits === undefined ? DEFAULT_LIMITS : resolveLimits(options.limits),
    errors: [],
    references: [],
  };
  visitValue(value, '', visit, 0);
  return visit;
}

/**
 * Statically checks every template in a JSON value: syntax, unknown functions and filters,
 * arities, forbidden roots, whole-`secrets` reads, and (with `condition`) blocks or mixed text in
 * conditions. Returns every error found, each with offsets, line, column and JSON pointer. Never
 * throws.
 *
 * @example
 * checkTemplate({ a: '{{ env("HOME") }}', b: '{{ secrets }}' }, { allowedRoots: ['inputs'] });
 * // [EXPR_UNKNOWN_FUNCTION at /a, EXPR_FORBIDDEN_ROOT and EXPR_SECRET_DUMP at /b]
 */
export function checkTemplate(value: unknown, options: CheckOptions = {}): ExpressionError[] {
  try {
    return visitAll(value, options).errors;
  } catch (error) {
    return [toExpressionError(error)];
  }
}

/**
 * Every scope path the templates of a JSON value read, with positions and JSON pointers: the
 * loader derives DAG edges from `steps.<id>` references and rejects unknown step ids. Strings
 * that do not parse contribute nothing (`checkTemplate` reports them).
 *
 * @example
 * templateReferences({ url: 'https://x/{{ steps.fetch.output.id }}' })[0].text; // 'steps.fetch.output.id'
 */
export function templateReferences(value: unknown): Reference[] {
  try {
    return visitAll(value, {}).references;
  } catch {
    return [];
  }
}

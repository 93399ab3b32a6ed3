/**
 * The public parsers: source text to syntax trees with positions, after the same static checks
 * compilation applies (unknown functions, arity, secret dumps). Use `checkTemplate` instead to
 * collect every problem of a document without throwing.
 */
import { analyzeExpression, analyzeTemplate } from './analysis.js';
import type { ExpressionNode, TemplateNode } from './ast.js';
import { ExpressionError } from './expression-error.js';
import { ExpressionParser } from './expression-parser.js';
import { resolveLimits } from './limits.js';
import { type CompileOptions, toExpressionError } from './program.js';
import { parseTemplateSyntax } from './template-parser.js';

function guarded<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw toExpressionError(error);
  }
}

/**
 * Parses a bare expression (no braces) into a tree whose nodes carry source offsets.
 *
 * @example
 * parseExpression('inputs.items | length > 0').type; // 'Binary'
 */
export function parseExpression(source: string, options?: CompileOptions): ExpressionNode {
  return guarded(() => {
    const limits = resolveLimits(options?.limits);
    if (source.length > limits.maxExpressionLength) {
      throw new ExpressionError('EXPR_TOO_LONG', 'Expression is longer than maxExpressionLength', {
        start: 0,
        end: source.length,
        source,
      });
    }
    const node = new ExpressionParser(source, 0, limits).parseComplete();
    const [first] = analyzeExpression(node, source, { limits }).errors;
    if (first !== undefined) throw first;
    return node;
  });
}

/**
 * Parses a template string (text, `{{ }}` outputs, `{% %}` blocks) into a tree.
 *
 * @example
 * parseTemplate('Hi {{ inputs.name }}').kind; // 'mixed'
 */
export function parseTemplate(source: string, options?: CompileOptions): TemplateNode {
  return guarded(() => {
    const limits = resolveLimits(options?.limits);
    const template = parseTemplateSyntax(source, { limits });
    const [first] = analyzeTemplate(template, source, { limits }).errors;
    if (first !== undefined) throw first;
    return template;
  });
}

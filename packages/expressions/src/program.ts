/**
 * Compilation of source text into reusable programs, and the process-wide caches that keep them.
 * A program is parsed, statically checked and compiled to closures once; rendering it only runs
 * the closures. Four kinds of source are compiled: templates, bare expressions, conditions, and
 * handler configs (templates that also understand `${…}`).
 */
import { type Analysis, analyzeExpression, analyzeTemplate, type Reference } from './analysis.js';
import type { TemplateKind, TemplateNode, TemplatePart } from './ast.js';
import type { CompileUnit, Evaluator, Scope } from './compile-unit.js';
import { compileNode } from './compiler.js';
import {
  ABSENT_CONTEXT,
  acquireContext,
  checkStringSize,
  type EvaluationContext,
  releaseContext,
  Site,
} from './evaluation-context.js';
import { ExpressionError } from './expression-error.js';
import { ExpressionParser } from './expression-parser.js';
import {
  type EngineLimits,
  hasDefaultParseLimits,
  MAX_CACHED_TEMPLATE_LENGTH,
  resolveLimits,
  TEMPLATE_CACHE_SIZE,
} from './limits.js';
import { LruCache } from './lru-cache.js';
import { refreshPrototypeGuard } from './prototype-guard.js';
import { isContextFree } from './static-facts.js';
import { compileText, type StaticTextRenderer } from './template-compiler.js';
import { parseTemplateSyntax } from './template-parser.js';

/** Options of the functions that compile source text. */
export interface CompileOptions {
  readonly limits?: Partial<EngineLimits>;
}

/** Options of the functions that evaluate or render. */
export interface RenderOptions {
  readonly limits?: Partial<EngineLimits>;
  /** When given, reading any other root fails with `EXPR_FORBIDDEN_ROOT`. */
  readonly strictRoots?: readonly string[];
}

/** A template compiled once and rendered many times. */
export interface CompiledTemplate {
  readonly source: string;
  readonly kind: TemplateKind;
  /** Every scope path the template reads, in source order. */
  readonly references: readonly Reference[];
  /** Renders against `scope`: the native value for `expression` templates, a string otherwise. */
  render(scope: Scope, options?: RenderOptions): unknown;
}

/** A bare expression compiled once and evaluated many times. */
export interface CompiledExpression {
  readonly source: string;
  readonly references: readonly Reference[];
  evaluate(scope: Scope, options?: RenderOptions): unknown;
}

export type ProgramMode = 'template' | 'expression' | 'condition' | 'config';

/** The roots a handler config may read (spec §2.6). */
export const CONFIG_ROOTS: readonly string[] = ['input', 'env', 'secrets'];

const EMPTY_SCOPE: Scope = Object.freeze({});

/** Converts anything thrown during evaluation into an `ExpressionError`; the engine throws nothing else. */
export function toExpressionError(error: unknown): ExpressionError {
  if (ExpressionError.is(error)) return error;
  return new ExpressionError('EXPR_INTERNAL', 'Internal error in the expression engine', { cause: error });
}

/** A compiled template or expression. */
export class Program implements CompiledTemplate, CompiledExpression {
  constructor(
    readonly source: string,
    readonly kind: TemplateKind,
    readonly references: readonly Reference[],
    private readonly run: Evaluator,
    /** Never uses its context (`isContextFree`), so `render` need not acquire one. */
    private readonly contextFree: boolean,
    /** Flat text over static paths only: `render` tries it before acquiring a context. */
    private readonly staticText?: StaticTextRenderer,
  ) {}

  /** Runs with a caller-owned context, so one document shares one budget. */
  execute(scope: Scope, context: EvaluationContext, strictRoots: readonly string[] | undefined): unknown {
    if (strictRoots !== undefined) this.checkRoots(strictRoots);
    return this.run(scope ?? EMPTY_SCOPE, context);
  }

  private checkRoots(allowed: readonly string[]): void {
    for (const reference of this.references) {
      if (!allowed.includes(reference.root)) {
        throw new ExpressionError('EXPR_FORBIDDEN_ROOT', `'${reference.root}' is not available here`, {
          start: reference.start,
          end: reference.end,
          source: this.source,
        });
      }
    }
  }

  render(scope: Scope, options?: RenderOptions): unknown {
    if (this.contextFree) {
      // What acquiring a context would also do: re-check the pollution guard for this call.
      refreshPrototypeGuard();
      try {
        if (options?.strictRoots !== undefined) this.checkRoots(options.strictRoots);
        return this.run(scope ?? EMPTY_SCOPE, ABSENT_CONTEXT);
      } catch (error) {
        throw toExpressionError(error);
      }
    }
    if (this.staticText !== undefined) {
      refreshPrototypeGuard();
      try {
        if (options?.strictRoots !== undefined) this.checkRoots(options.strictRoots);
        const text = this.staticText(scope ?? EMPTY_SCOPE, resolveLimits(options?.limits));
        if (text !== undefined) return text;
      } catch (error) {
        throw toExpressionError(error);
      }
    }
    const context = acquireContext(resolveLimits(options?.limits));
    try {
      return this.execute(scope, context, options?.strictRoots);
    } catch (error) {
      throw toExpressionError(error);
    } finally {
      releaseContext(context);
    }
  }

  evaluate(scope: Scope, options?: RenderOptions): unknown {
    return this.render(scope, options);
  }
}

function throwFirst(analysis: Analysis): Analysis {
  const [first] = analysis.errors;
  if (first !== undefined) throw first;
  return analysis;
}

function newUnit(source: string, analysis: Analysis): CompileUnit {
  return { source, lambdas: analysis.lambdas, slotCount: 0 };
}

function parseBareExpression(source: string, limits: EngineLimits) {
  if (source.length > limits.maxExpressionLength) {
    throw new ExpressionError('EXPR_TOO_LONG', 'Expression is longer than maxExpressionLength', {
      start: 0,
      end: source.length,
      source,
    });
  }
  return new ExpressionParser(source, 0, limits).parseComplete();
}

/** The first block of a template body, for the condition check. */
function findBlock(parts: readonly TemplatePart[]): TemplatePart | undefined {
  return parts.find((part) => part.type === 'If' || part.type === 'For');
}

/** Rejects condition templates that are not exactly one `{{ expression }}`. */
export function conditionShapeError(template: TemplateNode, source: string): ExpressionError | undefined {
  const block = findBlock(template.body);
  if (block !== undefined) {
    return new ExpressionError('EXPR_BLOCK_IN_CONDITION', 'Conditions cannot contain {% %} blocks', {
      start: block.start,
      end: block.end,
      source,
    });
  }
  if (template.kind !== 'expression') {
    return new ExpressionError(
      'EXPR_CONDITION_SHAPE',
      "A condition must be one expression: '{{ expression }}' or a bare expression",
      { start: 0, end: source.length, source },
    );
  }
  return undefined;
}

/** True when text contains template syntax and must be parsed as a template. */
export function hasTemplateSyntax(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

function buildExpression(source: string, limits: EngineLimits): Program {
  const node = parseBareExpression(source, limits);
  const analysis = throwFirst(analyzeExpression(node, source, { limits }));
  const run = compileNode(node, newUnit(source, analysis), new Map());
  return new Program(source, 'expression', analysis.references, run, isContextFree(node));
}

function buildTemplate(source: string, mode: ProgramMode, limits: EngineLimits): Program {
  const config = mode === 'config';
  const template = parseTemplateSyntax(source, { limits, config });
  if (mode === 'condition') {
    const shape = conditionShapeError(template, source);
    if (shape !== undefined) throw shape;
  }
  const allowedRoots = config ? CONFIG_ROOTS : undefined;
  const analysis = throwFirst(analyzeTemplate(template, source, { limits, allowedRoots }));
  const unit = newUnit(source, analysis);
  const { kind, body } = template;
  let run: Evaluator;
  let contextFree = false;
  if (kind === 'literal') {
    run = () => source;
    contextFree = true;
  } else if (kind === 'expression') {
    const output = body.find((part) => part.type === 'Output')!;
    run = compileNode(output.expression, unit, new Map());
    contextFree = isContextFree(output.expression);
  } else {
    const { render: parts, staticText } = compileText(body, unit);
    const at = new Site(source, 0, source.length);
    run = (scope, context) => checkStringSize(context, parts(scope, context), at);
    return new Program(source, kind, analysis.references, run, false, staticText);
  }
  return new Program(source, kind, analysis.references, run, contextFree);
}

function build(source: string, mode: ProgramMode, limits: EngineLimits): Program {
  if (mode === 'expression') return buildExpression(source, limits);
  if (mode === 'condition' && !hasTemplateSyntax(source)) return buildExpression(source, limits);
  return buildTemplate(source, mode, limits);
}

const caches: Readonly<Record<ProgramMode, LruCache<string, Program>>> = {
  template: new LruCache(TEMPLATE_CACHE_SIZE),
  expression: new LruCache(TEMPLATE_CACHE_SIZE),
  condition: new LruCache(TEMPLATE_CACHE_SIZE),
  config: new LruCache(TEMPLATE_CACHE_SIZE),
};

/**
 * The compiled program for `source`, from the cache when the parse limits are the defaults
 * (programs compiled under other limits are not shared, so a relaxed limit cannot leak) and the
 * source is not huge.
 */
export function getProgram(source: string, mode: ProgramMode, limits: EngineLimits): Program {
  if (!hasDefaultParseLimits(limits) || source.length > MAX_CACHED_TEMPLATE_LENGTH) {
    return build(source, mode, limits);
  }
  const cache = caches[mode];
  let program = cache.get(source);
  if (program === undefined) {
    program = build(source, mode, limits);
    cache.set(source, program);
  }
  return program;
}

/** Empties every compiled-program cache (for tests and long-lived processes that reload documents). */
export function clearTemplateCache(): void {
  for (const cache of Object.values(caches)) cache.clear();
}

/**
 * Compiles a template once for repeated rendering. Results are cached by source text.
 *
 * @example
 * const greeting = compileTemplate('Hello {{ inputs.name | title }}!');
 * greeting.render({ inputs: { name: 'ada' } }); // 'Hello Ada!'
 */
export function compileTemplate(source: string, options?: CompileOptions): CompiledTemplate {
  return getProgram(source, 'template', resolveLimits(options?.limits));
}

/**
 * Compiles a bare expression (no braces) once for repeated evaluation.
 *
 * @example
 * const hot = compileExpression("steps.w.output.temp > 30 and inputs.city == 'Paris'");
 * hot.evaluate({ inputs: { city: 'Paris' }, steps: { w: { output: { temp: 31 } } } }); // true
 */
export function compileExpression(source: string, options?: CompileOptions): CompiledExpression {
  return getProgram(source, 'expression', resolveLimits(options?.limits));
}

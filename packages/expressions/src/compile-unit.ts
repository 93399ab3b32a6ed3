/**
 * The types shared by the compilers: the scope, compiled evaluators, and the state of one
 * compilation (source text, parsed sub-expressions, loop-variable slots).
 */
import type { ExpressionNode, LiteralNode } from './ast.js';
import { type EvaluationContext, Site } from './evaluation-context.js';

/** The scope an expression reads: its root names are the caller's choice. */
export type Scope = Readonly<Record<string, unknown>>;

export type Evaluator = (scope: Scope, context: EvaluationContext) => unknown;
export type TextRenderer = (scope: Scope, context: EvaluationContext) => string;

/** State shared while compiling one template or expression. */
export interface CompileUnit {
  readonly source: string;
  readonly lambdas: ReadonlyMap<LiteralNode, ExpressionNode>;
  /** Slots handed out to loop variables so far. */
  slotCount: number;
}

/** Loop variables in scope while compiling, by the slot they occupy at run time. */
export type Locals = ReadonlyMap<string, number>;

/** The position of `node` in the unit's source, for runtime errors. */
export function siteOf(unit: CompileUnit, node: { start: number; end: number }): Site {
  return new Site(unit.source, node.start, node.end);
}

/**
 * `@openworkflow/expressions`: the sandboxed `{{ }}` template and expression engine of
 * OpenWorkflow. Zero runtime dependencies; no JavaScript evaluation of any kind. The language is
 * specified in spec/expressions.md.
 */
export type { Reference } from './analysis.js';
export type {
  ArrayNode,
  BinaryNode,
  BinaryOperator,
  CallNode,
  ConditionalNode,
  ConfigReferenceNode,
  ExpressionNode,
  FilterNode,
  ForNode,
  IdentifierNode,
  IfBranch,
  IfNode,
  LiteralNode,
  LogicalNode,
  LogicalOperator,
  MemberNode,
  ObjectNode,
  ObjectProperty,
  OutputNode,
  SourceSpan,
  TemplateKind,
  TemplateNode,
  TemplatePart,
  TextNode,
  UnaryNode,
  UnaryOperator,
} from './ast.js';
export { type CheckOptions, checkTemplate, templateReferences } from './check.js';
export type { Scope } from './compile-unit.js';
export { type ConfigInterpolation, type ConfigScope, interpolateConfig } from './config-interpolation.js';
export {
  EXPRESSION_ERROR_CODES,
  ExpressionError,
  type ExpressionErrorCode,
  type ExpressionErrorJson,
} from './expression-error.js';
export { DEFAULT_LIMITS, type EngineLimits } from './limits.js';
export { parseExpression, parseTemplate } from './parse.js';
export { printExpression } from './printer.js';
export {
  type CompiledExpression,
  type CompiledTemplate,
  type CompileOptions,
  clearTemplateCache,
  compileExpression,
  compileTemplate,
  type RenderOptions,
} from './program.js';
export { evaluate, evaluateCondition, render, renderTracked, type TrackedRender } from './render.js';
export { isTruthy, TEMPLATE_STRING } from './values.js';

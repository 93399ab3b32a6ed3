/**
 * The syntax trees of expressions and templates. Every node records the offsets of the text it
 * came from (`start` inclusive, `end` exclusive) in the source that was parsed, so errors and
 * references point back at what the author wrote.
 */

/** Offsets into the parsed source. */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

/** A string, number, boolean or null written in the expression. */
export interface LiteralNode extends SourceSpan {
  readonly type: 'Literal';
  readonly value: string | number | boolean | null;
}

/** `[a, b]` */
export interface ArrayNode extends SourceSpan {
  readonly type: 'Array';
  readonly elements: readonly ExpressionNode[];
}

/** One `key: value` entry of an object literal; the key is always a plain string. */
export interface ObjectProperty extends SourceSpan {
  readonly key: string;
  readonly value: ExpressionNode;
}

/** `{a: 1, 'b c': 2}` */
export interface ObjectNode extends SourceSpan {
  readonly type: 'Object';
  readonly properties: readonly ObjectProperty[];
}

/** A bare name: a scope root (`inputs`, `steps`, …) or a loop variable. */
export interface IdentifierNode extends SourceSpan {
  readonly type: 'Identifier';
  readonly name: string;
}

/** `object.name` (computed: false, property is a string literal) or `object[expr]` (computed: true). */
export interface MemberNode extends SourceSpan {
  readonly type: 'Member';
  readonly object: ExpressionNode;
  readonly property: ExpressionNode;
  readonly computed: boolean;
}

/** `name(arg, …)`: a call of a library function. */
export interface CallNode extends SourceSpan {
  readonly type: 'Call';
  readonly callee: string;
  readonly arguments: readonly ExpressionNode[];
}

/** `input | name(arg, …)`: the same as `name(input, arg, …)`, kept apart so printing round-trips. */
export interface FilterNode extends SourceSpan {
  readonly type: 'Filter';
  readonly input: ExpressionNode;
  readonly name: string;
  readonly arguments: readonly ExpressionNode[];
}

export type UnaryOperator = '-' | '!' | 'not';

export interface UnaryNode extends SourceSpan {
  readonly type: 'Unary';
  readonly operator: UnaryOperator;
  readonly argument: ExpressionNode;
}

export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in';

export interface BinaryNode extends SourceSpan {
  readonly type: 'Binary';
  readonly operator: BinaryOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

export type LogicalOperator = 'and' | 'or' | '&&' | '||';

/** `and`/`&&` and `or`/`||`: short-circuiting, returning the deciding operand. */
export interface LogicalNode extends SourceSpan {
  readonly type: 'Logical';
  readonly operator: LogicalOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

/** `consequent if test else alternate` */
export interface ConditionalNode extends SourceSpan {
  readonly type: 'Conditional';
  readonly test: ExpressionNode;
  readonly consequent: ExpressionNode;
  readonly alternate: ExpressionNode;
}

export type ExpressionNode =
  | LiteralNode
  | ArrayNode
  | ObjectNode
  | IdentifierNode
  | MemberNode
  | CallNode
  | FilterNode
  | UnaryNode
  | BinaryNode
  | LogicalNode
  | ConditionalNode;

/** Literal text between tags (after `{% raw %}` and whitespace control are applied). */
export interface TextNode extends SourceSpan {
  readonly type: 'Text';
  readonly value: string;
}

/** `{{ expression }}` */
export interface OutputNode extends SourceSpan {
  readonly type: 'Output';
  readonly expression: ExpressionNode;
}

/** One `{% if %}` or `{% elif %}` arm. */
export interface IfBranch extends SourceSpan {
  readonly test: ExpressionNode;
  readonly body: readonly TemplatePart[];
}

/** `{% if %}…{% elif %}…{% else %}…{% endif %}` */
export interface IfNode extends SourceSpan {
  readonly type: 'If';
  readonly branches: readonly IfBranch[];
  readonly alternate: readonly TemplatePart[] | null;
}

/** `{% for variable in iterable %}…{% endfor %}` */
export interface ForNode extends SourceSpan {
  readonly type: 'For';
  readonly variable: string;
  readonly iterable: ExpressionNode;
  readonly body: readonly TemplatePart[];
}

/**
 * `${input.x}`, `${env.X}`, `${secrets.X}` or `${NAME}`: only in handler configs
 * (`interpolateConfig`). `root` is null for the bare `${NAME}` form.
 */
export interface ConfigReferenceNode extends SourceSpan {
  readonly type: 'ConfigReference';
  readonly root: 'input' | 'env' | 'secrets' | null;
  readonly path: readonly (string | number)[];
}

export type TemplatePart = TextNode | OutputNode | IfNode | ForNode | ConfigReferenceNode;

/**
 * How a template renders: `literal` strings have no template syntax and render as themselves;
 * `expression` templates are exactly one `{{ }}` (surrounding whitespace ignored) and render to
 * the expression's native value; `mixed` templates render to a string.
 */
export type TemplateKind = 'literal' | 'expression' | 'mixed';

export interface TemplateNode extends SourceSpan {
  readonly type: 'Template';
  readonly kind: TemplateKind;
  readonly body: readonly TemplatePart[];
}

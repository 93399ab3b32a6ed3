/**
 * Static checks and reference extraction over parsed expressions and templates: unknown functions
 * and filters, wrong arities, malformed `map`/`filter`/`sort` sub-expressions, reads of the whole
 * `secrets` object, roots outside an allow-list. It also lists every path the text reads from its
 * scope, which the loader uses for DAG edges and to reject unknown step ids. All problems are
 * collected, never thrown, so a document can report them all at once.
 */
import type { ExpressionNode, LiteralNode, MemberNode, TemplateNode, TemplatePart } from './ast.js';
import { ExpressionError } from './expression-error.js';
import { ExpressionParser, type ParseLimits } from './expression-parser.js';
import { FUNCTIONS } from './functions.js';

/** One path an expression reads from its scope. */
export interface Reference {
  /** The scope root: `inputs`, `steps`, `secrets`, … */
  readonly root: string;
  /** The static part of the path after the root; a computed index (`a[x]`) ends it. */
  readonly path: readonly (string | number)[];
  /** The static path as text, e.g. `steps.fetch.output.temp` or `inputs['a b'][0]`. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** JSON pointer of the template string, when it came from a larger value. */
  readonly pointer?: string;
}

export interface AnalysisOptions {
  readonly limits: ParseLimits;
  /** When given, any other root is reported as `EXPR_FORBIDDEN_ROOT`. */
  readonly allowedRoots?: readonly string[] | undefined;
}

/** What analysis learned about one template or expression. */
export interface Analysis {
  readonly errors: ExpressionError[];
  readonly references: Reference[];
  /** Parsed sub-expressions of `map`/`filter`/`sort`, keyed by their string literal. */
  readonly lambdas: Map<LiteralNode, ExpressionNode>;
}

/** Variables bound by `{% for %}` and by sub-expressions, which shadow scope roots. */
export const LAMBDA_VARIABLES = ['item', 'index'] as const;
export const LOOP_VARIABLE = 'loop';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Renders a static path the way an author would write it. */
export function pathText(root: string, path: readonly (string | number)[]): string {
  let text = root;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += `.${segment}`;
    else text += `['${segment.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`;
  }
  return text;
}

/** The key a member access reads when it is known without evaluating anything. */
export function staticKey(member: MemberNode): string | number | undefined {
  const property = member.property;
  if (property.type !== 'Literal') return undefined;
  if (typeof property.value === 'string') return property.value;
  if (typeof property.value === 'number' && Number.isInteger(property.value) && property.value >= 0) {
    return property.value;
  }
  return undefined;
}

class Analyzer {
  readonly errors: ExpressionError[] = [];
  readonly references: Reference[] = [];
  readonly lambdas = new Map<LiteralNode, ExpressionNode>();
  private lambdaDepth = 0;

  constructor(
    private source: string,
    private readonly options: AnalysisOptions,
  ) {}

  private report(
    code: ConstructorParameters<typeof ExpressionError>[0],
    message: string,
    node: ExpressionNode,
  ): void {
    this.errors.push(
      new ExpressionError(code, message, { start: node.start, end: node.end, source: this.source }),
    );
  }

  private root(name: string, node: ExpressionNode, path: readonly (string | number)[], end: number): void {
    const allowed = this.options.allowedRoots;
    if (allowed !== undefined && !allowed.includes(name)) {
      this.report('EXPR_FORBIDDEN_ROOT', `'${name}' is not available here`, node);
    }
    this.references.push({ root: name, path, text: pathText(name, path), start: node.start, end });
  }

  template(parts: readonly TemplatePart[], locals: ReadonlySet<string>): void {
    for (const part of parts) {
      switch (part.type) {
        case 'Output':
          this.expression(part.expression, locals);
          break;
        case 'If':
          for (const branch of part.branches) {
            this.expression(branch.test, locals);
            this.template(branch.body, locals);
          }
          if (part.alternate !== null) this.template(part.alternate, locals);
          break;
        case 'For':
          this.expression(part.iterable, locals);
          this.template(part.body, new Set([...locals, part.variable, LOOP_VARIABLE]));
          break;
        default:
          break;
      }
    }
  }

  expression(node: ExpressionNode, locals: ReadonlySet<string>): void {
    switch (node.type) {
      case 'Literal':
        return;
      case 'Identifier':
        if (locals.has(node.name)) return;
        if (node.name === 'secrets') {
          this.report(
            'EXPR_SECRET_DUMP',
            "Read one secret ('secrets.NAME'), not the whole 'secrets' object",
            node,
          );
        }
        this.root(node.name, node, [], node.end);
        return;
      case 'Member':
        this.member(node, locals);
        return;
      case 'Array':
        for (const element of node.elements) this.expression(element, locals);
        return;
      case 'Object':
        for (const property of node.properties) this.expression(property.value, locals);
        return;
      case 'Call':
        this.call(node, node.callee, node.arguments, locals);
        return;
      case 'Filter':
        this.call(node, node.name, [node.input, ...node.arguments], locals);
        return;
      case 'Unary':
        this.expression(node.argument, locals);
        return;
      case 'Binary':
      case 'Logical':
        this.expression(node.left, locals);
        this.expression(node.right, locals);
        return;
      case 'Conditional':
        this.expression(node.test, locals);
        this.expression(node.consequent, locals);
        this.expression(node.alternate, locals);
        return;
    }
  }

  private member(node: MemberNode, locals: ReadonlySet<string>): void {
    const chain: MemberNode[] = [];
    let base: ExpressionNode = node;
    while (base.type === 'Member') {
      chain.unshift(base);
      base = base.object;
    }
    if (base.type === 'Identifier' && !locals.has(base.name)) {
      const path: (string | number)[] = [];
      let end = base.end;
      for (const member of chain) {
        const key = staticKey(member);
        if (key === undefined) break;
        path.push(key);
        end = member.end;
      }
      if (base.name === 'secrets' && path.length === 0) {
        // A computed secret name would let data choose which secret is read.
        this.report(
          'EXPR_SECRET_DUMP',
          "Write secret names literally: 'secrets.NAME' or secrets['NAME']",
          node,
        );
      }
      this.root(base.name, base, path, end);
    } else {
      this.expression(base, locals);
    }
    for (const member of chain) if (member.computed) this.expression(member.property, locals);
  }

  private call(
    node: ExpressionNode,
    name: string,
    args: readonly ExpressionNode[],
    locals: ReadonlySet<string>,
  ): void {
    const spec = FUNCTIONS.get(name);
    if (spec === undefined) {
      const kind = node.type === 'Filter' ? 'filter' : 'function';
      this.report('EXPR_UNKNOWN_FUNCTION', `Unknown ${kind} '${name}'`, node);
      for (const argument of args) this.expression(argument, locals);
      return;
    }
    if (args.length < spec.minArguments || args.length > spec.maxArguments) {
      const range =
        spec.minArguments === spec.maxArguments
          ? `${spec.minArguments}`
          : `${spec.minArguments} to ${spec.maxArguments}`;
      this.report('EXPR_ARITY', `${name}() takes ${range} arguments, got ${args.length}`, node);
    }
    args.forEach((argument, index) => {
      if (index === spec.lambda) this.lambda(name, argument, locals);
      else this.expression(argument, locals);
    });
  }

  /** Parses and checks the string-literal sub-expression of `map`, `filter` or `sort`. */
  private lambda(name: string, argument: ExpressionNode, locals: ReadonlySet<string>): void {
    if (argument.type !== 'Literal' || typeof argument.value !== 'string') {
      this.report(
        'EXPR_SYNTAX',
        `${name}() takes its expression as a string literal, e.g. 'item.name'`,
        argument,
      );
      return;
    }
    // Parse against the outer text up to the literal, so offsets, lines and columns stay absolute.
    const offset = argument.start + 1;
    const source = this.source.slice(0, offset) + argument.value;
    let parsed: ExpressionNode;
    try {
      parsed = new ExpressionParser(
        source,
        offset,
        this.options.limits,
        this.lambdaDepth + 1,
      ).parseComplete();
    } catch (error) {
      if (!ExpressionError.is(error)) throw error;
      this.errors.push(error);
      return;
    }
    this.lambdas.set(argument, parsed);
    const inner = new Set([...locals, ...LAMBDA_VARIABLES]);
    const outerSource = this.source;
    this.source = source;
    this.lambdaDepth++;
    this.expression(parsed, inner);
    this.lambdaDepth--;
    this.source = outerSource;
    if (!usesLambdaVariable(parsed)) {
      this.report(
        'EXPR_SYNTAX',
        `${name}() expression must use 'item' (or 'index'), e.g. 'item.name'`,
        argument,
      );
    }
  }
}

function usesLambdaVariable(node: ExpressionNode): boolean {
  switch (node.type) {
    case 'Identifier':
      return (LAMBDA_VARIABLES as readonly string[]).includes(node.name);
    case 'Literal':
      return false;
    case 'Member':
      return usesLambdaVariable(node.object) || (node.computed && usesLambdaVariable(node.property));
    case 'Array':
      return node.elements.some(usesLambdaVariable);
    case 'Object':
      return node.properties.some((property) => usesLambdaVariable(property.value));
    case 'Call':
      return node.arguments.some(usesLambdaVariable);
    case 'Filter':
      return usesLambdaVariable(node.input) || node.arguments.some(usesLambdaVariable);
    case 'Unary':
      return usesLambdaVariable(node.argument);
    case 'Binary':
    case 'Logical':
      return usesLambdaVariable(node.left) || usesLambdaVariable(node.right);
    case 'Conditional':
      return (
        usesLambdaVariable(node.test) ||
        usesLambdaVariable(node.consequent) ||
        usesLambdaVariable(node.alternate)
      );
  }
}

function sortByPosition(analysis: Analysis): Analysis {
  analysis.errors.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  return analysis;
}

/** Checks a parsed expression and lists its references. */
export function analyzeExpression(node: ExpressionNode, source: string, options: AnalysisOptions): Analysis {
  const analyzer = new Analyzer(source, options);
  analyzer.expression(node, new Set());
  return sortByPosition(analyzer);
}

/** Checks a parsed template and lists its references. */
export function analyzeTemplate(template: TemplateNode, source: string, options: AnalysisOptions): Analysis {
  const analyzer = new Analyzer(source, options);
  analyzer.template(template.body, new Set());
  return sortByPosition(analyzer);
}

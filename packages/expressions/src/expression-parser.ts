/**
 * A recursive-descent parser for the expression language (grammar and precedence table in
 * spec/expressions.md). It builds the syntax tree only; names of functions, roots and secrets are
 * checked afterwards by `analyzeExpression`, so the loader can collect every problem at once.
 *
 * Precedence, loosest first: `a if c else b` < `or ||` < `and &&` < `not !` < comparisons
 * (`== != < <= > >= in`, `not in`; not chainable) < `+ -` < `* / %` < unary `-` < filter `|` <
 * member access and calls.
 */
import type { BinaryOperator, ExpressionNode, LogicalOperator, ObjectProperty, SourceSpan } from './ast.js';
import { ExpressionError, type ExpressionErrorCode } from './expression-error.js';
import { Lexer, type Token } from './lexer.js';
import type { EngineLimits } from './limits.js';

/** Words that cannot name a root, a loop variable or a function. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'in',
  'if',
  'else',
  'true',
  'false',
  'null',
]);

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** What the parser needs from the limits. */
export type ParseLimits = Pick<EngineLimits, 'maxExpressionLength' | 'maxDepth' | 'maxNodes'>;

/** Parses one expression starting at an offset of a larger source. */
export class ExpressionParser {
  readonly lexer: Lexer;
  private depth: number;
  private nodes = 0;

  constructor(
    readonly source: string,
    start: number,
    private readonly limits: ParseLimits,
    depthOffset = 0,
  ) {
    this.lexer = new Lexer(source, start, start + limits.maxExpressionLength);
    this.depth = depthOffset;
  }

  /** Parses an expression and leaves the lexer on the first token after it. */
  parse(): ExpressionNode {
    return this.parseConditional();
  }

  /** Parses an expression that must span the rest of the source. */
  parseComplete(): ExpressionNode {
    const node = this.parseConditional();
    const next = this.lexer.peek();
    if (next.kind !== 'eof') throw this.unexpected(next);
    return node;
  }

  error(message: string, span: SourceSpan, code: ExpressionErrorCode = 'EXPR_SYNTAX'): ExpressionError {
    return new ExpressionError(code, message, { start: span.start, end: span.end, source: this.source });
  }

  unexpected(token: Token, expected?: string): ExpressionError {
    const suffix = expected === undefined ? '' : `; expected ${expected}`;
    if (token.kind === 'eof') return this.error(`Unexpected end of expression${suffix}`, token);
    if (token.kind === 'punct' && (token.text === '?' || token.text === ':')) {
      return this.error(`Unexpected '${token.text}'; write a conditional as 'a if condition else b'`, token);
    }
    return this.error(`Unexpected ${describeToken(token)}${suffix}`, token);
  }

  private node<T extends ExpressionNode>(node: T): T {
    this.nodes++;
    if (this.nodes > this.limits.maxNodes) {
      throw this.error('Expression has more nodes than maxNodes', node, 'EXPR_TOO_MANY_NODES');
    }
    return node;
  }

  /** Runs `parse` one nesting level deeper; the depth limit keeps recursion far from the stack limit. */
  private nested<T>(at: Token, parse: () => T): T {
    this.depth++;
    if (this.depth > this.limits.maxDepth) {
      throw this.error('Expression is nested deeper than maxDepth', at, 'EXPR_TOO_DEEP');
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private isName(token: Token, name: string): boolean {
    return token.kind === 'name' && token.text === name;
  }

  private isPunct(token: Token, text: string): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  private expectPunct(text: string): Token {
    const token = this.lexer.next();
    if (!this.isPunct(token, text)) throw this.unexpected(token, `'${text}'`);
    return token;
  }

  private parseConditional(): ExpressionNode {
    const consequent = this.parseOr();
    const token = this.lexer.peek();
    if (!this.isName(token, 'if')) return consequent;
    this.lexer.next();
    const test = this.parseOr();
    const elseToken = this.lexer.next();
    if (!this.isName(elseToken, 'else')) throw this.unexpected(elseToken, "'else'");
    const alternate = this.nested(token, () => this.parseConditional());
    return this.node({
      type: 'Conditional',
      test,
      consequent,
      alternate,
      start: consequent.start,
      end: alternate.end,
    });
  }

  private parseLogical(operators: readonly string[], operand: () => ExpressionNode): ExpressionNode {
    let left = operand();
    for (;;) {
      const token = this.lexer.peek();
      if (!(token.kind === 'name' || token.kind === 'punct') || !operators.includes(token.text)) return left;
      this.lexer.next();
      const right = operand();
      const operator = token.text as LogicalOperator;
      left = this.node({ type: 'Logical', operator, left, right, start: left.start, end: right.end });
    }
  }

  private parseOr(): ExpressionNode {
    return this.parseLogical(['or', '||'], () => this.parseAnd());
  }

  private parseAnd(): ExpressionNode {
    return this.parseLogical(['and', '&&'], () => this.parseNot());
  }

  private parseNot(): ExpressionNode {
    const token = this.lexer.peek();
    if (this.isName(token, 'not') || this.isPunct(token, '!')) {
      this.lexer.next();
      const argument = this.nested(token, () => this.parseNot());
      const operator = token.text === 'not' ? 'not' : '!';
      return this.node({ type: 'Unary', operator, argument, start: token.start, end: argument.end });
    }
    return this.parseComparison();
  }

  /** The comparison operator at the cursor, consuming it; `not in` is two tokens. */
  private takeComparisonOperator(): BinaryOperator | undefined {
    const token = this.lexer.peek();
    if (token.kind === 'punct' && COMPARISON_OPERATORS.has(token.text)) {
      this.lexer.next();
      return token.text as BinaryOperator;
    }
    if (this.isName(token, 'in')) {
      this.lexer.next();
      return 'in';
    }
    if (this.isName(token, 'not') && this.isName(this.lexer.peek(1), 'in')) {
      this.lexer.next();
      this.lexer.next();
      return 'not in';
    }
    return undefined;
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseAdditive();
    const operator = this.takeComparisonOperator();
    if (operator === undefined) return left;
    const right = this.parseAdditive();
    const node = this.node({ type: 'Binary', operator, left, right, start: left.start, end: right.end });
    const after = this.lexer.peek();
    if (this.takeComparisonOperator() !== undefined) {
      throw this.error("Comparisons cannot be chained; combine them with 'and'", after);
    }
    return node;
  }

  private parseBinary(operators: string, operand: () => ExpressionNode): ExpressionNode {
    let left = operand();
    for (;;) {
      const token = this.lexer.peek();
      if (token.kind !== 'punct' || token.text.length !== 1 || !operators.includes(token.text)) return left;
      this.lexer.next();
      const right = operand();
      const operator = token.text as BinaryOperator;
      left = this.node({ type: 'Binary', operator, left, right, start: left.start, end: right.end });
    }
  }

  private parseAdditive(): ExpressionNode {
    return this.parseBinary('+-', () => this.parseMultiplicative());
  }

  private parseMultiplicative(): ExpressionNode {
    return this.parseBinary('*/%', () => this.parseUnary());
  }

  private parseUnary(): ExpressionNode {
    const token = this.lexer.peek();
    if (!this.isPunct(token, '-')) return this.parseFilter();
    this.lexer.next();
    const argument = this.nested(token, () => this.parseUnary());
    // A negated number literal is itself a literal, so `-2` prints and re-parses to the same tree.
    if (argument.type === 'Literal' && typeof argument.value === 'number') {
      return { type: 'Literal', value: -argument.value, start: token.start, end: argument.end };
    }
    return this.node({ type: 'Unary', operator: '-', argument, start: token.start, end: argument.end });
  }

  private parseFilter(): ExpressionNode {
    let input = this.parsePostfix();
    for (;;) {
      const bar = this.lexer.peek();
      if (!this.isPunct(bar, '|')) return input;
      this.lexer.next();
      const name = this.lexer.next();
      if (name.kind !== 'name' || KEYWORDS.has(name.text)) throw this.unexpected(name, 'a filter name');
      let args: ExpressionNode[] = [];
      let end = name.end;
      if (this.isPunct(this.lexer.peek(), '(')) {
        const open = this.lexer.next();
        args = this.nested(open, () => this.parseList(')'));
        end = this.expectPunct(')').end;
      }
      input = this.node({ type: 'Filter', input, name: name.text, arguments: args, start: input.start, end });
    }
  }

  private parsePostfix(): ExpressionNode {
    let object = this.parsePrimary();
    for (;;) {
      const token = this.lexer.peek();
      if (this.isPunct(token, '.')) {
        this.lexer.next();
        const name = this.lexer.next();
        if (name.kind !== 'name') throw this.unexpected(name, 'a property name');
        const property = this.node({ type: 'Literal', value: name.text, start: name.start, end: name.end });
        object = this.node({
          type: 'Member',
          object,
          property,
          computed: false,
          start: object.start,
          end: name.end,
        });
      } else if (this.isPunct(token, '[')) {
        this.lexer.next();
        const property = this.nested(token, () => this.parseConditional());
        const close = this.expectPunct(']');
        object = this.node({
          type: 'Member',
          object,
          property,
          computed: true,
          start: object.start,
          end: close.end,
        });
      } else if (this.isPunct(token, '(')) {
        throw this.error('Only library functions can be called: write name(arguments)', token);
      } else {
        return object;
      }
    }
  }

  /** Comma-separated expressions up to (not including) `close`. */
  private parseList(close: string): ExpressionNode[] {
    const items: ExpressionNode[] = [];
    if (this.isPunct(this.lexer.peek(), close)) return items;
    for (;;) {
      items.push(this.parseConditional());
      const token = this.lexer.peek();
      if (!this.isPunct(token, ',')) return items;
      this.lexer.next();
    }
  }

  private parsePrimary(): ExpressionNode {
    const token = this.lexer.next();
    const { start, end } = token;
    switch (token.kind) {
      case 'number':
        return this.node({ type: 'Literal', value: token.number, start, end });
      case 'string':
        return this.node({ type: 'Literal', value: token.text, start, end });
      case 'name':
        return this.parseName(token);
      case 'punct':
        if (token.text === '(') {
          const inner = this.nested(token, () => this.parseConditional());
          this.expectPunct(')');
          return inner;
        }
        if (token.text === '[') {
          const elements = this.nested(token, () => this.parseList(']'));
          const close = this.expectPunct(']');
          return this.node({ type: 'Array', elements, start, end: close.end });
        }
        if (token.text === '{') return this.nested(token, () => this.parseObject(token));
        throw this.unexpected(token, 'a value');
      default:
        throw this.unexpected(token, 'a value');
    }
  }

  private parseName(token: Token): ExpressionNode {
    const { text, start, end } = token;
    if (text === 'true' || text === 'false')
      return this.node({ type: 'Literal', value: text === 'true', start, end });
    if (text === 'null') return this.node({ type: 'Literal', value: null, start, end });
    if (KEYWORDS.has(text)) throw this.unexpected(token, 'a value');
    if (!this.isPunct(this.lexer.peek(), '('))
      return this.node({ type: 'Identifier', name: text, start, end });
    const open = this.lexer.next();
    const args = this.nested(open, () => this.parseList(')'));
    const close = this.expectPunct(')');
    return this.node({ type: 'Call', callee: text, arguments: args, start, end: close.end });
  }

  private parseObject(open: Token): ExpressionNode {
    const properties: ObjectProperty[] = [];
    const seen = new Set<string>();
    if (!this.isPunct(this.lexer.peek(), '}')) {
      for (;;) {
        const keyToken = this.lexer.next();
        if (keyToken.kind !== 'name' && keyToken.kind !== 'string')
          throw this.unexpected(keyToken, 'an object key');
        if (seen.has(keyToken.text)) throw this.error('Duplicate object key', keyToken);
        seen.add(keyToken.text);
        this.expectPunct(':');
        const value = this.parseConditional();
        properties.push({ key: keyToken.text, value, start: keyToken.start, end: value.end });
        if (!this.isPunct(this.lexer.peek(), ',')) break;
        this.lexer.next();
      }
    }
    const close = this.expectPunct('}');
    return this.node({ type: 'Object', properties, start: open.start, end: close.end });
  }
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'name':
      return KEYWORDS.has(token.text) ? `keyword '${token.text}'` : `name '${token.text}'`;
    case 'number':
      return 'number';
    case 'string':
      // Never quote string contents: a literal in a handler config may hold a credential.
      return 'string';
    default:
      return `'${token.text}'`;
  }
}

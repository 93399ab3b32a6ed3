/**
 * Parses template strings: literal text with `{{ expression }}` outputs and `{% if %}` /
 * `{% for %}` / `{% raw %}` blocks, plus `${…}` references in handler-config mode. Expressions are
 * parsed in place by `ExpressionParser`, which tracks quotes and brackets, so `{{ '}}' }}` and
 * `{{ {'a': {'b': 1}} }}` close where the author meant (security case TI-3).
 */
import type {
  ConfigReferenceNode,
  ExpressionNode,
  ForNode,
  IfBranch,
  TemplateKind,
  TemplateNode,
  TemplatePart,
  TextNode,
} from './ast.js';
import { ExpressionError } from './expression-error.js';
import { ExpressionParser, KEYWORDS, type ParseLimits } from './expression-parser.js';
import type { Token } from './lexer.js';

export interface TemplateParseOptions {
  readonly limits: ParseLimits & { readonly maxTemplateLength: number };
  /** Handler-config mode: also recognise `${input.x}`, `${env.X}`, `${secrets.X}`, `${NAME}`. */
  readonly config?: boolean;
}

/** An open block while its body is being parsed. */
interface OpenBlock {
  readonly tag: 'if' | 'for';
  readonly start: number;
  body: TemplatePart[];
  readonly branches: IfBranch[];
  /** The current `if`/`elif` test, or null once `{% else %}` was seen. */
  test: ExpressionNode | null;
  testStart: number;
  alternate: TemplatePart[] | null;
  readonly variable: string;
  readonly iterable: ExpressionNode | null;
}

const WHITESPACE_AT_END = /\s+$/;
const CONFIG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const CONFIG_INPUT_PATH = /^input((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$/;

class TemplateParser {
  private position = 0;
  private parts: TemplatePart[] = [];
  private readonly stack: OpenBlock[] = [];
  /** Text since the last tag, kept apart so `{{-` can trim its end. */
  private text = '';
  private textStart = 0;
  private trimNextText = false;
  private sawTag = false;
  private sawBlock = false;

  constructor(
    private readonly source: string,
    private readonly options: TemplateParseOptions,
  ) {}

  parse(): TemplateNode {
    const { source } = this;
    if (source.length > this.options.limits.maxTemplateLength) {
      throw new ExpressionError('EXPR_TOO_LONG', 'Template is longer than maxTemplateLength', {
        start: 0,
        end: source.length,
        source,
      });
    }
    while (this.position < source.length) {
      const next = this.findTag(this.position);
      if (next === -1) {
        this.addText(source.slice(this.position), this.position);
        this.position = source.length;
        break;
      }
      this.addText(source.slice(this.position, next), this.position);
      this.position = next;
      this.parseTag(next);
    }
    this.flushText();
    const open = this.stack.at(-1);
    if (open !== undefined) {
      throw this.syntax(`Missing {% end${open.tag} %} for this block`, open.start, open.start + 2);
    }
    return { type: 'Template', kind: this.kind(), body: this.parts, start: 0, end: source.length };
  }

  private syntax(message: string, start: number, end: number): ExpressionError {
    return new ExpressionError('EXPR_SYNTAX', message, { start, end, source: this.source });
  }

  /** Offset of the next `{{`, `{%` (and in config mode `${` or `$${`) at or after `from`, or -1. */
  private findTag(from: number): number {
    const { source } = this;
    const config = this.options.config === true;
    for (let index = from; index < source.length; index++) {
      const code = source.charCodeAt(index);
      if (code === 123 /* { */) {
        const following = source.charCodeAt(index + 1);
        if (following === 123 || following === 37 /* % */) return index;
      } else if (config && code === 36 /* $ */) {
        if (source.charCodeAt(index + 1) === 123) return index;
        if (source.charCodeAt(index + 1) === 36 && source.charCodeAt(index + 2) === 123) return index;
      }
    }
    return -1;
  }

  private addText(value: string, start: number): void {
    if (value === '') return;
    let text = value;
    let offset = start;
    if (this.trimNextText) {
      const trimmed = text.trimStart();
      offset += text.length - trimmed.length;
      text = trimmed;
      if (text === '') return;
      this.trimNextText = false;
    }
    if (this.text === '') this.textStart = offset;
    this.text += text;
  }

  private flushText(): void {
    if (this.text === '') return;
    const node: TextNode = {
      type: 'Text',
      value: this.text,
      start: this.textStart,
      end: this.textStart + this.text.length,
    };
    this.parts.push(node);
    this.text = '';
  }

  private trimPendingText(): void {
    this.text = this.text.replace(WHITESPACE_AT_END, '');
  }

  private parseTag(start: number): void {
    const { source } = this;
    this.trimNextText = false;
    if (source[start] === '$') {
      this.parseConfigReference(start);
      return;
    }
    this.sawTag = true;
    const trimBefore = source[start + 2] === '-';
    if (trimBefore) this.trimPendingText();
    const contentStart = start + (trimBefore ? 3 : 2);
    if (source[start + 1] === '{') this.parseOutput(start, contentStart);
    else this.parseBlockTag(start, contentStart);
  }

  /** Reads the closing `}}` / `%}` (or `-}}` / `-%}`) at the parser's cursor and moves past it. */
  private close(parser: ExpressionParser, kind: '}}' | '%}', tagStart: number): void {
    const token = parser.lexer.peek();
    const { source } = this;
    let end: number;
    let trimAfter = false;
    if (kind === '}}' && token.kind === 'punct' && token.text === '}' && source[token.end] === '}') {
      end = token.end + 1;
    } else if (token.kind === 'punct' && token.text === `-${kind}`) {
      end = token.end;
      trimAfter = true;
    } else if (kind === '%}' && token.kind === 'punct' && token.text === '%}') {
      end = token.end;
    } else if (token.kind === 'eof') {
      throw this.syntax(
        `Unterminated '${kind === '}}' ? '{{' : '{%'}': no closing '${kind}'`,
        tagStart,
        token.end,
      );
    } else {
      throw parser.unexpected(token, `'${kind}'`);
    }
    this.position = end;
    this.trimNextText = trimAfter;
  }

  private parseOutput(start: number, contentStart: number): void {
    const parser = this.expressionParser(contentStart);
    const first = parser.lexer.peek();
    if (first.kind === 'eof') throw this.syntax("Unterminated '{{': no closing '}}'", start, first.end);
    if (first.kind === 'punct' && (first.text === '}' || first.text === '-}}')) {
      throw this.syntax('Empty {{ }}: expected an expression', start, first.end);
    }
    const expression = parser.parse();
    this.close(parser, '}}', start);
    this.flushText();
    this.parts.push({ type: 'Output', expression, start, end: this.position });
  }

  private expressionParser(start: number): ExpressionParser {
    return new ExpressionParser(this.source, start, this.options.limits, this.stack.length);
  }

  private parseBlockTag(start: number, contentStart: number): void {
    const parser = this.expressionParser(contentStart);
    const tag = parser.lexer.next();
    if (tag.kind === 'eof') throw this.syntax("Unterminated '{%': no closing '%}'", start, tag.end);
    if (tag.kind !== 'name') throw parser.unexpected(tag, 'a tag name');
    this.sawBlock = true;
    switch (tag.text) {
      case 'if':
        this.openIf(parser, start);
        return;
      case 'elif':
        this.elif(parser, start, tag);
        return;
      case 'else':
        this.else(parser, start, tag);
        return;
      case 'endif':
        this.end(parser, start, tag, 'if');
        return;
      case 'for':
        this.openFor(parser, start);
        return;
      case 'endfor':
        this.end(parser, start, tag, 'for');
        return;
      case 'raw':
        this.raw(parser, start);
        return;
      default:
        throw this.syntax(`Unknown tag '${tag.text}'`, tag.start, tag.end);
    }
  }

  private push(block: OpenBlock, tagStart: number, tagEnd: number): void {
    if (this.stack.length >= this.options.limits.maxDepth) {
      throw new ExpressionError('EXPR_TOO_DEEP', 'Blocks are nested deeper than maxDepth', {
        start: tagStart,
        end: tagEnd,
        source: this.source,
      });
    }
    this.flushText();
    this.stack.push({ ...block, body: this.parts });
    this.parts = [];
  }

  private openIf(parser: ExpressionParser, start: number): void {
    const test = parser.parse();
    this.close(parser, '%}', start);
    this.push(
      {
        tag: 'if',
        start,
        body: [],
        branches: [],
        test,
        testStart: start,
        alternate: null,
        variable: '',
        iterable: null,
      },
      start,
      this.position,
    );
  }

  private currentIf(tag: Token): OpenBlock {
    const block = this.stack.at(-1);
    if (block === undefined || block.tag !== 'if') {
      throw this.syntax(`'{% ${tag.text} %}' without an open '{% if %}'`, tag.start, tag.end);
    }
    if (block.test === null) throw this.syntax(`'{% ${tag.text} %}' after '{% else %}'`, tag.start, tag.end);
    return block;
  }

  /** Ends the current `if`/`elif` arm of `block` at `end`. */
  private finishBranch(block: OpenBlock, end: number): void {
    this.flushText();
    if (block.test === null) {
      block.alternate = this.parts;
      return;
    }
    block.branches.push({ test: block.test, body: this.parts, start: block.testStart, end });
  }

  private elif(parser: ExpressionParser, start: number, tag: Token): void {
    const block = this.currentIf(tag);
    const test = parser.parse();
    this.close(parser, '%}', start);
    this.finishBranch(block, start);
    block.test = test;
    block.testStart = start;
    this.parts = [];
  }

  private else(parser: ExpressionParser, start: number, tag: Token): void {
    const block = this.currentIf(tag);
    this.close(parser, '%}', start);
    this.finishBranch(block, start);
    block.test = null;
    this.parts = [];
  }

  private openFor(parser: ExpressionParser, start: number): void {
    const variable = parser.lexer.next();
    if (variable.kind !== 'name' || KEYWORDS.has(variable.text))
      throw parser.unexpected(variable, 'a loop variable');
    const keyword = parser.lexer.next();
    if (!(keyword.kind === 'name' && keyword.text === 'in')) throw parser.unexpected(keyword, "'in'");
    const iterable = parser.parse();
    this.close(parser, '%}', start);
    this.push(
      {
        tag: 'for',
        start,
        body: [],
        branches: [],
        test: null,
        testStart: start,
        alternate: null,
        variable: variable.text,
        iterable,
      },
      start,
      this.position,
    );
  }

  private end(parser: ExpressionParser, start: number, tag: Token, kind: 'if' | 'for'): void {
    const block = this.stack.at(-1);
    if (block === undefined || block.tag !== kind) {
      throw this.syntax(`'{% ${tag.text} %}' without an open '{% ${kind} %}'`, tag.start, tag.end);
    }
    this.close(parser, '%}', start);
    const end = this.position;
    if (kind === 'if') this.finishBranch(block, start);
    else this.flushText();
    const body = this.parts;
    this.stack.pop();
    this.parts = block.body;
    if (kind === 'if') {
      this.parts.push({
        type: 'If',
        branches: block.branches,
        alternate: block.alternate,
        start: block.start,
        end,
      });
    } else {
      const node: ForNode = {
        type: 'For',
        variable: block.variable,
        iterable: block.iterable!,
        body,
        start: block.start,
        end,
      };
      this.parts.push(node);
    }
  }

  /** `{% raw %}…{% endraw %}`: everything in between is literal text. */
  private raw(parser: ExpressionParser, start: number): void {
    this.close(parser, '%}', start);
    const endTag = /\{%(-?)\s*endraw\s*(-?)%\}/g;
    endTag.lastIndex = this.position;
    const match = endTag.exec(this.source);
    if (match === null) throw this.syntax('Missing {% endraw %} for this block', start, start + 2);
    let content = this.source.slice(this.position, match.index);
    if (match[1] === '-') content = content.replace(WHITESPACE_AT_END, '');
    this.addText(content, this.position);
    this.position = match.index + match[0].length;
    this.trimNextText = match[2] === '-';
  }

  /** `${…}` in handler configs; `$${` is a literal `${`. */
  private parseConfigReference(start: number): void {
    const { source } = this;
    this.sawTag = true;
    if (source[start + 1] === '$') {
      this.addText('${', start);
      this.position = start + 3;
      return;
    }
    const close = source.indexOf('}', start + 2);
    if (close === -1) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the ${…} config syntax
      throw new ExpressionError('CONFIG_REFERENCE', "Unterminated '${': no closing '}'", {
        start,
        end: source.length,
        source,
      });
    }
    const reference = parseConfigPath(source.slice(start + 2, close).trim());
    if (reference === undefined) {
      throw new ExpressionError(
        'CONFIG_REFERENCE',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the ${…} config syntax
        'Unknown reference: use ${input.field}, ${env.NAME}, ${secrets.NAME} or ${NAME}',
        { start, end: close + 1, source },
      );
    }
    this.flushText();
    const node: ConfigReferenceNode = { type: 'ConfigReference', ...reference, start, end: close + 1 };
    this.parts.push(node);
    this.position = close + 1;
  }

  private kind(): TemplateKind {
    if (!this.sawTag) return 'literal';
    if (this.sawBlock || this.options.config === true) return 'mixed';
    const meaningful = this.parts.filter((part) => part.type !== 'Text' || part.value.trim() !== '');
    return meaningful.length === 1 && meaningful[0]!.type === 'Output' ? 'expression' : 'mixed';
  }
}

function parseConfigPath(text: string): Pick<ConfigReferenceNode, 'root' | 'path'> | undefined {
  const input = CONFIG_INPUT_PATH.exec(text);
  if (input !== null) {
    const path: (string | number)[] = [];
    for (const segment of input[1]!.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) {
      path.push(segment[1] ?? Number(segment[2]));
    }
    return { root: 'input', path };
  }
  const dot = text.indexOf('.');
  if (dot !== -1) {
    const root = text.slice(0, dot);
    const key = text.slice(dot + 1);
    if ((root === 'env' || root === 'secrets') && CONFIG_KEY.test(key)) return { root, path: [key] };
    return undefined;
  }
  return CONFIG_NAME.test(text) && text !== 'input' ? { root: null, path: [text] } : undefined;
}

/** Parses a template string into its syntax tree (syntax only; see `analyzeTemplate`). */
export function parseTemplateSyntax(source: string, options: TemplateParseOptions): TemplateNode {
  return new TemplateParser(source, options).parse();
}

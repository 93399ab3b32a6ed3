/**
 * Splits expression text into tokens. The lexer works on a window of a larger source (a template)
 * so every token's offsets index the text the author wrote. Only ASCII is allowed outside string
 * literals: bidirectional overrides and zero-width characters cannot hide inside names (security
 * case TI-9).
 */
import { ExpressionError } from './expression-error.js';

export type TokenKind = 'name' | 'number' | 'string' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The name, the punctuation text, or the decoded string. */
  readonly text: string;
  /** The numeric value of a number token. */
  readonly number: number;
  readonly start: number;
  readonly end: number;
}

/** Multi-character punctuation, longest first; `%}`, `-}}` and `-%}` close template tags. */
const LONG_PUNCTUATION = ['-}}', '-%}', '==', '!=', '<=', '>=', '&&', '||', '%}'] as const;
const SINGLE_PUNCTUATION = new Set('()[]{},:.|+-*/%<>!?');

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  '/': '/',
};

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isNamePart(code: number): boolean {
  return isNameStart(code) || isDigit(code);
}

function describeCharacter(code: number): string {
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return code >= 32 && code < 127 ? `'${String.fromCharCode(code)}'` : `U+${hex}`;
}

/** A cursor over tokens with one token of lookahead (two for `not in`). */
export class Lexer {
  private position: number;
  private readonly buffer: Token[] = [];

  /**
   * @param source the whole text, so offsets stay absolute
   * @param start where the expression begins
   * @param limit offset past which a token means the expression is too long
   */
  constructor(
    readonly source: string,
    start: number,
    private readonly limit: number,
  ) {
    this.position = start;
  }

  /** The next token without consuming it. */
  peek(ahead = 0): Token {
    while (this.buffer.length <= ahead) this.buffer.push(this.scan());
    return this.buffer[ahead]!;
  }

  next(): Token {
    const token = this.peek();
    this.buffer.shift();
    return token;
  }

  private error(message: string, start: number, end = start + 1): ExpressionError {
    return new ExpressionError('EXPR_SYNTAX', message, { start, end, source: this.source });
  }

  private scan(): Token {
    const source = this.source;
    let index = this.position;
    while (index < source.length) {
      const code = source.charCodeAt(index);
      if (code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
      index++;
    }
    if (index >= source.length) {
      this.position = index;
      return { kind: 'eof', text: '', number: 0, start: index, end: index };
    }
    const token = this.scanAt(index);
    if (token.end > this.limit) {
      throw new ExpressionError('EXPR_TOO_LONG', 'Expression is longer than maxExpressionLength', {
        start: token.start,
        end: token.end,
        source,
      });
    }
    this.position = token.end;
    return token;
  }

  private scanAt(start: number): Token {
    const source = this.source;
    const code = source.charCodeAt(start);
    if (isNameStart(code)) {
      let end = start + 1;
      while (end < source.length && isNamePart(source.charCodeAt(end))) end++;
      return { kind: 'name', text: source.slice(start, end), number: 0, start, end };
    }
    if (isDigit(code)) return this.scanNumber(start);
    if (code === 39 || code === 34) return this.scanString(start, code);
    for (const punct of LONG_PUNCTUATION) {
      if (source.startsWith(punct, start)) {
        return { kind: 'punct', text: punct, number: 0, start, end: start + punct.length };
      }
    }
    const char = source[start]!;
    if (SINGLE_PUNCTUATION.has(char)) return { kind: 'punct', text: char, number: 0, start, end: start + 1 };
    if (char === '=') throw this.error("Unexpected '='; use '==' to compare", start);
    if (char === '&') throw this.error("Unexpected '&'; use '&&' or 'and'", start);
    throw this.error(`Unexpected character ${describeCharacter(code)}`, start);
  }

  private scanNumber(start: number): Token {
    const source = this.source;
    let end = start;
    while (end < source.length && isDigit(source.charCodeAt(end))) end++;
    if (source[end] === '.' && isDigit(source.charCodeAt(end + 1))) {
      end += 2;
      while (end < source.length && isDigit(source.charCodeAt(end))) end++;
    }
    if (source[end] === 'e' || source[end] === 'E') {
      let exponent = end + 1;
      if (source[exponent] === '+' || source[exponent] === '-') exponent++;
      if (!isDigit(source.charCodeAt(exponent)))
        throw this.error('Malformed number exponent', start, exponent);
      end = exponent;
      while (end < source.length && isDigit(source.charCodeAt(end))) end++;
    }
    if (end < source.length && isNamePart(source.charCodeAt(end))) {
      throw this.error('A number must not run into a name', start, end + 1);
    }
    const value = Number(source.slice(start, end));
    if (!Number.isFinite(value)) throw this.error('Number literal is out of range', start, end);
    return { kind: 'number', text: source.slice(start, end), number: value, start, end };
  }

  private scanString(start: number, quote: number): Token {
    const source = this.source;
    let value = '';
    let index = start + 1;
    let chunkStart = index;
    while (index < source.length) {
      const code = source.charCodeAt(index);
      if (code === quote) {
        value += source.slice(chunkStart, index);
        return { kind: 'string', text: value, number: 0, start, end: index + 1 };
      }
      if (code === 92) {
        value += source.slice(chunkStart, index);
        const escaped = source[index + 1];
        if (escaped === 'u') {
          const hex = source.slice(index + 2, index + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error('Malformed \\u escape', index, index + 2);
          value += String.fromCharCode(Number.parseInt(hex, 16));
          index += 6;
        } else if (escaped !== undefined && Object.hasOwn(ESCAPES, escaped)) {
          value += ESCAPES[escaped];
          index += 2;
        } else {
          throw this.error('Unknown escape sequence in string', index, index + 2);
        }
        chunkStart = index;
        continue;
      }
      index++;
    }
    throw this.error('Unterminated string literal', start, source.length);
  }
}

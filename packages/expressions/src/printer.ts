/**
 * Prints an expression tree back to source with the fewest parentheses the precedence table
 * needs. For every tree the parser produces, `parseExpression(printExpression(tree))` gives the
 * same tree again (up to offsets); a property test holds us to that.
 */
import type { ExpressionNode } from './ast.js';

/** Binding strength, loosest first; mirrors the table in spec/expressions.md. */
const Precedence = {
  Conditional: 1,
  Or: 2,
  And: 3,
  Not: 4,
  Comparison: 5,
  Additive: 6,
  Multiplicative: 7,
  Negation: 8,
  Filter: 9,
  Postfix: 10,
} as const;
type Precedence = number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const BINARY_PRECEDENCE: Readonly<Record<string, Precedence>> = {
  '+': Precedence.Additive,
  '-': Precedence.Additive,
  '*': Precedence.Multiplicative,
  '/': Precedence.Multiplicative,
  '%': Precedence.Multiplicative,
};

function precedenceOf(node: ExpressionNode): Precedence {
  switch (node.type) {
    case 'Conditional':
      return Precedence.Conditional;
    case 'Logical':
      return node.operator === 'or' || node.operator === '||' ? Precedence.Or : Precedence.And;
    case 'Unary':
      return node.operator === '-' ? Precedence.Negation : Precedence.Not;
    case 'Binary':
      return BINARY_PRECEDENCE[node.operator] ?? Precedence.Comparison;
    case 'Filter':
      return Precedence.Filter;
    case 'Literal':
      return typeof node.value === 'number' && (node.value < 0 || Object.is(node.value, -0))
        ? Precedence.Negation
        : Precedence.Postfix;
    default:
      return Precedence.Postfix;
  }
}

/** A string literal in single quotes, with every character the lexer would misread escaped. */
export function quoteString(value: string): string {
  let text = "'";
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === "'" || char === '\\') text += `\\${char}`;
    else if (char === '\n') text += '\\n';
    else if (char === '\r') text += '\\r';
    else if (char === '\t') text += '\\t';
    else if (code < 0x20 || code === 0x7f) text += `\\u${code.toString(16).padStart(4, '0')}`;
    else text += char;
  }
  return `${text}'`;
}

function printNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

function print(node: ExpressionNode, minimum: Precedence): string {
  const text = printBare(node);
  return precedenceOf(node) < minimum ? `(${text})` : text;
}

function printList(nodes: readonly ExpressionNode[]): string {
  return nodes.map((node) => print(node, Precedence.Conditional)).join(', ');
}

function printBare(node: ExpressionNode): string {
  switch (node.type) {
    case 'Literal':
      if (typeof node.value === 'string') return quoteString(node.value);
      if (typeof node.value === 'number') return printNumber(node.value);
      return String(node.value);
    case 'Identifier':
      return node.name;
    case 'Array':
      return `[${printList(node.elements)}]`;
    case 'Object': {
      const entries = node.properties.map(
        ({ key, value }) =>
          `${IDENTIFIER.test(key) ? key : quoteString(key)}: ${print(value, Precedence.Conditional)}`,
      );
      return `{${entries.join(', ')}}`;
    }
    case 'Member': {
      const object = print(node.object, Precedence.Postfix);
      const property = node.property;
      if (!node.computed && property.type === 'Literal' && typeof property.value === 'string') {
        if (IDENTIFIER.test(property.value)) return `${object}.${property.value}`;
      }
      return `${object}[${print(property, Precedence.Conditional)}]`;
    }
    case 'Call':
      return `${node.callee}(${printList(node.arguments)})`;
    case 'Filter': {
      const args = node.arguments.length === 0 ? '' : `(${printList(node.arguments)})`;
      return `${print(node.input, Precedence.Filter)} | ${node.name}${args}`;
    }
    case 'Unary': {
      if (node.operator === 'not') return `not ${print(node.argument, Precedence.Not)}`;
      if (node.operator === '!') return `!${print(node.argument, Precedence.Not)}`;
      const argument = print(node.argument, Precedence.Negation);
      return argument.startsWith('-') ? `- ${argument}` : `-${argument}`;
    }
    case 'Binary': {
      const precedence = precedenceOf(node);
      // Comparisons do not chain, so both sides bind tighter; arithmetic associates to the left.
      const leftMinimum = precedence === Precedence.Comparison ? Precedence.Additive : precedence;
      const rightMinimum = precedence + 1;
      return `${print(node.left, leftMinimum)} ${node.operator} ${print(node.right, rightMinimum)}`;
    }
    case 'Logical': {
      const precedence = precedenceOf(node);
      return `${print(node.left, precedence)} ${node.operator} ${print(node.right, precedence + 1)}`;
    }
    case 'Conditional':
      return `${print(node.consequent, Precedence.Or)} if ${print(node.test, Precedence.Or)} else ${print(
        node.alternate,
        Precedence.Conditional,
      )}`;
  }
}

/**
 * Prints an expression tree as source text.
 *
 * @example
 * printExpression(parseExpression('(a  +  b)*2')); // '(a + b) * 2'
 */
export function printExpression(node: ExpressionNode): string {
  return printBare(node);
}

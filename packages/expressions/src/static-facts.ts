/**
 * What the compiler can tell about an expression before running it: whether it always produces a
 * boolean, and whether evaluating it can touch the evaluation context at all. Both answers are
 * conservative — "no" whenever in doubt — so they only ever select a faster closure or skip work
 * that provably has no effect.
 */
import type { ExpressionNode } from './ast.js';

/** The binary operators whose result is always a boolean. */
const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'not in']);

/** True when `node` evaluates to `true` or `false` (or fails), never to another kind. */
export function producesBoolean(node: ExpressionNode): boolean {
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'boolean';
    case 'Unary':
      return node.operator !== '-';
    case 'Binary':
      return COMPARISONS.has(node.operator);
    case 'Logical':
      return producesBoolean(node.left) && producesBoolean(node.right);
    case 'Conditional':
      return producesBoolean(node.consequent) && producesBoolean(node.alternate);
    default:
      return false;
  }
}

/**
 * True when evaluating `node` never reads or changes the evaluation context: no library calls,
 * loops or sub-expressions (steps), no secrets (taint), no produced strings or arrays that limits
 * bound (`+`), no equality that may walk containers (only against a literal). Such an expression
 * needs no per-call context, and the limits cannot apply to it. Locals do not occur at the top
 * level of an expression, where this is asked.
 */
export function isContextFree(node: ExpressionNode): boolean {
  switch (node.type) {
    case 'Literal':
      return true;
    case 'Identifier':
      return node.name !== 'secrets';
    case 'Member':
      return isContextFree(node.object) && (!node.computed || isContextFree(node.property));
    case 'Array':
      return node.elements.every(isContextFree);
    case 'Object':
      return node.properties.every((property) => isContextFree(property.value));
    case 'Call':
    case 'Filter':
      return false;
    case 'Unary':
      return isContextFree(node.argument);
    case 'Binary':
      switch (node.operator) {
        case '+':
        case 'in':
        case 'not in':
          return false;
        case '==':
        case '!=':
          // Equality walks containers (and spends steps) only when neither side is a literal.
          if (node.left.type !== 'Literal' && node.right.type !== 'Literal') return false;
          break;
        default:
          break;
      }
      return isContextFree(node.left) && isContextFree(node.right);
    case 'Logical':
      return isContextFree(node.left) && isContextFree(node.right);
    case 'Conditional':
      return isContextFree(node.test) && isContextFree(node.consequent) && isContextFree(node.alternate);
  }
}

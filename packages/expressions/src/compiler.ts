/**
 * Turns checked syntax trees into nested closures. Each node becomes one small function that is
 * specialised when it is built (static paths become a key list, numeric operators get a fast path
 * for numbers), so evaluation never re-inspects the tree and never interprets strings: there is
 * no `eval`, `Function` or `vm` anywhere in the engine.
 */
import { LAMBDA_VARIABLES } from './analysis.js';
import type { BinaryNode, ExpressionNode, LiteralNode } from './ast.js';
import { type CompileUnit, type Evaluator, type Locals, type Scope, siteOf } from './compile-unit.js';
import {
  chargeSteps,
  checkArrayLength,
  checkStringLength,
  checkStringSize,
  type EvaluationContext,
  localSlots,
  type Site,
} from './evaluation-context.js';
import { type CallContext, containsValue, FUNCTIONS } from './functions.js';
import { compilePath, readStaticPath, staticPathOf } from './path-compiler.js';
import { producesBoolean } from './static-facts.js';
import { checkData, deepEqual, isTruthy, kindOf, toText } from './values.js';

const isArray = Array.isArray;

/** Nodes in an expression, used to price one iteration of a loop in `maxSteps` units. */
export function countNodes(node: ExpressionNode): number {
  switch (node.type) {
    case 'Literal':
    case 'Identifier':
      return 1;
    case 'Member':
      return 1 + countNodes(node.object) + (node.computed ? countNodes(node.property) : 0);
    case 'Array':
      return node.elements.reduce((sum, element) => sum + countNodes(element), 1);
    case 'Object':
      return node.properties.reduce((sum, property) => sum + countNodes(property.value), 1);
    case 'Call':
      return node.arguments.reduce((sum, argument) => sum + countNodes(argument), 1);
    case 'Filter':
      return node.arguments.reduce((sum, argument) => sum + countNodes(argument), 1 + countNodes(node.input));
    case 'Unary':
      return 1 + countNodes(node.argument);
    case 'Binary':
    case 'Logical':
      return 1 + countNodes(node.left) + countNodes(node.right);
    case 'Conditional':
      return 1 + countNodes(node.test) + countNodes(node.consequent) + countNodes(node.alternate);
  }
}

export function compileNode(node: ExpressionNode, unit: CompileUnit, locals: Locals): Evaluator {
  switch (node.type) {
    case 'Literal': {
      const value = node.value;
      return () => value;
    }
    case 'Identifier':
    case 'Member':
      return compilePath(node, unit, locals, compileNode);
    case 'Array': {
      const elements = node.elements.map((element) => compileNode(element, unit, locals));
      return (scope, context) => elements.map((element) => element(scope, context));
    }
    case 'Object':
      return compileObject(node.properties, unit, locals);
    case 'Call':
      return compileCall(node, node.callee, node.arguments, unit, locals);
    case 'Filter':
      return compileCall(node, node.name, [node.input, ...node.arguments], unit, locals);
    case 'Unary':
      return compileUnary(node.operator, compileNode(node.argument, unit, locals), siteOf(unit, node));
    case 'Binary':
      return compileBinary(node, unit, locals);
    case 'Logical': {
      const left = compileNode(node.left, unit, locals);
      const right = compileNode(node.right, unit, locals);
      const conjunction = node.operator === 'and' || node.operator === '&&';
      if (producesBoolean(node.left)) {
        // A boolean is its own truthiness, so JavaScript's operators decide exactly like `isTruthy`.
        if (conjunction) return (scope, context) => left(scope, context) === true && right(scope, context);
        return (scope, context) => left(scope, context) === true || right(scope, context);
      }
      if (conjunction) {
        return (scope, context) => {
          const value = left(scope, context);
          return isTruthy(value) ? right(scope, context) : value;
        };
      }
      return (scope, context) => {
        const value = left(scope, context);
        return isTruthy(value) ? value : right(scope, context);
      };
    }
    case 'Conditional': {
      const test = compileNode(node.test, unit, locals);
      const consequent = compileNode(node.consequent, unit, locals);
      const alternate = compileNode(node.alternate, unit, locals);
      return (scope, context) =>
        isTruthy(test(scope, context)) ? consequent(scope, context) : alternate(scope, context);
    }
  }
}

function compileObject(
  properties: readonly { key: string; value: ExpressionNode }[],
  unit: CompileUnit,
  locals: Locals,
): Evaluator {
  const entries = properties.map(({ key, value }) => [key, compileNode(value, unit, locals)] as const);
  return (scope, context) => {
    const object: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      // defineProperty, so a `__proto__` key becomes an own property instead of a prototype change.
      Object.defineProperty(object, key, {
        value: value(scope, context),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  };
}

function compileCall(
  node: ExpressionNode,
  name: string,
  args: readonly ExpressionNode[],
  unit: CompileUnit,
  locals: Locals,
): Evaluator {
  const spec = FUNCTIONS.get(name)!;
  const at = siteOf(unit, node);
  const evaluators = args.map((argument, index) =>
    index === spec.lambda ? undefined : compileNode(argument, unit, locals),
  );
  const count = evaluators.length;
  const lambda = spec.lambda === undefined ? undefined : args[spec.lambda];
  const makeLambda =
    lambda === undefined ? undefined : compileLambda(lambda as LiteralNode, unit, locals, at);
  const { implementation, onMissing } = spec;
  return (scope, context) => {
    const values: unknown[] = new Array(count);
    for (let index = 0; index < count; index++) values[index] = evaluators[index]?.(scope, context);
    if (onMissing !== undefined && (values[0] === undefined || values[0] === null)) return onMissing();
    const call: CallContext = { name, context, site: at, lambda: makeLambda?.(scope, context) };
    return implementation(values, call);
  };
}

/** The per-element function of `map`, `filter` and `sort`, with `item` and `index` in their own slots. */
function compileLambda(
  literal: LiteralNode,
  unit: CompileUnit,
  locals: Locals,
  at: Site,
): (scope: Scope, context: EvaluationContext) => (item: unknown, index: number) => unknown {
  const expression = unit.lambdas.get(literal)!;
  const itemSlot = unit.slotCount++;
  const indexSlot = unit.slotCount++;
  const inner = new Map(locals);
  inner.set(LAMBDA_VARIABLES[0], itemSlot);
  inner.set(LAMBDA_VARIABLES[1], indexSlot);
  const body = compileNode(expression, unit, inner);
  const cost = countNodes(expression) + 1;
  return (scope, context) => (item, index) => {
    chargeSteps(context, cost, at);
    const slots = localSlots(context);
    slots[itemSlot] = checkData(item, at);
    slots[indexSlot] = index;
    return body(scope, context);
  };
}

function compileUnary(operator: string, argument: Evaluator, at: Site): Evaluator {
  if (operator !== '-') return (scope, context) => !isTruthy(argument(scope, context));
  return (scope, context) => {
    const value = argument(scope, context);
    if (typeof value === 'number') return -value;
    throw at.fail('EXPR_TYPE', `Cannot negate ${kindOf(value, at)}`);
  };
}

/**
 * The canonical (internalized) copy of `text`, which V8 keeps for property names. Short strings
 * in parsed JSON are internalized too, so comparing one with an internalized literal is a pointer
 * comparison instead of a character-by-character one.
 */
function internalize(text: string): string {
  return Object.keys({ [text]: true })[0] ?? text;
}

function typeMismatch(at: Site, verb: string, left: unknown, right: unknown): Error {
  return at.fail('EXPR_TYPE', `Cannot ${verb} ${kindOf(left, at)} and ${kindOf(right, at)}`);
}

function finite(value: number, at: Site): number {
  if (Number.isFinite(value)) return value;
  throw at.fail('EXPR_ARITHMETIC', 'Arithmetic result is not a finite number');
}

/** `+` beyond numbers: text concatenation when either side is a string, array concatenation. */
function add(left: unknown, right: unknown, context: EvaluationContext, at: Site): unknown {
  if (typeof left === 'string' || typeof right === 'string') {
    const a = toText(left, context, at);
    const b = toText(right, context, at);
    checkStringLength(context, a.length + b.length, at);
    return checkStringSize(context, a + b, at);
  }
  if (isArray(left) && isArray(right)) {
    checkArrayLength(context, left.length + right.length, at);
    chargeSteps(context, left.length + right.length + 1, at);
    return [...left, ...right];
  }
  throw typeMismatch(at, 'add', left, right);
}

const ARITHMETIC: Readonly<Record<string, (a: number, b: number) => number>> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

const ARITHMETIC_VERBS: Readonly<Record<string, string>> = {
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'take the remainder of',
};

/**
 * An ordering operator as the answers it gives for less, equal and greater operands, so one
 * closure shape serves all four operators without an indirect call.
 */
interface Ordering {
  readonly less: boolean;
  readonly equal: boolean;
  readonly greater: boolean;
}

const ORDERINGS: Readonly<Record<string, Ordering>> = {
  '<': { less: true, equal: false, greater: false },
  '<=': { less: true, equal: true, greater: false },
  '>': { less: false, equal: false, greater: true },
  '>=': { less: false, equal: true, greater: true },
};

/** Ordering: numbers with numbers, strings with strings; a missing or null side makes it false. */
function compare(ordering: Ordering, left: unknown, right: unknown, at: Site): boolean {
  if (typeof left === 'string' && typeof right === 'string') {
    return left < right ? ordering.less : left > right ? ordering.greater : ordering.equal;
  }
  if (left === undefined || left === null || right === undefined || right === null) return false;
  throw typeMismatch(at, 'compare', left, right);
}

function compileBinary(node: BinaryNode, unit: CompileUnit, locals: Locals): Evaluator {
  const left = compileNode(node.left, unit, locals);
  const right = compileNode(node.right, unit, locals);
  const at = siteOf(unit, node);
  const operator = node.operator;
  switch (operator) {
    case '+':
      return (scope, context) => {
        const a = left(scope, context);
        const b = right(scope, context);
        if (typeof a === 'number' && typeof b === 'number') return finite(a + b, at);
        return add(a, b, context, at);
      };
    case '-':
    case '*':
    case '/':
    case '%': {
      const operation = ARITHMETIC[operator]!;
      const verb = ARITHMETIC_VERBS[operator]!;
      const divides = operator === '/' || operator === '%';
      return (scope, context) => {
        const a = left(scope, context);
        const b = right(scope, context);
        if (typeof a !== 'number' || typeof b !== 'number') throw typeMismatch(at, verb, a, b);
        if (divides && b === 0) throw at.fail('EXPR_ARITHMETIC', 'Division by zero');
        return finite(operation(a, b), at);
      };
    }
    case '==':
    case '!=': {
      const negate = operator === '!=';
      if (node.right.type === 'Literal') {
        // Comparing with a literal is the common condition; skip the call for the constant side.
        const b = node.right.value;
        const path = staticPathOf(node.left, unit, locals);
        if (path !== undefined && b === null) {
          return (scope) => {
            const a = readStaticPath(scope, path);
            return (a === null || a === undefined) !== negate;
          };
        }
        if (path !== undefined && (typeof b !== 'number' || Number.isFinite(b))) {
          // A static path yields checked data, and data deeply equals a string, boolean or finite
          // number exactly when it is that primitive: typed deep equality is `===` here.
          const literal = typeof b === 'string' ? internalize(b) : b;
          return (scope) => (readStaticPath(scope, path) === literal) !== negate;
        }
        return (scope, context) => {
          const a = left(scope, context);
          return (a === b || deepEqual(a, b, context, at)) !== negate;
        };
      }
      return (scope, context) => {
        const a = left(scope, context);
        const b = right(scope, context);
        return (a === b || deepEqual(a, b, context, at)) !== negate;
      };
    }
    case 'in':
    case 'not in': {
      const negate = operator === 'not in';
      return (scope, context) => {
        const needle = left(scope, context);
        const haystack = right(scope, context);
        const call: CallContext = { name: 'in', context, site: at, lambda: undefined };
        return containsValue(haystack, needle, call) !== negate;
      };
    }
    default: {
      const ordering = ORDERINGS[operator]!;
      const { less, equal, greater } = ordering;
      if (node.right.type === 'Literal') {
        const b = node.right.value;
        const path = staticPathOf(node.left, unit, locals);
        if (path !== undefined && typeof b === 'number') {
          // `path > 30`: the commonest condition, read and compared in one closure.
          return (scope) => {
            const a = readStaticPath(scope, path);
            if (typeof a === 'number') return a < b ? less : a > b ? greater : equal;
            return compare(ordering, a, b, at);
          };
        }
        if (path !== undefined) {
          return (scope) => {
            const a = readStaticPath(scope, path);
            if (typeof a === 'number' && typeof b === 'number') return a < b ? less : a > b ? greater : equal;
            return compare(ordering, a, b, at);
          };
        }
        return (scope, context) => {
          const a = left(scope, context);
          if (typeof a === 'number' && typeof b === 'number') return a < b ? less : a > b ? greater : equal;
          return compare(ordering, a, b, at);
        };
      }
      return (scope, context) => {
        const a = left(scope, context);
        const b = right(scope, context);
        if (typeof a === 'number' && typeof b === 'number') return a < b ? less : a > b ? greater : equal;
        return compare(ordering, a, b, at);
      };
    }
  }
}

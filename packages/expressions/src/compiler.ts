/**
 * Turns checked syntax trees into nested closures. Each node becomes one small function that is
 * specialised when it is built (static paths become a key list, numeric operators get a fast path
 * for numbers), so evaluation never re-inspects the tree and never interprets strings: there is
 * no `eval`, `Function` or `vm` anywhere in the engine.
 */
import { LAMBDA_VARIABLES, LOOP_VARIABLE, staticKey } from './analysis.js';
import type {
  BinaryNode,
  ConfigReferenceNode,
  ExpressionNode,
  ForNode,
  IfNode,
  LiteralNode,
  MemberNode,
  TemplatePart,
} from './ast.js';
import {
  chargeSteps,
  checkArrayLength,
  checkStringLength,
  checkStringSize,
  type EvaluationContext,
  localSlots,
  recordSecret,
  Site,
} from './evaluation-context.js';
import { type CallContext, containsValue, FUNCTIONS } from './functions.js';
import { prototypeGuard } from './prototype-guard.js';
import { checkData, deepEqual, FORBIDDEN_KEYS, isTruthy, kindOf, readProperty, toText } from './values.js';

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

type Locals = ReadonlyMap<string, number>;

const hasOwn = Object.hasOwn;
/** `walk` over static keys never touches the context. */
const NO_CONTEXT = undefined as unknown as EvaluationContext;
const isArray = Array.isArray;

/** A static member name that always reads as missing. */
const FORBIDDEN = Symbol('forbidden');
type Segment = string | number | Evaluator | typeof FORBIDDEN;

function site(unit: CompileUnit, node: { start: number; end: number }): Site {
  return new Site(unit.source, node.start, node.end);
}

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

function countPartNodes(parts: readonly TemplatePart[]): number {
  let total = 0;
  for (const part of parts) {
    total += 1;
    if (part.type === 'Output') total += countNodes(part.expression);
    else if (part.type === 'If') {
      for (const branch of part.branches) total += countNodes(branch.test) + countPartNodes(branch.body);
      if (part.alternate !== null) total += countPartNodes(part.alternate);
    } else if (part.type === 'For') total += countNodes(part.iterable) + countPartNodes(part.body);
  }
  return total;
}

export function compileNode(node: ExpressionNode, unit: CompileUnit, locals: Locals): Evaluator {
  switch (node.type) {
    case 'Literal': {
      const value = node.value;
      return () => value;
    }
    case 'Identifier':
    case 'Member':
      return compilePath(node, unit, locals);
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
      return compileUnary(node.operator, compileNode(node.argument, unit, locals), site(unit, node));
    case 'Binary':
      return compileBinary(node, unit, locals);
    case 'Logical': {
      const left = compileNode(node.left, unit, locals);
      const right = compileNode(node.right, unit, locals);
      if (node.operator === 'and' || node.operator === '&&') {
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

/** Reads a root name from the caller's scope; only own properties count. */
function readRoot(scope: Scope, name: string): unknown {
  return hasOwn(scope, name) ? scope[name] : undefined;
}

/** Follows member segments from `value`; missing anywhere means missing. */
function walk(
  value: unknown,
  segments: readonly Segment[],
  scope: Scope,
  context: EvaluationContext,
): unknown {
  let current = value;
  for (let index = 0; index < segments.length; index++) {
    if (current === undefined || current === null) return undefined;
    const segment = segments[index]!;
    if (typeof segment === 'string') {
      if (typeof current !== 'object' || isArray(current) || !hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    } else if (typeof segment === 'number') {
      current = readProperty(current, segment);
    } else if (typeof segment === 'function') {
      current = readProperty(current, segment(scope, context));
    } else {
      return undefined;
    }
  }
  return current;
}

function compileSegment(member: MemberNode, unit: CompileUnit, locals: Locals): Segment {
  const key = staticKey(member);
  if (key === undefined) return compileNode(member.property, unit, locals);
  return typeof key === 'string' && FORBIDDEN_KEYS.has(key) ? FORBIDDEN : key;
}

/** Identifiers and member chains: `inputs.city`, `steps[id].output[0]`, `item.name`. */
function compilePath(node: ExpressionNode, unit: CompileUnit, locals: Locals): Evaluator {
  const chain: MemberNode[] = [];
  let base: ExpressionNode = node;
  while (base.type === 'Member') {
    chain.unshift(base);
    base = base.object;
  }
  const at = site(unit, node);
  const segments = chain.map((member) => compileSegment(member, unit, locals));
  if (base.type !== 'Identifier') {
    const object = compileNode(base, unit, locals);
    return (scope, context) => checkData(walk(object(scope, context), segments, scope, context), at);
  }
  const slot = locals.get(base.name);
  if (slot !== undefined) {
    return (scope, context) => checkData(walk(context.locals[slot], segments, scope, context), at);
  }
  const root = base.name;
  if (FORBIDDEN_KEYS.has(root)) return () => undefined;
  if (root === 'secrets' && segments.length > 0) return compileSecretPath(segments, at);
  const path = staticPathOf(node, unit, locals);
  if (path !== undefined) return (scope) => readStaticPath(scope, path);
  return (scope, context) => checkData(walk(readRoot(scope, root), segments, scope, context), at);
}

/** A root followed by static names only, e.g. `steps.fetch.output.temp`: the hot path. */
interface StaticPath {
  readonly root: string;
  readonly keys: readonly string[];
  readonly at: Site;
}

/**
 * Reads a static path with plain property loads, which reach only own data (see
 * `prototypeGuard`); arrays, functions and forbidden names (resolved at compile time) read as
 * missing.
 */
function readStaticPath(scope: Scope, path: StaticPath): unknown {
  const { root, keys, at } = path;
  if (prototypeGuard.polluted) return checkData(walk(readRoot(scope, root), keys, scope, NO_CONTEXT), at);
  let current = rootValue(scope, path);
  for (let index = 0; index < keys.length; index++) {
    if (typeof current !== 'object' || current === null || isArray(current)) return undefined;
    const container = current as Record<string, unknown>;
    const key = keys[index]!;
    current = container[key];
    if (typeof current === 'function') return hasOwn(container, key) ? checkData(current, at) : undefined;
  }
  return finish(current, at);
}

/** The root of a static path: a function there is a missing method or, if own, not data. */
function rootValue(scope: Scope, path: StaticPath): unknown {
  const value = scope[path.root];
  if (typeof value !== 'function') return value;
  return hasOwn(scope, path.root) ? checkData(value, path.at) : undefined;
}

/** The static path `node` reads, when it is one (not a loop variable, not `secrets`). */
function staticPathOf(node: ExpressionNode, unit: CompileUnit, locals: Locals): StaticPath | undefined {
  const keys: string[] = [];
  let base = node;
  while (base.type === 'Member') {
    const key = staticKey(base);
    if (typeof key !== 'string' || FORBIDDEN_KEYS.has(key)) return undefined;
    keys.unshift(key);
    base = base.object;
  }
  if (base.type !== 'Identifier' || locals.has(base.name)) return undefined;
  if (base.name === 'secrets' || FORBIDDEN_KEYS.has(base.name)) return undefined;
  return { root: base.name, keys, at: site(unit, node) };
}

/** `checkData` with the common kinds first, small enough to be inlined into every path. */
function finish(value: unknown, at: Site): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      if (value - value === 0) return value;
      break;
    default:
      break;
  }
  return checkData(value, at);
}

/** `secrets.NAME` or `secrets[expr]`: records the name of every secret actually read. */
function compileSecretPath(segments: readonly Segment[], at: Site): Evaluator {
  const [first, ...rest] = segments;
  return (scope, context) => {
    const key = typeof first === 'function' ? first(scope, context) : first === FORBIDDEN ? undefined : first;
    const value = readProperty(readRoot(scope, 'secrets'), key);
    if (value !== undefined && typeof key === 'string') recordSecret(context, key);
    return checkData(walk(value, rest, scope, context), at);
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
  const at = site(unit, node);
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
  const at = site(unit, node);
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
        if (path !== undefined) {
          return (scope, context) => {
            const a = readStaticPath(scope, path);
            return (a === b || deepEqual(a, b, context, at)) !== negate;
          };
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
        if (path !== undefined) {
          // `path > 30`: the commonest condition, read and compared in one closure.
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

/** Counts one expression evaluation against `maxEvaluations`. */
export function countEvaluation(context: EvaluationContext, at: Site): void {
  if (++context.evaluations > context.limits.maxEvaluations) {
    throw at.fail('TEMPLATE_EVENTS_LIMIT', 'Template evaluated more expressions than maxEvaluations');
  }
}

/** An expression evaluated as one document evaluation (a `{{ }}` output or a block test). */
function compileCountedNode(node: ExpressionNode, unit: CompileUnit, locals: Locals): Evaluator {
  const expression = compileNode(node, unit, locals);
  const at = site(unit, node);
  return (scope, context) => {
    countEvaluation(context, at);
    return expression(scope, context);
  };
}

/** One `{{ }}` of a flat template, with what it shares with the static path before it. */
interface FlatOutput {
  readonly prefix: string;
  readonly at: Site;
  readonly evaluate: Evaluator;
  /** Set when the output is a static path, read directly instead of through `evaluate`. */
  readonly path: StaticPath | undefined;
  /** Keys this path shares with the previous static-path output (read once per render). */
  readonly shared: number;
}

/** Keys `path` has in common with `previous` (−1 when the roots differ), short of `previous`'s end. */
function sharedKeys(previous: StaticPath | undefined, path: StaticPath): number {
  // A path without keys records no trail, so there is nothing to share.
  if (previous === undefined || previous.root !== path.root || previous.keys.length === 0) return -1;
  let count = 0;
  const limit = Math.min(previous.keys.length - 1, path.keys.length);
  while (count < limit && previous.keys[count] === path.keys[count]) count++;
  return count;
}

/**
 * Reads `path` starting from `start`, the container after `from` of its keys, recording in
 * `trail[d]` the container after `d` keys, so the next output can start from a shared prefix.
 */
function readStaticPathFrom(start: unknown, path: StaticPath, from: number, trail: unknown[]): unknown {
  const { keys, at } = path;
  let current = start;
  for (let index = from; index < keys.length; index++) {
    trail[index] = current;
    if (typeof current !== 'object' || current === null || isArray(current)) {
      trail.fill(undefined, index + 1, keys.length);
      return undefined;
    }
    const container = current as Record<string, unknown>;
    const key = keys[index]!;
    current = container[key];
    if (typeof current === 'function') {
      trail.fill(undefined, index + 1, keys.length);
      return hasOwn(container, key) ? checkData(current, at) : undefined;
    }
  }
  return finish(current, at);
}

/**
 * Text with `{{ }}` outputs and no blocks — most templates — as one closure: literal text is
 * merged into prefixes, static paths are read directly, and a path that shares a prefix with the
 * path before it (`steps.w.output.temp`, then `steps.w.output.conditions`) reads the shared part
 * once. Data cannot change during a render, so sharing is invisible.
 */
function compileFlatParts(parts: readonly TemplatePart[], unit: CompileUnit, locals: Locals): TextRenderer {
  const outputs: FlatOutput[] = [];
  let pending = '';
  let previous: StaticPath | undefined;
  for (const part of parts) {
    if (part.type === 'Text') pending += part.value;
    else if (part.type === 'Output') {
      const path = staticPathOf(part.expression, unit, locals);
      const shared = path === undefined ? -1 : sharedKeys(previous, path);
      if (path !== undefined) previous = path;
      const evaluate = compileNode(part.expression, unit, locals);
      outputs.push({ prefix: pending, at: site(unit, part), evaluate, path, shared });
      pending = '';
    }
  }
  const tail = pending;
  const count = outputs.length;
  const trail: unknown[] = [];
  let busy = false;
  return (scope, context) => {
    // A host getter could re-enter this template; it then gets its own trail.
    const own = busy ? [] : trail;
    busy = true;
    try {
      let text = '';
      const direct = !prototypeGuard.polluted;
      for (let index = 0; index < count; index++) {
        const output = outputs[index]!;
        const { at, path } = output;
        countEvaluation(context, at);
        let value: unknown;
        if (path === undefined || !direct) value = output.evaluate(scope, context);
        else if (output.shared >= 0) value = readStaticPathFrom(own[output.shared], path, output.shared, own);
        else value = readStaticPathFrom(rootValue(scope, path), path, 0, own);
        text += output.prefix + (typeof value === 'string' ? value : toText(value, context, at));
        if (text.length > context.limits.maxOutputBytes) checkStringLength(context, text.length, at);
      }
      return text + tail;
    } finally {
      if (own === trail) busy = false;
    }
  };
}

export function compileParts(
  parts: readonly TemplatePart[],
  unit: CompileUnit,
  locals: Locals,
): TextRenderer {
  if (parts.every((part) => part.type === 'Text' || part.type === 'Output')) {
    return compileFlatParts(parts, unit, locals);
  }
  const renderers = parts.map((part) => compilePart(part, unit, locals));
  if (renderers.length === 0) return () => '';
  if (renderers.length === 1) return renderers[0]!;
  const at = site(unit, parts[0]!);
  const count = renderers.length;
  return (scope, context) => {
    let text = '';
    const max = context.limits.maxOutputBytes;
    for (let index = 0; index < count; index++) {
      text += renderers[index]!(scope, context);
      if (text.length > max) checkStringLength(context, text.length, at);
    }
    return text;
  };
}

function compilePart(part: TemplatePart, unit: CompileUnit, locals: Locals): TextRenderer {
  switch (part.type) {
    case 'Text': {
      const value = part.value;
      return () => value;
    }
    case 'Output': {
      const expression = compileCountedNode(part.expression, unit, locals);
      const at = site(unit, part);
      return (scope, context) => {
        const value = expression(scope, context);
        return typeof value === 'string' ? value : toText(value, context, at);
      };
    }
    case 'If':
      return compileIf(part, unit, locals);
    case 'For':
      return compileFor(part, unit, locals);
    case 'ConfigReference':
      return compileConfigReference(part, unit);
  }
}

function compileIf(node: IfNode, unit: CompileUnit, locals: Locals): TextRenderer {
  const branches = node.branches.map((branch) => ({
    test: compileCountedNode(branch.test, unit, locals),
    body: compileParts(branch.body, unit, locals),
  }));
  const alternate = node.alternate === null ? undefined : compileParts(node.alternate, unit, locals);
  return (scope, context) => {
    for (const branch of branches) {
      if (isTruthy(branch.test(scope, context))) return branch.body(scope, context);
    }
    return alternate === undefined ? '' : alternate(scope, context);
  };
}

function compileFor(node: ForNode, unit: CompileUnit, locals: Locals): TextRenderer {
  const iterable = compileCountedNode(node.iterable, unit, locals);
  const variableSlot = unit.slotCount++;
  const loopSlot = unit.slotCount++;
  const inner = new Map(locals);
  inner.set(node.variable, variableSlot);
  inner.set(LOOP_VARIABLE, loopSlot);
  const body = compileParts(node.body, unit, inner);
  const cost = countPartNodes(node.body) + 1;
  const at = site(unit, node);
  return (scope, context) => {
    const items = iterable(scope, context);
    if (items === undefined || items === null) return '';
    if (!isArray(items)) throw at.fail('EXPR_TYPE', `{% for %} expects an array, got ${kindOf(items, at)}`);
    const length = items.length;
    const slots = localSlots(context);
    let text = '';
    for (let index = 0; index < length; index++) {
      chargeSteps(context, cost, at);
      slots[variableSlot] = checkData(items[index], at);
      slots[loopSlot] = {
        index: index + 1,
        index0: index,
        first: index === 0,
        last: index === length - 1,
        length,
      };
      text += body(scope, context);
      checkStringLength(context, text.length, at);
    }
    return text;
  };
}

/** `${input.x}`, `${env.X}`, `${secrets.X}`, `${NAME}` (secrets first, then env). */
function compileConfigReference(node: ConfigReferenceNode, unit: CompileUnit): TextRenderer {
  const at = site(unit, node);
  const { root, path } = node;
  const unresolved = (): Error => at.fail('CONFIG_UNRESOLVED', 'Reference has no value');
  if (root === 'input') {
    return (scope, context) => {
      let value = readRoot(scope, 'input');
      for (const key of path) value = readProperty(value, key);
      return toText(checkData(value, at), context, at);
    };
  }
  const name = path[0] as string;
  const lookup = (scope: Scope, context: EvaluationContext, from: 'env' | 'secrets'): string | undefined => {
    const value = readProperty(readRoot(scope, from), name);
    if (value === undefined || value === null) return undefined;
    if (from === 'secrets') recordSecret(context, name);
    return toText(checkData(value, at), context, at);
  };
  return (scope, context) => {
    const value =
      root === null
        ? (lookup(scope, context, 'secrets') ?? lookup(scope, context, 'env'))
        : lookup(scope, context, root);
    if (value === undefined) throw unresolved();
    return value;
  };
}

/**
 * Compilation of paths — `inputs.city`, `steps[id].output[0]`, `item.name`, `secrets.KEY` — and
 * the hot path for static ones, which read plain objects with ordinary property loads. Only own
 * data is reached: arrays take integer indexes, forbidden names are resolved at compile time,
 * functions (inherited methods) read as missing, and `prototypeGuard` switches to explicit
 * own-property checks while `Object.prototype` is polluted.
 */
import { staticKey } from './analysis.js';
import type { ExpressionNode, MemberNode } from './ast.js';
import { type CompileUnit, type Evaluator, type Locals, type Scope, siteOf } from './compile-unit.js';
import { type EvaluationContext, recordSecret, type Site } from './evaluation-context.js';
import { prototypeGuard } from './prototype-guard.js';
import { checkData, FORBIDDEN_KEYS, readProperty } from './values.js';

/** Compiles a sub-expression (a computed index); passed in to keep the modules acyclic. */
export type NodeCompiler = (node: ExpressionNode, unit: CompileUnit, locals: Locals) => Evaluator;

const hasOwn = Object.hasOwn;
const isArray = Array.isArray;
/** `walk` over static keys never touches the context. */
const NO_CONTEXT = undefined as unknown as EvaluationContext;

/** A static member name that always reads as missing. */
const FORBIDDEN = Symbol('forbidden');
type Segment = string | number | Evaluator | typeof FORBIDDEN;

/** Reads a root name from the caller's scope; only own properties count. */
export function readRoot(scope: Scope, name: string): unknown {
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

function compileSegment(
  member: MemberNode,
  unit: CompileUnit,
  locals: Locals,
  compile: NodeCompiler,
): Segment {
  const key = staticKey(member);
  if (key === undefined) return compile(member.property, unit, locals);
  return typeof key === 'string' && FORBIDDEN_KEYS.has(key) ? FORBIDDEN : key;
}

/** Identifiers and member chains: `inputs.city`, `steps[id].output[0]`, `item.name`. */
export function compilePath(
  node: ExpressionNode,
  unit: CompileUnit,
  locals: Locals,
  compile: NodeCompiler,
): Evaluator {
  const chain: MemberNode[] = [];
  let base: ExpressionNode = node;
  while (base.type === 'Member') {
    chain.unshift(base);
    base = base.object;
  }
  const at = siteOf(unit, node);
  const segments = chain.map((member) => compileSegment(member, unit, locals, compile));
  if (base.type !== 'Identifier') {
    const object = compile(base, unit, locals);
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
export interface StaticPath {
  readonly root: string;
  readonly keys: readonly string[];
  /** The root and then the keys: every name the path reads, starting from the scope. */
  readonly names: readonly string[];
  /** Per name, its `NAMED_CODES` code (read by a fixed-name load) or 0 (a keyed load). */
  readonly codes: readonly number[];
  readonly at: Site;
}

/**
 * The names every workflow reads — scope roots, the fields of a step record, of an error — each
 * with a code for `readNamed`. A load `container[key]` whose key changes from call to call is a
 * megamorphic keyed load in V8 (a hash-table probe per read); `container.output` written out is a
 * load site of its own with its own inline cache, which for data of one shape is a type check and
 * a load. User-chosen names (step ids, output fields) stay keyed loads.
 */
export const NAMED_CODES: ReadonlyMap<string, number> = new Map([
  ['inputs', 1],
  ['input', 2],
  ['steps', 3],
  ['env', 4],
  ['trigger', 5],
  ['item', 6],
  ['workflow', 7],
  ['run', 8],
  ['output', 9],
  ['outputs', 10],
  ['status', 11],
  ['error', 12],
  ['code', 13],
  ['message', 14],
]);

/**
 * `container[key]`, through the fixed-name load for `code` (a `NAMED_CODES` value for `key`), or a
 * keyed load for code 0. The same ordinary property read either way.
 */
export function readNamed(container: Record<string, unknown>, code: number, key: string): unknown {
  switch (code) {
    case 1:
      return container.inputs;
    case 2:
      return container.input;
    case 3:
      return container.steps;
    case 4:
      return container.env;
    case 5:
      return container.trigger;
    case 6:
      return container.item;
    case 7:
      return container.workflow;
    case 8:
      return container.run;
    case 9:
      return container.output;
    case 10:
      return container.outputs;
    case 11:
      return container.status;
    case 12:
      return container.error;
    case 13:
      return container.code;
    case 14:
      return container.message;
    default:
      return container[key];
  }
}

/**
 * Reads a static path with plain property loads (`readNamed`), which reach only own data (see
 * `prototypeGuard`); arrays, functions and forbidden names (resolved at compile time) read as
 * missing. The scope is read like the containers after it, so one loop (one load site) serves
 * every level; everything but the loads and a type check per level is off the common path.
 */
export function readStaticPath(scope: Scope, path: StaticPath): unknown {
  if (prototypeGuard.polluted)
    return checkData(walk(readRoot(scope, path.root), path.keys, scope, NO_CONTEXT), path.at);
  const names = path.names;
  const codes = path.codes;
  let current: unknown = scope;
  let container: Record<string, unknown> = scope;
  let key = '';
  for (let index = 0; index < names.length; index++) {
    if (typeof current !== 'object' || current === null || isArray(current)) {
      return index === 0 ? undefined : missing(current, container, key, path.at);
    }
    container = current as Record<string, unknown>;
    key = names[index]!;
    current = readNamed(container, codes[index]!, key);
  }
  // The common kinds of data first, written out here (a call measurably costs), as separate
  // `typeof x === '…'` tests: V8 compiles each to a type check but a `switch (typeof x)` to a
  // call that builds the type name, and string comparisons.
  if (typeof current === 'string' || typeof current === 'boolean' || current === undefined) return current;
  if (typeof current === 'number' && current - current === 0) return current;
  return checkRead(current, container, key, path.at);
}

/** A path stopped at a value that has no members: missing, unless it is an own function (not data). */
export function missing(value: unknown, container: object, key: string, at: Site): undefined {
  if (typeof value === 'function' && hasOwn(container, key)) checkData(value, at);
  return undefined;
}

/** `checkData` for a value read as `container[key]`: an inherited function is a missing method. */
export function checkRead(value: unknown, container: object, key: string, at: Site): unknown {
  if (typeof value === 'function' && !hasOwn(container, key)) return undefined;
  return checkData(value, at);
}

/** The static path `node` reads, when it is one (not a loop variable, not `secrets`). */
export function staticPathOf(
  node: ExpressionNode,
  unit: CompileUnit,
  locals: Locals,
): StaticPath | undefined {
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
  const names = [base.name, ...keys];
  const codes = names.map((name) => NAMED_CODES.get(name) ?? 0);
  return { root: base.name, keys, names, codes, at: siteOf(unit, node) };
}

/**
 * `secrets.NAME`: records the name of every secret actually read. Analysis guarantees the name
 * is written literally, so the set of secrets a template can read is known before it runs.
 */
function compileSecretPath(segments: readonly Segment[], at: Site): Evaluator {
  const [name, ...rest] = segments;
  if (typeof name !== 'string') return () => undefined;
  return (scope, context) => {
    const value = readProperty(readRoot(scope, 'secrets'), name);
    if (value !== undefined) recordSecret(context, name);
    return checkData(walk(value, rest, scope, context), at);
  };
}

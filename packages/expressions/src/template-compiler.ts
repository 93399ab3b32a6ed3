/**
 * Compilation of template bodies — text, `{{ }}` outputs, `{% if %}`/`{% for %}` blocks and
 * handler-config `${…}` references — into functions that render a string.
 */
import { LOOP_VARIABLE } from './analysis.js';
import type {
  ConfigReferenceNode,
  ExpressionNode,
  ForNode,
  IfNode,
  OutputNode,
  TemplatePart,
} from './ast.js';
import {
  type CompileUnit,
  type Evaluator,
  type Locals,
  type Scope,
  siteOf,
  type TextRenderer,
} from './compile-unit.js';
import { compileNode, countNodes } from './compiler.js';
import {
  chargeSteps,
  checkStringLength,
  countEvaluation,
  type EvaluationContext,
  localSlots,
  recordSecret,
  type Site,
} from './evaluation-context.js';
import type { EngineLimits } from './limits.js';
import { checkRead, missing, readNamed, readRoot, type StaticPath, staticPathOf } from './path-compiler.js';
import { prototypeGuard } from './prototype-guard.js';
import { checkData, isTruthy, kindOf, readProperty, toText } from './values.js';

const isArray = Array.isArray;

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

/** An expression evaluated as one document evaluation (a `{{ }}` output or a block test). */
function compileCountedNode(node: ExpressionNode, unit: CompileUnit, locals: Locals): Evaluator {
  const expression = compileNode(node, unit, locals);
  const at = siteOf(unit, node);
  return (scope, context) => {
    countEvaluation(context, at);
    return expression(scope, context);
  };
}

/** One `{{ }}` of a flat template: the literal text before it and, for a static path, the path. */
interface FlatSlot {
  readonly prefix: string;
  readonly part: OutputNode;
  /** Set when the output is a static path, read directly instead of through an evaluator. */
  readonly path: StaticPath | undefined;
  /** Names this path shares with the previous static-path output (read once per render). */
  readonly shared: number;
}

/** One `{{ }}` of a flat template, compiled. */
interface FlatOutput extends FlatSlot {
  readonly at: Site;
  readonly evaluate: Evaluator;
}

/** A flat template's outputs with the literal text merged into their prefixes, and the text after the last. */
interface FlatLayout {
  readonly slots: readonly FlatSlot[];
  readonly tail: string;
}

/**
 * Names `path` has in common with `previous` (0 when the roots differ), short of `previous`'s
 * last name, so the container before the first unshared name is in the trail.
 */
function sharedNames(previous: StaticPath | undefined, path: StaticPath): number {
  if (previous === undefined) return 0;
  let count = 0;
  const limit = Math.min(previous.names.length - 1, path.names.length);
  while (count < limit && previous.names[count] === path.names[count]) count++;
  return count;
}

/**
 * Reads `path` from `start`, the container before its name at `from` (the scope when `from` is
 * 0), recording in `trail[d]` the container before name `d`, so the next output can start from a
 * shared prefix.
 */
function readStaticPathFrom(start: unknown, path: StaticPath, from: number, trail: unknown[]): unknown {
  const names = path.names;
  const codes = path.codes;
  let current = start;
  for (let index = from; index < names.length; index++) {
    trail[index] = current;
    if (typeof current !== 'object' || current === null || isArray(current)) {
      trail.fill(undefined, index + 1, names.length);
      return index === 0
        ? undefined
        : missing(current, trail[index - 1] as object, names[index - 1]!, path.at);
    }
    current = readNamed(current as Record<string, unknown>, codes[index]!, names[index]!);
  }
  const last = names.length - 1;
  // The common kinds of data first, as in `readStaticPath`.
  if (typeof current === 'string' || typeof current === 'boolean' || current === undefined) return current;
  if (typeof current === 'number' && current - current === 0) return current;
  return checkRead(current, trail[last] as object, names[last]!, path.at);
}

/** Splits a flat template (text and `{{ }}` outputs only) into its outputs and finds static paths. */
function flatLayout(parts: readonly TemplatePart[], unit: CompileUnit, locals: Locals): FlatLayout {
  const slots: FlatSlot[] = [];
  let pending = '';
  let previous: StaticPath | undefined;
  for (const part of parts) {
    if (part.type === 'Text') pending += part.value;
    else if (part.type === 'Output') {
      const path = staticPathOf(part.expression, unit, locals);
      const shared = path === undefined ? 0 : sharedNames(previous, path);
      if (path !== undefined) previous = path;
      slots.push({ prefix: pending, part, path, shared });
      pending = '';
    }
  }
  return { slots, tail: pending };
}

/**
 * Text with `{{ }}` outputs and no blocks — most templates — as one closure: literal text is
 * merged into prefixes, static paths are read directly, and a path that shares a prefix with the
 * path before it (`steps.w.output.temp`, then `steps.w.output.conditions`) reads the shared part
 * once. Data cannot change during a render, so sharing is invisible.
 */
function compileFlatParts(layout: FlatLayout, unit: CompileUnit, locals: Locals): TextRenderer {
  // Written out, not spread: objects made by an optimised spread get hidden classes of their own.
  const outputs: FlatOutput[] = layout.slots.map(({ prefix, part, path, shared }) => ({
    prefix,
    part,
    path,
    shared,
    at: siteOf(unit, part),
    evaluate: compileNode(part.expression, unit, locals),
  }));
  const tail = layout.tail;
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
      const max = context.limits.maxOutputBytes;
      // One budget check for all outputs when they fit; otherwise each output is counted, so the
      // error names the one that crosses the limit.
      const counted = context.evaluations + count <= context.limits.maxEvaluations;
      if (counted) context.evaluations += count;
      for (let index = 0; index < count; index++) {
        const output = outputs[index]!;
        const { at, path, shared } = output;
        if (!counted) countEvaluation(context, at);
        let value: unknown;
        if (path === undefined || !direct) value = output.evaluate(scope, context);
        else value = readStaticPathFrom(shared === 0 ? scope : own[shared], path, shared, own);
        text += output.prefix + (typeof value === 'string' ? value : toText(value, context, at));
        if (text.length > max) checkStringLength(context, text.length, at);
      }
      return text + tail;
    } finally {
      if (own === trail) busy = false;
    }
  };
}

/**
 * Renders a flat template whose outputs are all static paths without an evaluation context, or
 * says `undefined` to send the caller down the general path. It answers only when that path would
 * answer the same string without an error: no prototype pollution (explicit own-property reads
 * are the general path's job), no more outputs than `maxEvaluations`, every value a string,
 * finite number, boolean or missing (containers become JSON through the context's budget), and
 * a result far enough under `maxOutputBytes` that no UTF-8 count is needed. Otherwise the general
 * path runs and fails, or answers, exactly as it always does.
 */
export type StaticTextRenderer = (scope: Scope, limits: EngineLimits) => string | undefined;

/** The {@link StaticTextRenderer} of a flat template, when it reads static paths only. */
function compileStaticText({ slots, tail }: FlatLayout): StaticTextRenderer | undefined {
  if (slots.length === 0 || slots.some((slot) => slot.path === undefined)) return undefined;
  const count = slots.length;
  const trail: unknown[] = [];
  let busy = false;
  return (scope, limits) => {
    // Re-entered from a host getter: the general path gives the inner render its own trail.
    if (busy || prototypeGuard.polluted || count > limits.maxEvaluations) return undefined;
    busy = true;
    try {
      const max = limits.maxOutputBytes;
      let text = '';
      for (let index = 0; index < count; index++) {
        const { prefix, path, shared } = slots[index]!;
        const value = readStaticPathFrom(shared === 0 ? scope : trail[shared], path!, shared, trail);
        if (typeof value === 'string') text += prefix + value;
        else if (typeof value === 'number' && value - value === 0) text += prefix + String(value);
        else if (typeof value === 'boolean') text += prefix + (value ? 'true' : 'false');
        else if (value === undefined || value === null) text += prefix;
        else return undefined;
        if (text.length > max) return undefined;
      }
      text += tail;
      return text.length * 3 > max ? undefined : text;
    } finally {
      busy = false;
    }
  };
}

/** True when `parts` are text and `{{ }}` outputs only (no blocks). */
function isFlat(parts: readonly TemplatePart[]): boolean {
  return parts.every((part) => part.type === 'Text' || part.type === 'Output');
}

/**
 * A whole text template: its renderer and, when it is flat text over static paths only, the
 * context-free renderer tried first (see {@link StaticTextRenderer}). The layout is found once.
 */
export function compileText(
  parts: readonly TemplatePart[],
  unit: CompileUnit,
): { readonly render: TextRenderer; readonly staticText: StaticTextRenderer | undefined } {
  if (!isFlat(parts)) return { render: compileParts(parts, unit, new Map()), staticText: undefined };
  const layout = flatLayout(parts, unit, new Map());
  return { render: compileFlatParts(layout, unit, new Map()), staticText: compileStaticText(layout) };
}

export function compileParts(
  parts: readonly TemplatePart[],
  unit: CompileUnit,
  locals: Locals,
): TextRenderer {
  if (isFlat(parts)) return compileFlatParts(flatLayout(parts, unit, locals), unit, locals);
  const renderers = parts.map((part) => compilePart(part, unit, locals));
  if (renderers.length === 0) return () => '';
  if (renderers.length === 1) return renderers[0]!;
  const at = siteOf(unit, parts[0]!);
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
      const at = siteOf(unit, part);
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
  const at = siteOf(unit, node);
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
  const at = siteOf(unit, node);
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

/**
 * The mutable state of one evaluation (`render`, `evaluate`, …): the limits in force, the work
 * budget spent so far, the secrets read, and the slots of loop variables. Also `Site`, the
 * position of a syntax node, which every runtime error is raised from.
 */
import { ExpressionError, type ExpressionErrorCode } from './expression-error.js';
import { CHARACTERS_PER_STEP, type EngineLimits } from './limits.js';
import { refreshPrototypeGuard } from './prototype-guard.js';

/** Where in the source a runtime failure is reported. One per compiled node. */
export class Site {
  constructor(
    readonly source: string,
    readonly start: number,
    readonly end: number,
  ) {}

  fail(code: ExpressionErrorCode, message: string): ExpressionError {
    return new ExpressionError(code, message, { start: this.start, end: this.end, source: this.source });
  }
}

export interface EvaluationContext {
  readonly limits: EngineLimits;
  /** Work units spent; compared against `limits.maxSteps`. */
  steps: number;
  /** Expression evaluations; compared against `limits.maxEvaluations`. */
  evaluations: number;
  /** UTF-8 bytes of the strings produced for the document so far. */
  documentBytes: number;
  /** Names of the secrets read, in first-read order; created on the first read. */
  secrets: Set<string> | undefined;
  /** Loop variables, by the slot the compiler assigned; created by the first loop. */
  locals: unknown[];
}

const NO_LOCALS: unknown[] = [];

function unusable(): never {
  throw new Error('A context-free program used its evaluation context');
}

/**
 * The context passed to programs that provably never use one (`isContextFree`), so their calls
 * skip acquiring one. Any use of it is an engine bug and fails loudly as `EXPR_INTERNAL`.
 */
export const ABSENT_CONTEXT: EvaluationContext = new Proxy({} as EvaluationContext, {
  get: unusable,
  set: unusable,
  has: unusable,
  defineProperty: unusable,
});

/**
 * The context of one top-level call. Evaluation is synchronous and never calls out of the engine,
 * so one context object is reset and reused instead of allocated per call; `busy` makes a nested
 * call (a host getter that calls the engine) get a fresh one instead of corrupting the outer call.
 */
const shared: EvaluationContext & { busy: boolean } = {
  limits: undefined as unknown as EngineLimits,
  steps: 0,
  evaluations: 0,
  documentBytes: 0,
  secrets: undefined,
  locals: NO_LOCALS,
  busy: false,
};

/** A context for one top-level call; pair every call with `releaseContext` in a `finally`. */
export function acquireContext(limits: EngineLimits): EvaluationContext {
  refreshPrototypeGuard();
  if (shared.busy) {
    return { limits, steps: 0, evaluations: 0, documentBytes: 0, secrets: undefined, locals: NO_LOCALS };
  }
  shared.busy = true;
  (shared as { limits: EngineLimits }).limits = limits;
  shared.steps = 0;
  shared.evaluations = 0;
  shared.documentBytes = 0;
  shared.secrets = undefined;
  return shared;
}

/** Ends the call that acquired `context`. */
export function releaseContext(context: EvaluationContext): void {
  if (context === shared) shared.busy = false;
}

/** Records that the secret `name` was read. */
export function recordSecret(context: EvaluationContext, name: string): void {
  if (context.secrets === undefined) context.secrets = new Set();
  context.secrets.add(name);
}

/** The loop-variable slots of `context`, allocated on first use. */
export function localSlots(context: EvaluationContext): unknown[] {
  if (context.locals === NO_LOCALS) context.locals = [];
  return context.locals;
}

/** Spends `units` of the work budget. */
export function chargeSteps(context: EvaluationContext, units: number, site: Site): void {
  context.steps += units;
  if (context.steps > context.limits.maxSteps) {
    throw site.fail('EXPR_STEP_LIMIT', 'Evaluation exceeded maxSteps');
  }
}

/** Spends the budget for scanning a string of `length` characters. */
export function chargeCharacters(context: EvaluationContext, length: number, site: Site): void {
  chargeSteps(context, 1 + Math.floor(length / CHARACTERS_PER_STEP), site);
}

/** Counts one expression evaluation of the document. */
export function countEvaluation(context: EvaluationContext, site: Site): void {
  context.evaluations++;
  if (context.evaluations > context.limits.maxEvaluations) {
    throw site.fail('TEMPLATE_EVENTS_LIMIT', 'Template evaluated more expressions than maxEvaluations');
  }
}

/** UTF-8 length of `text` without allocating. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      // A valid surrogate pair is 2 code units and 4 bytes; a lone surrogate encodes as U+FFFD (3 bytes).
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        index++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Fails when a produced string is over `maxOutputBytes`. A string of n code units has between n
 * and 3n UTF-8 bytes, so only strings near the limit are measured exactly.
 */
export function checkStringSize(context: EvaluationContext, text: string, site: Site): string {
  const max = context.limits.maxOutputBytes;
  if (text.length * 3 > max && (text.length > max || utf8Length(text) > max)) {
    throw site.fail('EXPR_MEMORY_LIMIT', 'Produced string exceeds maxOutputBytes');
  }
  return text;
}

/** Fails before building a string of at least `length` code units when that is already too long. */
export function checkStringLength(context: EvaluationContext, length: number, site: Site): void {
  if (length > context.limits.maxOutputBytes) {
    throw site.fail('EXPR_MEMORY_LIMIT', 'Produced string exceeds maxOutputBytes');
  }
}

/** Fails before building an array of `length` elements when that is too long. */
export function checkArrayLength(context: EvaluationContext, length: number, site: Site): void {
  if (length > context.limits.maxArrayLength) {
    throw site.fail('EXPR_MEMORY_LIMIT', 'Produced array exceeds maxArrayLength');
  }
}

/** Adds a produced string to the document total. */
export function countDocumentBytes(context: EvaluationContext, text: string, site: Site): void {
  context.documentBytes += utf8Length(text);
  if (context.documentBytes > context.limits.maxDocumentBytes) {
    throw site.fail('TEMPLATE_BYTES_LIMIT', 'Rendered document exceeds maxDocumentBytes');
  }
}

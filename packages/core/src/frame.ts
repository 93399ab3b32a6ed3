import type { Step, Workflow } from '@openworkflow/schemas';
import { type StepRecord, stepView } from './step-record.js';

/**
 * A record keyed by step id: a null-prototype object, so that no step id (`__proto__`,
 * `constructor`) can reach a prototype, and so that adding hundreds of ids stays cheap (it starts
 * as a hash table instead of walking a chain of hidden classes, ~5× faster per id at 1 000 ids).
 */
export function stepTable<T>(records?: Iterable<readonly [string, T]>): Record<string, T> {
  const table = Object.create(null) as Record<string, T>;
  if (records !== undefined) for (const [id, record] of records) table[id] = record;
  return table;
}

/**
 * A template scope: the roots of `layers`, later layers winning. Built with `Object.assign` on an
 * empty object rather than with a spread: V8 gives every object made by an optimised spread and
 * then extended a hidden class of its own, so the expression engine's reads of `inputs`, `steps`
 * or `item` would go megamorphic across runs and iterations. The keys are the engine's own root
 * names (never data), so assignment cannot reach a prototype.
 */
function scopeOf(...layers: readonly Readonly<Record<string, unknown>>[]): Record<string, unknown> {
  return Object.assign({}, ...layers);
}

/**
 * One level of template scope: the roots every template sees (`inputs`, `steps`, `env`, …) and the
 * step records written at this level. The run has a root frame; loop iterations get a child frame
 * (a copy of the visible `steps`, so each iteration sees its own inner records); a subworkflow gets
 * a fresh root frame of its own.
 */
/** Which workflow a frame belongs to (the run's, or a subworkflow's) and how deep it is nested. */
export interface FrameContext {
  readonly workflow: Workflow;
  /** 0 for the run's workflow, +1 per subworkflow level. */
  readonly depth: number;
}

export class Frame {
  /** `steps.<id>` views, shared with `scope.steps`. */
  readonly steps: Record<string, unknown>;
  /** Records written at this level (for an iteration: by its body), by step id. */
  readonly records = new Map<string, StepRecord>();
  readonly scope: Readonly<Record<string, unknown>>;

  readonly context: FrameContext;

  constructor(
    context: FrameContext,
    roots: Readonly<Record<string, unknown>>,
    steps: Record<string, unknown> = stepTable(),
  ) {
    this.context = context;
    this.steps = steps;
    this.scope = scopeOf(roots, { steps });
  }

  /** A frame for a loop iteration: sees everything visible here, writes its own records. */
  iteration(extras: Readonly<Record<string, unknown>>): Frame {
    return new Frame(this.context, scopeOf(this.scope, extras), Object.assign(stepTable(), this.steps));
  }

  /** The same records, with extra roots (the `error` root of `catch`/`finally`). */
  withRoots(extras: Readonly<Record<string, unknown>>): Frame {
    const frame = Object.create(Frame.prototype) as Frame;
    Object.assign(frame, {
      steps: this.steps,
      records: this.records,
      context: this.context,
      scope: scopeOf(this.scope, extras, { steps: this.steps }),
    });
    return frame;
  }

  /** Publishes the record (and its view) that another frame holds for `id`. */
  adopt(id: string, from: Frame): void {
    this.steps[id] = from.steps[id];
    this.records.set(id, from.records.get(id)!);
  }

  publish(id: string, kind: Step['type'], record: StepRecord): void {
    this.steps[id] = stepView(kind, record);
    this.records.set(id, record);
  }
}

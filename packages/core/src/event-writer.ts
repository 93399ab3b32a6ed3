import type { JsonObject } from '@openworkflow/schemas';
import type { Clock } from './clock.js';
import type { RedactHook } from './engine-options.js';
import type { RunEvent, RunEventType } from './events.js';
import type { RunStore } from './run-store.js';

/** The fields a producer chooses; the writer fills in sequence, time, run and correlation ids. */
export interface EventDraft {
  /** The event's time when the producer has just read the clock (saves a second read). */
  readonly time?: number;
  readonly stepId?: string;
  readonly path?: string;
  readonly attempt?: number;
  readonly data: JsonObject;
  readonly causationId: string | null;
  readonly requestId?: string;
}

const RESOLVED = Promise.resolve();
const EMPTY: readonly RunEvent[] = [];

/**
 * Numbers a run's events and appends them to the store in order, batching every event emitted in
 * the same turn into one atomic append (group commit). The log is therefore always a prefix of
 * the emitted sequence: a crash can lose the tail, never a middle. After a failed append the
 * writer is dead: it drops everything and reports the failure once through `onFailure`.
 */
export class EventWriter {
  #next: number;
  #pending: RunEvent[] = [];
  /** The batch being appended (one at a time). */
  #inFlight: readonly RunEvent[] = EMPTY;
  #flushing: Promise<void> | undefined;
  #scheduled = false;
  #dead = false;
  readonly #waiters: (() => void)[] = [];
  readonly #onTurnEnd = (): void => {
    this.#scheduled = false;
    this.#flush();
  };

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly clock: Clock,
    private readonly redact: RedactHook | undefined,
    private readonly requestId: string,
    nextSequence: number,
    private readonly onAppended: (events: readonly RunEvent[]) => void,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.#next = nextSequence;
  }

  get nextSequence(): number {
    return this.#next;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Stops writing; queued events are dropped (the engine is going away). */
  kill(): void {
    this.#dead = true;
    this.#pending = [];
    this.#release();
  }

  emit(type: RunEventType, draft: EventDraft): RunEvent {
    // Fixed fields first, optional ones only when present: one hidden class, no spreads.
    const base: { -readonly [K in keyof RunEvent]: RunEvent[K] } = {
      sequence: this.#next,
      type,
      runId: this.runId,
      time: draft.time ?? this.clock.now(),
      data: draft.data,
      correlation_id: this.runId,
      causation_id: draft.causationId,
      request_id: draft.requestId ?? this.requestId,
    };
    if (draft.stepId !== undefined) base.stepId = draft.stepId;
    if (draft.path !== undefined) base.path = draft.path;
    if (draft.attempt !== undefined) base.attempt = draft.attempt;
    if (this.#dead) return base;
    this.#next++;
    let event: RunEvent = base;
    if (this.redact !== undefined) {
      const sequence = base.sequence;
      const redacted = this.redact(base);
      // A hook cannot renumber or retype an event; one that found nothing returns the event itself
      // and costs no copy.
      if (redacted !== base || base.sequence !== sequence || base.type !== type) {
        event = { ...redacted, sequence, type };
      }
    }
    this.#pending.push(event);
    if (!this.#scheduled && this.#flushing === undefined) {
      this.#scheduled = true;
      // A resolved promise rather than `queueMicrotask`: Node wraps every `queueMicrotask` callback
      // in an async resource, which costs more than the whole append on the hot path.
      RESOLVED.then(this.#onTurnEnd);
    }
    return event;
  }

  /** Resolves once every event emitted so far is stored (or the writer died). */
  flushed(): Promise<void> {
    if (this.#dead || (this.#pending.length === 0 && this.#flushing === undefined && !this.#scheduled)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #flush(): void {
    if (this.#dead || this.#pending.length === 0 || this.#flushing !== undefined) {
      if (this.#flushing === undefined) this.#release();
      return;
    }
    const batch = this.#pending;
    this.#pending = [];
    this.#inFlight = batch;
    this.#flushing = this.store
      .appendEvents(this.runId, batch, batch[0]!.sequence)
      .then(this.#onStored, this.#onStoreFailed);
  }

  // Bound once per writer: an append allocates no callbacks.
  readonly #onStored = (): void => {
    const batch = this.#inFlight;
    this.#inFlight = EMPTY;
    this.#flushing = undefined;
    this.onAppended(batch);
    this.#flush();
  };

  readonly #onStoreFailed = (error: unknown): void => {
    this.#inFlight = EMPTY;
    this.#flushing = undefined;
    this.#dead = true;
    this.#pending = [];
    this.#release();
    this.onFailure(error);
  };

  #release(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

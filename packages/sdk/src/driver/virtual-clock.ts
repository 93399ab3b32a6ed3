import type { Clock } from '@openworkflow/core';
import { OpenWorkflowError } from '@openworkflow/core';

type SleepOptions = NonNullable<Parameters<Clock['sleep']>[2]>;

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly external: boolean;
  readonly fire: () => void;
  cancelled: boolean;
}

/** Lets pending promise chains (and the I/O callbacks they queue) run before time moves. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Idle turns the clock waits before it decides a run is waiting on timers only. */
const IDLE_TURNS = 3;

/**
 * The fake clock of one conformance run (conformance/PROTOCOL.md, "Virtual time"): it stands
 * still while the run works — a handler call marks the run busy through {@link track} — and jumps
 * to the earliest due timer once nothing but timers is pending. Timers flagged `external` (the
 * timeout of an event wait or an approval) only fire through {@link advance}, because the signal
 * that ends such a wait may still be on its way.
 */
export class VirtualClock implements Clock {
  #now: number;
  #order = 0;
  #busy = 0;
  #timers: Timer[] = [];
  #scheduled = false;
  #stopped = false;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal, options: SleepOptions = {}): Promise<void> {
    if (signal?.aborted) return Promise.reject(reasonOf(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        timer.cancelled = true;
        reject(reasonOf(signal as AbortSignal));
      };
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        order: this.#order++,
        external: options.external === true,
        cancelled: false,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
      this.#schedule();
    });
  }

  /** Runs `work` (a handler call: real I/O) with the clock held still. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await work();
    } finally {
      this.#busy--;
      this.#schedule();
    }
  }

  /** Moves the clock forward by `ms`, firing every timer due by then (external ones too), in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      await turn();
      const next = this.#next(() => true);
      if (next === undefined || next.at > target) break;
      this.#fire(next);
    }
    this.#now = Math.max(this.#now, target);
    this.#schedule();
  }

  /** Stops auto-advancing (the run is over). */
  stop(): void {
    this.#stopped = true;
  }

  #schedule(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    void this.#autoAdvance();
  }

  async #autoAdvance(): Promise<void> {
    try {
      for (;;) {
        // Idle means: no handler call in flight for several consecutive turns.
        for (let idle = 0; idle < IDLE_TURNS; idle++) {
          await turn();
          if (this.#busy > 0 || this.#stopped) return;
        }
        const next = this.#next((timer) => !timer.external);
        if (next === undefined) return;
        // An external timer due earlier blocks the jump: only `advance` may pass it.
        const blocking = this.#next(() => true);
        if (blocking !== undefined && blocking !== next && blocking.at < next.at) return;
        this.#fire(next);
      }
    } finally {
      this.#scheduled = false;
    }
  }

  #next(accept: (timer: Timer) => boolean): Timer | undefined {
    this.#timers = this.#timers.filter((timer) => !timer.cancelled);
    let best: Timer | undefined;
    for (const timer of this.#timers) {
      if (!accept(timer)) continue;
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.order < best.order)) {
        best = timer;
      }
    }
    return best;
  }

  #fire(timer: Timer): void {
    this.#timers = this.#timers.filter((candidate) => candidate !== timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.fire();
  }
}

function reasonOf(signal: AbortSignal): unknown {
  return signal.reason ?? new OpenWorkflowError('CANCELED', 'Sleep aborted');
}

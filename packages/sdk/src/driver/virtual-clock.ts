import { type Clock, FakeClock } from '@openworkflow/core';

/** Lets pending promise chains (and the I/O callbacks they queue) run before time moves. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Idle turns the clock waits before it decides a run is waiting on timers only. */
const IDLE_TURNS = 3;

/**
 * The fake clock of one conformance run (conformance/PROTOCOL.md, "Virtual time"): core's
 * `FakeClock`, driven one timer at a time. It stands still while the run works — a handler call
 * marks the run busy through {@link track} — and jumps to the earliest due timer once nothing but
 * timers is pending. Timers flagged `external` (the timeout of an event wait or an approval) only
 * fire through {@link advance}, because the signal that ends such a wait may still be on its way;
 * while one is the earliest timer, the clock does not jump past it.
 */
export class VirtualClock implements Clock {
  readonly #clock: FakeClock;
  #busy = 0;
  #scheduled = false;
  #stopped = false;

  constructor(startMs: number) {
    this.#clock = new FakeClock(startMs);
  }

  now(): number {
    return this.#clock.now();
  }

  sleep(ms: number, signal?: AbortSignal, options?: Parameters<Clock['sleep']>[2]): Promise<void> {
    const sleeping = this.#clock.sleep(ms, signal, options);
    this.#schedule();
    return sleeping;
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
    await this.#clock.advance(Math.max(0, ms));
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
        const next = this.#clock.nextTimer();
        if (next === undefined || next.external) return;
        this.#clock.fireNext();
      }
    } finally {
      this.#scheduled = false;
    }
  }
}

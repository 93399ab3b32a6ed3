import { OpenWorkflowError } from './errors.js';
import { FAKE_CLOCK_MAX_TURNS } from './limits.js';
import { MinHeap, timerOrder } from './min-heap.js';

/** Hints about a timer. */
export interface SleepOptions {
  /**
   * The timer ends a wait for something outside the run (the timeout of an event wait or an
   * approval). A virtual clock that auto-advances when a run is idle should not fire these by
   * itself: the signal may still be on its way (spec/conformance.md, "Virtual time").
   */
  readonly external?: boolean;
}

/**
 * The engine's only source of time. Waits, backoff delays, timeouts and event timestamps all go
 * through it, so tests and replays control time completely.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts
   * (and then holds no timer any more).
   */
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void>;
  /**
   * Optional: calls `fire` after `ms` milliseconds unless the returned function is called first.
   * The engine arms its time limits with it when a clock has it — no promise, `AbortSignal` or
   * abort event per timer — and falls back to `sleep` otherwise, so a custom clock needs only
   * `now` and `sleep`.
   */
  setTimer?(ms: number, fire: () => void, options?: SleepOptions): () => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new OpenWorkflowError('CANCELED', 'Sleep aborted');
}

/** The longest delay `setTimeout` honours; Node runs a longer one after 1 ms. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * `setTimeout` for any delay: one longer than {@link MAX_TIMEOUT_MS} (a wait of 25 days or more)
 * is split into steps that re-check the wall clock, instead of firing after 1 ms. Returns the
 * function that cancels it. `maxStepMs` exists for tests.
 */
export function wallTimer(ms: number, fire: () => void, maxStepMs = MAX_TIMEOUT_MS): () => void {
  const delay = Math.max(0, ms);
  if (delay <= maxStepMs) {
    const timer = setTimeout(fire, delay);
    return () => clearTimeout(timer);
  }
  const due = Date.now() + delay;
  let timer: ReturnType<typeof setTimeout>;
  const step = (): void => {
    const left = due - Date.now();
    timer = left > maxStepMs ? setTimeout(step, maxStepMs) : setTimeout(fire, Math.max(0, left));
  };
  step();
  return () => clearTimeout(timer);
}

/** Wall-clock time (`Date.now`, `setTimeout`): the default outside tests. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        cancel();
        reject(abortReason(signal as AbortSignal));
      };
      const cancel = wallTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
  setTimer: (ms, fire) => wallTimer(ms, fire),
};

interface FakeTimer {
  readonly at: number;
  readonly order: number;
  readonly fire: () => void;
  readonly external: boolean;
  cancelled: boolean;
}

/** Lets pending promise callbacks (and anything they chain) run before time moves on. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when told to. Timers live in a binary heap ordered by due time, then
 * by creation, so equal-time timers fire in the order they were set.
 *
 * @example
 * const clock = new FakeClock();
 * const run = engine.start(workflow, {}); // a workflow with `wait: 30s`
 * await clock.runUntilIdle();             // jumps over the wait instantly
 * expect((await run.result).status).toBe('success');
 */
export class FakeClock implements Clock {
  #now: number;
  #order = 0;
  readonly #heap = new MinHeap<FakeTimer>(timerOrder);

  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Timers that are set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#heap.values().filter((timer) => !timer.cancelled).length;
  }

  sleep(ms: number, signal?: AbortSignal, options: SleepOptions = {}): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        timer.cancelled = true;
        reject(abortReason(signal as AbortSignal));
      };
      const timer: FakeTimer = {
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
      this.#push(timer);
    });
  }

  setTimer(ms: number, fire: () => void, options: SleepOptions = {}): () => void {
    const timer: FakeTimer = {
      at: this.#now + Math.max(0, ms),
      order: this.#order++,
      external: options.external === true,
      cancelled: false,
      fire,
    };
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves time forward by `ms`, firing due timers in order and letting their callbacks run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (let turns = 0; turns < FAKE_CLOCK_MAX_TURNS; turns++) {
      const next = this.#peek();
      if (next === undefined || next.at > target) break;
      this.#pop();
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }

  /**
   * Fires timers, jumping straight to each one's due time, until none is left and every pending
   * callback has run. With `external: false` it stops when the next timer is an external one
   * (an event wait's or approval's timeout), as a conformance driver's auto-advance must. Throws
   * after an absurd number of turns (a timer that re-arms forever).
   */
  async runUntilIdle(options: { readonly external?: boolean } = {}): Promise<void> {
    await settle();
    for (let turns = 0; turns < FAKE_CLOCK_MAX_TURNS; turns++) {
      const next = this.#peek();
      if (next === undefined || (next.external && options.external === false)) return;
      this.#pop();
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      await settle();
    }
    throw new OpenWorkflowError('INTERNAL_ERROR', 'FakeClock.runUntilIdle: timers never ran out');
  }

  /** The earliest pending timer: when it is due and whether it is external; `undefined` when none is set. */
  nextTimer(): { readonly at: number; readonly external: boolean } | undefined {
    const next = this.#peek();
    return next === undefined ? undefined : { at: next.at, external: next.external };
  }

  /**
   * Fires the earliest pending timer, moving the clock to its due time, and returns true; false when
   * no timer is set. Its callbacks run on later turns: a caller that drives time one timer at a
   * time (a conformance driver that must not move the clock while a handler call is in flight)
   * decides between timers what may happen next.
   */
  fireNext(): boolean {
    const next = this.#peek();
    if (next === undefined) return false;
    this.#pop();
    this.#now = Math.max(this.#now, next.at);
    next.fire();
    return true;
  }

  #peek(): FakeTimer | undefined {
    let top = this.#heap.peek();
    while (top?.cancelled) {
      this.#heap.pop();
      top = this.#heap.peek();
    }
    return top;
  }

  #pop(): FakeTimer | undefined {
    return this.#heap.pop();
  }

  #push(timer: FakeTimer): void {
    this.#heap.push(timer);
  }
}

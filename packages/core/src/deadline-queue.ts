import type { Clock, SleepOptions } from './clock.js';
import { MinHeap, timerOrder } from './min-heap.js';

interface Deadline {
  readonly at: number;
  readonly order: number;
  readonly fire: () => void;
  live: boolean;
}

/** Reason used to disarm the queue's own sleep: a constant, so no `DOMException` is built per re-arm. */
const DISARMED = Symbol('deadline-queue.disarmed');

/**
 * Every time limit of a run on one clock timer: a min-heap of deadlines, with the clock armed for
 * the earliest live one. Removing a deadline only marks it (dead ones are dropped when they reach
 * the top), so the common case — a step finishing long before its limit — costs a heap push and a
 * flag, not a timer.
 */
export class DeadlineQueue {
  readonly #heap = new MinHeap<Deadline>(timerOrder);
  #order = 0;
  #armedAt: number | undefined;
  /** Cancels the armed clock timer. */
  #disarm: (() => void) | undefined;
  #disposed = false;
  readonly #options: SleepOptions;

  /** `external`: these deadlines end waits for something outside the run (see `SleepOptions`). */
  constructor(
    private readonly clock: Clock,
    external = false,
  ) {
    this.#options = { external };
  }

  add(at: number, fire: () => void): Deadline {
    const deadline: Deadline = { at, order: this.#order++, fire, live: true };
    this.#heap.push(deadline);
    this.#arm();
    return deadline;
  }

  remove(deadline: Deadline): void {
    deadline.live = false;
  }

  /** Disarms the timer and drops every deadline. */
  dispose(): void {
    this.#disposed = true;
    this.#disarm?.();
    this.#disarm = undefined;
    this.#heap.clear();
  }

  #arm(): void {
    if (this.#disposed) return;
    const next = this.#peekLive();
    if (next === undefined) return;
    if (this.#armedAt !== undefined && this.#armedAt <= next.at) return;
    this.#disarm?.();
    this.#armedAt = next.at;
    const delay = Math.max(0, next.at - this.clock.now());
    if (this.clock.setTimer !== undefined) {
      this.#disarm = this.clock.setTimer(delay, this.#onTimer, this.#options);
      return;
    }
    // A clock with `sleep` only: one `AbortController` per arming.
    const controller = new AbortController();
    const disarm = () => controller.abort(DISARMED);
    this.#disarm = disarm;
    this.clock.sleep(delay, controller.signal, this.#options).then(
      () => {
        if (this.#disarm === disarm) this.#onTimer();
      },
      () => {},
    );
  }

  readonly #onTimer = (): void => {
    this.#disarm = undefined;
    this.#armedAt = undefined;
    this.#fireDue();
  };

  #fireDue(): void {
    const now = this.clock.now();
    for (let next = this.#peekLive(); next !== undefined && next.at <= now; next = this.#peekLive()) {
      this.#heap.pop();
      next.live = false;
      next.fire();
    }
    this.#arm();
  }

  #peekLive(): Deadline | undefined {
    let top = this.#heap.peek();
    while (top !== undefined && !top.live) {
      this.#heap.pop();
      top = this.#heap.peek();
    }
    return top;
  }
}

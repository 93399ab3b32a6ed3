import type { CancelScope } from './cancel-scope.js';

/**
 * Counts concurrent holders. Waiters are served in arrival order; a waiter whose signal aborts
 * leaves the queue and rejects with the abort reason.
 */
export class Semaphore {
  #available: number;
  readonly #queue: { resolve: () => void; off: () => void }[] = [];

  constructor(permits: number) {
    this.#available = permits;
  }

  /** Takes a permit if one is free right now, without a promise (the common case). */
  tryAcquire(): boolean {
    if (this.#available <= 0) return false;
    this.#available--;
    return true;
  }

  acquire(scope: CancelScope): Promise<void> {
    if (scope.aborted) return Promise.reject(scope.error());
    if (this.#available > 0) {
      this.#available--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve,
        off: scope.onAbort(() => {
          const index = this.#queue.indexOf(entry);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(scope.error());
        }),
      };
      this.#queue.push(entry);
    });
  }

  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.#available++;
      return;
    }
    next.off();
    next.resolve();
  }
}

import { abortError } from './abort.js';

/**
 * Counts concurrent holders. Waiters are served in arrival order; a waiter whose signal aborts
 * leaves the queue and rejects with the abort reason.
 */
export class Semaphore {
  #available: number;
  readonly #queue: { resolve: () => void; signal: AbortSignal; onAbort: () => void }[] = [];

  constructor(permits: number) {
    this.#available = permits;
  }

  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (this.#available > 0) {
      this.#available--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(entry);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(abortError(signal));
        },
      };
      signal.addEventListener('abort', entry.onAbort, { once: true });
      this.#queue.push(entry);
    });
  }

  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.#available++;
      return;
    }
    next.signal.removeEventListener('abort', next.onAbort);
    next.resolve();
  }
}

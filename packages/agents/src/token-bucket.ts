import type { Clock } from '@openworkflow/core';

/**
 * A token bucket refilled continuously at `perMinute` tokens per minute on an injected clock, up to
 * `perMinute` tokens. `take` waits (on the clock) until enough tokens are there; `charge` takes
 * tokens after the fact and may leave the bucket in debt, which later `take`s wait out — that is how
 * a tokens-per-minute limit works when the cost of a call is known only after it.
 */
export class TokenBucket {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #updatedAt: number;

  constructor(perMinute: number, clock: Clock) {
    this.#clock = clock;
    this.#capacity = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#tokens = perMinute;
    this.#updatedAt = clock.now();
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
  }

  /** Tokens available now (negative while in debt). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Waits until `count` tokens (at most the capacity) are available, then takes them. Returns the
   * milliseconds waited. Rejects with the signal's reason when it aborts.
   */
  async take(count: number, signal?: AbortSignal): Promise<number> {
    const needed = Math.min(count, this.#capacity);
    let waited = 0;
    for (;;) {
      this.#refill();
      if (this.#tokens >= needed) {
        this.#tokens -= count;
        return waited;
      }
      const delay = Math.max(1, Math.ceil((needed - this.#tokens) / this.#perMs));
      await this.#clock.sleep(delay, signal);
      waited += delay;
    }
  }

  /** Takes `count` tokens without waiting (the bucket may go into debt). */
  charge(count: number): void {
    this.#refill();
    this.#tokens -= count;
  }
}

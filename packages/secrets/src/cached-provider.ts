import { DEFAULT_CACHE_TTL_MS, MAX_CACHE_ENTRIES } from './limits.js';
import { readSecret, type SecretRequestContext, type SecretsProvider } from './provider.js';

/** A source of the current time in epoch milliseconds (the engine's `Clock` fits). */
export interface TimeSource {
  now(): number;
}

export interface CachedSecretsProviderOptions {
  /** How long a value is served from the cache. Default 5 minutes. */
  readonly ttlMs?: number;
  /** How long "not found" is remembered. Default 0: misses are asked again every time. */
  readonly missTtlMs?: number;
  /** Default: the system clock. Tests pass a fake one. */
  readonly clock?: TimeSource;
}

interface Entry {
  readonly value: string | undefined;
  readonly expires: number;
}

const systemTime: TimeSource = { now: () => Date.now() };

/**
 * Serves values of a slower provider from memory for `ttlMs`. Concurrent reads of the same name
 * share one request; failures are never cached (the next read asks again). Values are cached by
 * name only, so wrap providers whose answer does not depend on the request context.
 *
 * @example
 * const secrets = new CachedSecretsProvider(vault, { ttlMs: 60_000 });
 */
export class CachedSecretsProvider implements SecretsProvider {
  readonly #provider: SecretsProvider;
  readonly #ttl: number;
  readonly #missTtl: number;
  readonly #clock: TimeSource;
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<string | undefined>>();

  constructor(provider: SecretsProvider, options: CachedSecretsProviderOptions = {}) {
    this.#provider = provider;
    this.#ttl = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.#missTtl = options.missTtlMs ?? 0;
    this.#clock = options.clock ?? systemTime;
  }

  async get(name: string, context?: SecretRequestContext): Promise<string | undefined> {
    const entry = this.#entries.get(name);
    if (entry !== undefined && entry.expires > this.#clock.now()) return entry.value;
    const pending = this.#pending.get(name);
    if (pending !== undefined) return pending;
    const reading = readSecret(this.#provider, name, context).then(
      (value) => {
        this.#pending.delete(name);
        const ttl = value === undefined ? this.#missTtl : this.#ttl;
        if (ttl > 0) this.#store(name, { value, expires: this.#clock.now() + ttl });
        else this.#entries.delete(name);
        return value;
      },
      (error: unknown) => {
        this.#pending.delete(name);
        throw error;
      },
    );
    this.#pending.set(name, reading);
    return reading;
  }

  list(): readonly string[] | Promise<readonly string[]> {
    return this.#provider.list?.() ?? [];
  }

  /** Drops one name, or everything (after a rotation). */
  invalidate(name?: string): void {
    if (name === undefined) this.#entries.clear();
    else this.#entries.delete(name);
  }

  #store(name: string, entry: Entry): void {
    this.#entries.delete(name);
    if (this.#entries.size >= MAX_CACHE_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(name, entry);
  }
}

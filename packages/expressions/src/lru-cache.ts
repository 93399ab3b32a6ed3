/**
 * A bounded least-recently-used cache on top of `Map` insertion order. Compiled templates are
 * cached by their source text so the same string in a loop or a retried step compiles once.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  /** The most recently used key: hits on it skip the re-insertion that keeps LRU order. */
  private newest: K | undefined;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, value);
      this.newest = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.newest = undefined;
  }
}

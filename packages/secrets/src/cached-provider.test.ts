import { describe, expect, it } from 'vitest';
import { CachedSecretsProvider, type TimeSource } from './cached-provider.js';
import type { SecretsProvider } from './provider.js';

class FakeTime implements TimeSource {
  current = 1_000_000;
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

function countingProvider(values: Record<string, string>) {
  const calls: string[] = [];
  let failNext = false;
  const provider: SecretsProvider & { calls: string[]; failOnce(): void; values: Record<string, string> } = {
    calls,
    values,
    failOnce() {
      failNext = true;
    },
    async get(name) {
      calls.push(name);
      if (failNext) {
        failNext = false;
        throw new Error('store down');
      }
      return values[name];
    },
  };
  return provider;
}

describe('CachedSecretsProvider with a fake clock', () => {
  it('serves a value until its TTL expires, then asks again (rotation is picked up)', async () => {
    const time = new FakeTime();
    const inner = countingProvider({ A: 'v1-value' });
    const cache = new CachedSecretsProvider(inner, { ttlMs: 60_000, clock: time });
    expect(await cache.get('A')).toBe('v1-value');
    inner.values.A = 'v2-value';
    time.advance(59_999);
    expect(await cache.get('A')).toBe('v1-value');
    time.advance(1);
    expect(await cache.get('A')).toBe('v2-value');
    expect(inner.calls).toEqual(['A', 'A']);
  });

  it('shares one request between concurrent reads', async () => {
    const inner = countingProvider({ A: 'value-a' });
    const cache = new CachedSecretsProvider(inner, { clock: new FakeTime() });
    const values = await Promise.all([cache.get('A'), cache.get('A'), cache.get('A')]);
    expect(values).toEqual(['value-a', 'value-a', 'value-a']);
    expect(inner.calls).toEqual(['A']);
  });

  it('never caches failures, and caches misses only with missTtlMs', async () => {
    const time = new FakeTime();
    const inner = countingProvider({});
    const cache = new CachedSecretsProvider(inner, { clock: time });
    inner.failOnce();
    await expect(cache.get('A')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await cache.get('A')).toBeUndefined();
    expect(await cache.get('A')).toBeUndefined();
    expect(inner.calls).toEqual(['A', 'A', 'A']);

    const remembering = new CachedSecretsProvider(inner, { clock: time, missTtlMs: 1_000 });
    await remembering.get('B');
    await remembering.get('B');
    time.advance(1_000);
    await remembering.get('B');
    expect(inner.calls.filter((name) => name === 'B')).toHaveLength(2);
  });

  it('forgets one name or everything on invalidate', async () => {
    const inner = countingProvider({ A: 'value-a', B: 'value-b' });
    const cache = new CachedSecretsProvider(inner, { clock: new FakeTime() });
    await cache.get('A');
    await cache.get('B');
    cache.invalidate('A');
    await cache.get('A');
    await cache.get('B');
    cache.invalidate();
    await cache.get('B');
    expect(inner.calls).toEqual(['A', 'B', 'A', 'B']);
  });
});

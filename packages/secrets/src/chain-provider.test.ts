import { describe, expect, it } from 'vitest';
import { ChainSecretsProvider } from './chain-provider.js';
import { EnvSecretsProvider } from './env-provider.js';

describe('ChainSecretsProvider', () => {
  const primary = new EnvSecretsProvider({ env: { A: 'a-primary', SHARED: 'shared-primary' } });
  const fallback = new EnvSecretsProvider({ env: { B: 'b-fallback', SHARED: 'shared-fallback' } });

  it('returns the first value found, in order', async () => {
    const chain = new ChainSecretsProvider([primary, fallback]);
    expect(await chain.get('SHARED')).toBe('shared-primary');
    expect(await chain.get('B')).toBe('b-fallback');
    expect(await chain.get('C')).toBeUndefined();
    expect(await chain.list()).toEqual(['A', 'SHARED', 'B']);
  });

  it('stops at a failing provider instead of serving a fallback value', async () => {
    const asked: string[] = [];
    const down = {
      get(name: string) {
        asked.push(name);
        throw new Error('connection refused');
      },
    };
    const chain = new ChainSecretsProvider([down, fallback]);
    await expect(chain.get('B')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(asked).toEqual(['B']);
  });
});

import { describe, expect, it } from 'vitest';
import { EnvSecretsProvider } from './env-provider.js';
import { listSecrets, readSecret, type SecretsProvider } from './provider.js';
import { Secret } from './secret.js';

// The seed SDK contract's example, transcribed to JavaScript unchanged: an object with `get`.
class CustomSecrets {
  get(key: string) {
    // Fetch from your secrets backend
    return key === 'unknown' ? undefined : 'secret_value';
  }
}

describe('custom providers', () => {
  it("work unchanged when they have only a synchronous get (the seed's CustomSecrets)", async () => {
    expect(await readSecret(new CustomSecrets(), 'GITHUB_TOKEN')).toBe('secret_value');
    expect(await readSecret(new CustomSecrets(), 'unknown')).toBeUndefined();
    expect(await listSecrets(new CustomSecrets())).toEqual([]);
  });

  it('may be asynchronous, return Secret instances or null, and receive the request context', async () => {
    const seen: unknown[] = [];
    const provider: SecretsProvider = {
      async get(name, context) {
        seen.push(context);
        return name === 'WRAPPED' ? new Secret(name, 'wrapped-value') : null;
      },
    };
    expect(await readSecret(provider, 'WRAPPED', { runId: 'r1', workflowName: 'w' })).toBe('wrapped-value');
    expect(await readSecret(provider, 'OTHER')).toBeUndefined();
    expect(seen).toEqual([{ runId: 'r1', workflowName: 'w' }, {}]);
  });

  it('rejects values that are not strings and classifies unexpected failures as UNAVAILABLE', async () => {
    await expect(readSecret({ get: () => 42 as unknown as string }, 'N')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      readSecret({ get: () => Promise.reject(new TypeError('socket hang up')) }, 'N'),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { secret_name: 'N', error_type: 'TypeError' } });
  });
});

describe('EnvSecretsProvider', () => {
  const env = { GITHUB_TOKEN: 'ghp_env', EMPTY: '', OW_SECRET_DB: 'db-env', OW_SECRET_: 'nameless' };

  it('reads an injected environment; empty and absent variables are missing', () => {
    const provider = new EnvSecretsProvider({ env });
    expect(provider.get('GITHUB_TOKEN')).toBe('ghp_env');
    expect(provider.get('EMPTY')).toBeUndefined();
    expect(provider.get('toString')).toBeUndefined();
    expect(provider.list()).toEqual(['GITHUB_TOKEN', 'OW_SECRET_DB', 'OW_SECRET_']);
  });

  it('applies a prefix', () => {
    const provider = new EnvSecretsProvider({ env, prefix: 'OW_SECRET_' });
    expect(provider.get('DB')).toBe('db-env');
    expect(provider.get('GITHUB_TOKEN')).toBeUndefined();
    expect(provider.list()).toEqual(['DB']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultServer, type VaultServer } from '../test/vault-server.js';
import { readSecret } from './provider.js';
import { VaultSecretsProvider } from './vault-provider.js';

const TOKEN = 'hvs.test-token-123';
let vault: VaultServer;

beforeAll(async () => {
  vault = await startVaultServer(TOKEN, {
    secret: {
      'openworkflow/prod': { GITHUB_TOKEN: 'ghp_from_vault', DB_PASSWORD: 'db-pass-1', PORT: 5432 },
      'apps/mailer': { value: 'smtp-pass-9' },
      'team a/key': { value: 'spaced-path' },
    },
    kv: { 'other/doc': { API_KEY: 'from-other-mount' } },
  });
});
afterAll(() => vault.close());

describe('VaultSecretsProvider against a loopback KV v2 server', () => {
  it('reads fields of a configured document with the token header', async () => {
    const provider = new VaultSecretsProvider({
      address: vault.url,
      token: TOKEN,
      path: 'openworkflow/prod',
    });
    expect(await provider.get('GITHUB_TOKEN')).toBe('ghp_from_vault');
    expect(await provider.get('MISSING')).toBeUndefined();
    expect(await provider.list()).toEqual(['GITHUB_TOKEN', 'DB_PASSWORD', 'PORT']);
    const last = vault.requests.at(-1)!;
    expect(last.url).toBe('/v1/secret/data/openworkflow/prod');
    expect(last.headers['x-vault-token']).toBe(TOKEN);
  });

  it('reads a path per name (field `value`), path#field names, other mounts and namespaces', async () => {
    const provider = new VaultSecretsProvider({
      address: `${vault.url}/`,
      token: () => Promise.resolve(TOKEN),
      namespace: 'ns1',
    });
    expect(await provider.get('apps/mailer')).toBe('smtp-pass-9');
    expect(vault.requests.at(-1)!.headers['x-vault-namespace']).toBe('ns1');
    expect(await provider.get('openworkflow/prod#DB_PASSWORD')).toBe('db-pass-1');
    expect(await provider.get('team a/key')).toBe('spaced-path');
    expect(vault.requests.at(-1)!.url).toBe('/v1/secret/data/team%20a/key');
    expect(await provider.get('nowhere/at/all')).toBeUndefined();
    const other = new VaultSecretsProvider({
      address: vault.url,
      token: TOKEN,
      mount: 'kv',
      path: 'other/doc',
    });
    expect(await other.get('API_KEY')).toBe('from-other-mount');
    expect(await provider.list()).toEqual(['openworkflow/', 'apps/', 'team a/']);
  });

  it('classifies refusals, outages and bad values without echoing the token', async () => {
    const wrong = new VaultSecretsProvider({ address: vault.url, token: 'wrong', path: 'openworkflow/prod' });
    await expect(wrong.get('GITHUB_TOKEN')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const provider = new VaultSecretsProvider({
      address: vault.url,
      token: TOKEN,
      path: 'openworkflow/prod',
    });
    await expect(provider.get('PORT')).rejects.toMatchObject({ code: 'VALIDATION' });
    vault.sealed = true;
    try {
      const failure = await provider.get('GITHUB_TOKEN').catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'UNAVAILABLE', details: { status: 503 } });
      expect(JSON.stringify(failure)).not.toContain(TOKEN);
    } finally {
      vault.sealed = false;
    }
    const closed = new VaultSecretsProvider({
      address: 'http://127.0.0.1:1',
      token: TOKEN,
      timeoutMs: 2_000,
    });
    await expect(readSecret(closed, 'x/y')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses dot segments, so a name cannot reach another Vault endpoint', async () => {
    const provider = new VaultSecretsProvider({ address: vault.url, token: TOKEN });
    const before = vault.requests.length;
    await expect(provider.get('../../sys/seal-status#sealed')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(vault.requests.length).toBe(before);
  });
});

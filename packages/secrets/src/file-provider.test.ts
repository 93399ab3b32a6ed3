import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretsProvider } from './file-provider.js';
import { MAX_SECRETS_FILE_BYTES } from './limits.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ow-secrets-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('FileSecretsProvider with real files', () => {
  it('reads a dotenv file: quotes, export, comments, multi-line values', async () => {
    const path = join(dir, '.secrets.env');
    await writeFile(
      path,
      [
        '# production secrets',
        'GITHUB_TOKEN=ghp_file',
        'export DB_PASSWORD="p@ss word"',
        "SINGLE='it''s'",
        'PEM="-----BEGIN KEY-----',
        'abcdef',
        '-----END KEY-----"',
        'TRAILING=value # comment',
      ].join('\n'),
    );
    const provider = new FileSecretsProvider({ path });
    expect(await provider.get('GITHUB_TOKEN')).toBe('ghp_file');
    expect(await provider.get('DB_PASSWORD')).toBe('p@ss word');
    expect(await provider.get('PEM')).toBe('-----BEGIN KEY-----\nabcdef\n-----END KEY-----');
    expect(await provider.get('TRAILING')).toBe('value');
    expect(await provider.get('NOPE')).toBeUndefined();
    expect(await provider.list()).toContain('PEM');
  });

  it('reads a JSON file and re-reads it on reload', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, JSON.stringify({ API_KEY: 'v1-key' }));
    const provider = new FileSecretsProvider({ path });
    expect(await provider.get('API_KEY')).toBe('v1-key');
    await writeFile(path, JSON.stringify({ API_KEY: 'v2-key' }));
    expect(await provider.get('API_KEY')).toBe('v1-key');
    provider.reload();
    expect(await provider.get('API_KEY')).toBe('v2-key');
  });

  it('reports bad files by name and pointer, never quoting their content', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"API_KEY": "leaky-value" oops}');
    const failure = await new FileSecretsProvider({ path: broken })
      .get('API_KEY')
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'VALIDATION', details: { file: broken } });
    expect(JSON.stringify(failure)).not.toContain('leaky-value');

    const typed = join(dir, 'typed.json');
    await writeFile(typed, JSON.stringify({ 'a/b': 5 }));
    await expect(new FileSecretsProvider({ path: typed }).get('x')).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { pointer: '/a~1b' },
    });
    await writeFile(typed, '[1]');
    await expect(new FileSecretsProvider({ path: typed }).get('x')).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    await expect(new FileSecretsProvider({ path: join(dir, 'absent.env') }).get('x')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { error_code: 'ENOENT' },
    });

    const big = join(dir, 'big.env');
    await writeFile(big, `A=${'x'.repeat(MAX_SECRETS_FILE_BYTES)}`);
    await expect(new FileSecretsProvider({ path: big, format: 'dotenv' }).get('A')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('tries again after a failed read (the file may appear later)', async () => {
    const path = join(dir, 'later.env');
    const provider = new FileSecretsProvider({ path });
    await expect(provider.get('A')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await writeFile(path, 'A=appeared');
    expect(await provider.get('A')).toBe('appeared');
  });
});

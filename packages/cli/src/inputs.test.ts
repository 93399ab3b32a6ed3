import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test/helpers.js';
import { UsageError } from './args.js';
import { collectEnvironment, collectInputs, InputFileError, parseInputValue } from './inputs.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await temporaryDirectory();
  await writeFile(join(dir.path, 'inputs.json'), JSON.stringify({ city: 'Oslo', days: 3, tags: ['a'] }));
  await writeFile(join(dir.path, 'list.json'), '[1, 2]');
  await writeFile(join(dir.path, 'bad.json'), '{ city: Oslo }');
});
afterAll(() => dir.remove());

describe('run inputs', () => {
  it('parses values as JSON when they are JSON, as text otherwise', () => {
    expect(parseInputValue('3')).toBe(3);
    expect(parseInputValue('true')).toBe(true);
    expect(parseInputValue('["a","b"]')).toEqual(['a', 'b']);
    expect(parseInputValue('"7"')).toBe('7');
    expect(parseInputValue('New York')).toBe('New York');
    expect(parseInputValue('')).toBe('');
  });

  it('applies --input pairs over the --input-file object, in order', async () => {
    const inputs = await collectInputs(
      ['days=5', 'city=Bergen', 'days=6', 'note=a=b'],
      'inputs.json',
      dir.path,
    );
    expect({ ...inputs }).toEqual({ city: 'Bergen', days: 6, tags: ['a'], note: 'a=b' });
  });

  it('rejects malformed pairs as usage errors and bad files as VALIDATION', async () => {
    await expect(collectInputs(['city'], undefined, dir.path)).rejects.toBeInstanceOf(UsageError);
    await expect(collectInputs(['=x'], undefined, dir.path)).rejects.toBeInstanceOf(UsageError);
    await expect(collectInputs(['__proto__={"polluted":1}'], undefined, dir.path)).rejects.toThrow(
      'not allowed',
    );
    await expect(collectInputs([], 'list.json', dir.path)).rejects.toThrow('must hold a JSON object');
    await expect(collectInputs([], 'bad.json', dir.path)).rejects.toThrow(/not valid JSON/);
    const missing = collectInputs([], 'missing.json', dir.path);
    await expect(missing).rejects.toBeInstanceOf(InputFileError);
    await expect(missing).rejects.toThrow('cannot read missing.json (ENOENT)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('run environment', () => {
  it('passes named variables, sets NAME=value, and nothing else', () => {
    const env = collectEnvironment(['HOME_CITY', 'MODE=test', 'EMPTY='], { HOME_CITY: 'Oslo', SECRET: 'x' });
    expect({ ...env }).toEqual({ HOME_CITY: 'Oslo', MODE: 'test', EMPTY: '' });
    expect(collectEnvironment([], { SECRET: 'x' })).toEqual({});
  });

  it('rejects unset variables and bad names as usage errors', () => {
    expect(() => collectEnvironment(['MISSING'], {})).toThrow('--env MISSING: the variable is not set');
    expect(() => collectEnvironment(['1BAD=x'], {})).toThrow(UsageError);
    expect(() => collectEnvironment(['=x'], {})).toThrow(UsageError);
  });
});

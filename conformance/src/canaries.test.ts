import { describe, expect, it } from 'vitest';
import { createCanaries, findLeak } from './canaries.js';
import { createRandom } from './random.js';

const secret = 'owc-canary-api_key-0123456789abcdef';

describe('canaries', () => {
  it('gives one value per name and a fresh value per case run', () => {
    const first = createCanaries(createRandom(1));
    expect(first.get('a')).toBe(first.get('a'));
    expect(first.get('a')).not.toBe(first.get('b'));
    expect(createCanaries(createRandom(2)).get('a')).not.toBe(first.get('a'));
    expect(createCanaries(createRandom(1)).get('a')).toBe(first.get('a'));
  });

  it('finds a secret verbatim, URL-encoded, hex-encoded and base64-encoded at any offset', () => {
    expect(findLeak(secret, { events: `{"msg":"key=${secret}"}` })).toEqual({
      surface: 'events',
      form: 'verbatim',
    });
    expect(findLeak(secret, { log: Buffer.from(secret).toString('hex') })?.form).toBe('hex');
    for (const prefix of ['', 'a', 'ab', 'abc', 'Authorization: Basic ']) {
      const encoded = Buffer.from(`${prefix}${secret}:x`).toString('base64');
      expect(findLeak(secret, { stderr: encoded }), prefix).toMatchObject({ surface: 'stderr' });
      const url = Buffer.from(`${prefix}${secret}`).toString('base64url');
      expect(findLeak(secret, { result: url }), prefix).toBeDefined();
    }
  });

  it('does not report text that merely resembles the secret', () => {
    expect(
      findLeak(secret, { events: 'owc-canary-api_key-0123456789abcdee', stderr: '***REDACTED***' }),
    ).toBe(undefined);
  });
});

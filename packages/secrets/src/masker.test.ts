import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secretVariants } from './encodings.js';
import { findSecretLeaks } from './leak-scan.js';
import { MIN_SECRET_LENGTH } from './limits.js';
import { SecretMasker } from './masker.js';
import { PatternMatcher } from './pattern-matcher.js';

const CANARY = `sk-CANARY-7f3a"9\\b'x<&>/ü+=`;

function maskerWith(entries: Record<string, string>): SecretMasker {
  const masker = new SecretMasker();
  for (const [name, value] of Object.entries(entries)) masker.add(name, value);
  return masker;
}

describe('SecretMasker', () => {
  it('SEC-1: a secret printed by a handler is replaced by its placeholder', () => {
    const masker = maskerWith({ API_KEY: 'sk-live-123456' });
    expect(masker.mask('calling with sk-live-123456 now')).toBe('calling with [REDACTED:API_KEY] now');
  });

  it('SEC-2: every line of a multi-line PEM secret is masked, alone or together', () => {
    const pem = [
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      'q1w2e3r4t5y6u7i8o9p0AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH',
      '-----END PRIVATE KEY-----',
    ].join('\n');
    const masker = maskerWith({ TLS_KEY: pem });
    const printed = `key:\n${pem}\nsecond line alone: ${pem.split('\n')[2]}\r\nwindows: ${pem.replaceAll('\n', '\r\n')}`;
    const masked = masker.mask(printed);
    expect(findSecretLeaks(masked, pem)).toEqual([]);
    for (const line of pem.split('\n')) expect(masked).not.toContain(line);
  });

  it('SEC-3: base64 at offsets 0/1/2, base64url, JSON, URL, XML and shell forms are all masked', () => {
    const masker = maskerWith({ CANARY });
    const bytes = Buffer.from(CANARY, 'utf8');
    const forms = [
      bytes.toString('base64'),
      Buffer.concat([Buffer.from('u'), bytes]).toString('base64'),
      Buffer.concat([Buffer.from('us'), bytes]).toString('base64'),
      Buffer.from(`user:${CANARY}`).toString('base64'),
      Buffer.from(`user:${CANARY}`).toString('base64url'),
      Buffer.concat([Buffer.from('x'), bytes, Buffer.from('tail')]).toString('base64url'),
      JSON.stringify({ token: CANARY }),
      JSON.stringify(JSON.stringify({ token: CANARY })),
      `https://api.example/?key=${encodeURIComponent(CANARY)}`,
      new URLSearchParams({ key: CANARY }).toString(),
      `<token>${CANARY.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll("'", '&apos;').replaceAll('"', '&quot;')}</token>`,
      `curl -H 'Authorization: ${CANARY.replaceAll("'", "'\\''")}'`,
      `echo "${CANARY.replace(/["\\$`]/g, '\\$&')}"`,
    ];
    for (const form of forms) {
      // Each form, on its own, really does carry the canary.
      expect(findSecretLeaks(form, CANARY), form).not.toEqual([]);
      const masked = masker.mask(form);
      expect(findSecretLeaks(masked, CANARY), `${form} → ${masked}`).toEqual([]);
      expect(masked).toContain('[REDACTED:CANARY]');
    }
  });

  it('SEC-4: a secret split across chunks is masked by the stream masker', () => {
    const masker = maskerWith({ TOKEN: 'tok-abcdefghijklmnop' });
    const stream = masker.stream();
    const out = [
      stream.write('first tok-abcdef'),
      stream.write('ghijklm'),
      stream.write('nop done'),
      stream.end(),
    ].join('');
    expect(out).toBe('first [REDACTED:TOKEN] done');
  });

  it('stream masking equals masking the whole text, for any chunking', () => {
    const masker = maskerWith({
      A: 'abcabd',
      B: 'bcdbcd',
      C: Buffer.from('xyzzy-secret').toString('base64'),
    });
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'abcabd', 'bcdbcd', 'x', ' '), {
      maxLength: 40,
    });
    fc.assert(
      fc.property(text, fc.array(fc.nat(60), { maxLength: 6 }), (parts, cuts) => {
        const whole = parts.join('');
        const positions = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b);
        const stream = masker.stream();
        let out = '';
        let from = 0;
        for (const position of positions) {
          out += stream.write(whole.slice(from, position));
          from = position;
        }
        out += stream.write(whole.slice(from)) + stream.end();
        expect(out).toBe(masker.mask(whole));
      }),
      { numRuns: 400 },
    );
  });

  it('prefilters long texts without missing anything, whatever characters the secrets hold', () => {
    const char = fc.constantFrom(
      'a',
      'b',
      '.',
      '*',
      '+',
      '?',
      '^',
      '$',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '|',
      '\\',
      '/',
      '-',
      '"',
    );
    const secret = fc
      .array(char, { minLength: MIN_SECRET_LENGTH, maxLength: 8 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        fc.array(char, { minLength: 60, maxLength: 120 }),
        fc.nat(),
        (secrets, chars, at) => {
          const masker = new SecretMasker();
          secrets.forEach((value, index) => {
            masker.add(`S${index}`, value);
          });
          const text = chars.join('');
          const planted = text.slice(0, at % text.length) + secrets[0] + text.slice(at % text.length);
          const expected = new PatternMatcher(secrets.flatMap((value) => secretVariants(value))).test(text);
          expect(masker.exposes(text)).toBe(expected);
          expect(masker.exposes(planted)).toBe(true);
          expect(masker.mask(planted)).toContain('[REDACTED:');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('masks a text found clean before, once a secret in it is registered', () => {
    const masker = new SecretMasker();
    masker.add('LONG', 'a-rather-long-secret-value');
    const id = 'request-0193a5b2-4c1d-7e8f';
    const short = 'tok9';
    // Seen clean (and remembered as such), several times over.
    for (let round = 0; round < 3; round++) {
      expect(masker.mask(id)).toBe(id);
      expect(masker.mask(short)).toBe(short);
    }
    masker.add('ID_PART', '0193a5b2');
    masker.add('SHORT', 'tok9');
    expect(masker.mask(id)).toBe('request-[REDACTED:ID_PART]-4c1d-7e8f');
    expect(masker.mask(short)).toBe('[REDACTED:SHORT]');
  });

  it('SEC-12: values shorter than the minimum are rejected without echoing them', () => {
    const masker = new SecretMasker();
    expect(() => masker.add('PIN', 'abc')).toThrowError(
      expect.objectContaining({ code: 'VALIDATION', message: expect.not.stringContaining('abc') }),
    );
    expect(masker.size).toBe(0);
    masker.add('PIN4', 'a'.repeat(MIN_SECRET_LENGTH));
    expect(masker.size).toBe(1);
  });

  it('is idempotent, even for a secret that looks like part of a placeholder', () => {
    const masker = maskerWith({ WORD: 'REDACTED', KEY: 'sk-abcdef' });
    const once = masker.mask('x REDACTED y sk-abcdef');
    expect(once).toBe('x [REDACTED:WORD] y [REDACTED:KEY]');
    expect(masker.mask(once)).toBe(once);
  });

  it('masks overlapping secrets as one span with no fragment left between', () => {
    const masker = maskerWith({ A: 'alpha-beta', B: 'beta-gamma' });
    expect(masker.mask('<alpha-beta-gamma>')).toBe('<[REDACTED:B]>');
  });

  it('names the secrets found, and reports nothing when none is registered', () => {
    const masker = new SecretMasker();
    expect(masker.mask('anything')).toBe('anything');
    expect(masker.exposes('anything')).toBe(false);
    masker.add('ONE', 'one-secret');
    masker.add('TWO', 'two-secret');
    expect(masker.namesIn('two-secret then one-secret')).toEqual(['TWO', 'ONE']);
    expect(masker.exposes(Buffer.from('one-secret').toString('base64'))).toBe(true);
  });

  it('keeps the first name of a value registered twice and counts generations', () => {
    const masker = new SecretMasker();
    masker.add('FIRST', 'same-value');
    const generation = masker.generation;
    masker.add('SECOND', 'same-value');
    expect(masker.generation).toBe(generation);
    expect(masker.mask('same-value')).toBe('[REDACTED:FIRST]');
  });
});

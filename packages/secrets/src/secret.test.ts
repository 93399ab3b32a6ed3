import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from './secret.js';

describe('Secret (SEC-9)', () => {
  const secret = new Secret('GITHUB_TOKEN', 'ghp_CANARY_0123456789');

  it('prints its placeholder through every stringification', () => {
    const forms = [
      String(secret),
      `${secret}`,
      `prefix ${secret}`,
      // biome-ignore lint/style/useTemplate: concatenation is one of the ways under test
      '' + secret,
      JSON.stringify({ secret }),
      JSON.stringify([secret]),
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 5, showHidden: true }),
      Object.prototype.toString.call(secret),
    ];
    for (const form of forms) expect(form).not.toContain('CANARY');
    expect(forms.slice(0, 3)).toEqual([
      '[REDACTED:GITHUB_TOKEN]',
      '[REDACTED:GITHUB_TOKEN]',
      'prefix [REDACTED:GITHUB_TOKEN]',
    ]);
  });

  it('prints its placeholder through console.log', () => {
    // Vitest replaces the global console, so use Node's own Console class on a captured stream.
    const writes: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString());
        done();
      },
    });
    const logger = new Console({ stdout: stream, stderr: stream });
    logger.log(secret);
    logger.log('%s and %o', secret, { secret });
    logger.error({ secret });
    const output = writes.join('');
    expect(output).toContain('[REDACTED:GITHUB_TOKEN]');
    expect(output).not.toContain('CANARY');
  });

  it('has no enumerable or own string property holding the value', () => {
    expect(Object.values(secret)).not.toContain('ghp_CANARY_0123456789');
    expect({ ...secret }).toEqual({ name: 'GITHUB_TOKEN' });
    expect(
      Object.getOwnPropertyNames(secret).map((name) => (secret as unknown as Record<string, unknown>)[name]),
    ).not.toContain('ghp_CANARY_0123456789');
  });

  it('reveals the value only on request and is recognised without instanceof', () => {
    expect(secret.reveal()).toBe('ghp_CANARY_0123456789');
    expect(Secret.is(secret)).toBe(true);
    expect(Secret.is({ name: 'x', reveal: () => 'y' })).toBe(false);
    expect(Object.isFrozen(secret)).toBe(true);
  });
});

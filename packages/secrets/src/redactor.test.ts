import { OpenWorkflowError } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { findSecretLeaks } from './leak-scan.js';
import { SecretMasker } from './masker.js';
import { DEFAULT_REDACTED_VALUE, Redactor } from './redactor.js';
import { Secret } from './secret.js';

const CANARY = 'sk-CANARY-0123456789';

function redactor(options: Partial<ConstructorParameters<typeof Redactor>[0]> = {}): Redactor {
  const masker = new SecretMasker();
  masker.add('API_KEY', CANARY);
  return new Redactor({ masker, ...options });
}

function stepEvent(data: Record<string, unknown>) {
  return {
    sequence: 7,
    type: 'step.failed',
    runId: 'run-1',
    stepId: 'call',
    path: 'loop[2]/call',
    attempt: 2,
    time: 1000,
    data,
    correlation_id: 'run-1',
    causation_id: 'run-1:6',
    request_id: 'req-1',
  };
}

describe('Redactor', () => {
  it('matches field names by their last words, case and separator insensitive', () => {
    const subject = redactor();
    for (const key of [
      'password',
      'dbPassword',
      'API_KEY',
      'apiKey',
      'x-api-key',
      'client_secret',
      'accessToken',
      'Authorization',
      'privateKey',
      'AWS_SECRET_ACCESS_KEY',
      'credentials',
    ]) {
      expect(subject.isSensitiveKey(key), key).toBe(true);
    }
    for (const key of [
      'key',
      'cache_key',
      'idempotencyKey',
      'token_count',
      'max_tokens',
      'keyword',
      'nextPageToken',
      'secret_name',
      'tokenizer',
      'monkey',
    ]) {
      expect(subject.isSensitiveKey(key), key).toBe(false);
    }
    expect(redactor({ keyPatterns: ['key'] }).isSensitiveKey('cache_key')).toBe(true);
    expect(redactor({ keyPatterns: false }).isSensitiveKey('password')).toBe(false);
  });

  it('redacts values under sensitive names, masks secret values everywhere, keeps null and booleans', () => {
    const value = {
      user: 'ada',
      password: 'hunter2-not-registered',
      nested: { list: [{ apiKey: 12345 }, `Bearer ${CANARY}`], has_token: true, refresh_token: null },
      [`key-${CANARY}`]: 'x',
    };
    expect(redactor().value(value)).toEqual({
      user: 'ada',
      password: DEFAULT_REDACTED_VALUE,
      nested: {
        list: [{ apiKey: DEFAULT_REDACTED_VALUE }, 'Bearer [REDACTED:API_KEY]'],
        has_token: true,
        refresh_token: null,
      },
      'key-[REDACTED:API_KEY]': 'x',
    });
    expect(redactor().value(value, { keys: false }).password).toBe('hunter2-not-registered');
  });

  it('returns the very same object when nothing needs redacting', () => {
    const value = { a: [1, 'two', { three: 3 }], b: null };
    expect(redactor().value(value)).toBe(value);
    const event = stepEvent({ kind: 'action', output: { ok: true } });
    expect(redactor().event(event)).toBe(event);
  });

  it('SEC-6: strips userinfo from every URL', () => {
    const subject = redactor();
    expect(subject.text('GET https://user:CANARY-pass@api.example.com/v1?q=1 failed')).toBe(
      'GET https://api.example.com/v1?q=1 failed',
    );
    expect(subject.text('postgres://admin:pw@db:5432/app and ftp://token@files')).toBe(
      'postgres://db:5432/app and ftp://files',
    );
    expect(subject.text('mail ada@example.com, see https://example.com/@ada')).toBe(
      'mail ada@example.com, see https://example.com/@ada',
    );
    expect(redactor({ stripUrlCredentials: false }).text('https://u:p@h/')).toBe('https://u:p@h/');
  });

  it('redacts an event at write time and keeps the envelope the engine relies on', () => {
    const event = stepEvent({
      kind: 'action',
      idempotencyKey: 'run-1:loop[2]/call',
      output: { token: 'ephemeral-value', echo: CANARY },
      error: {
        code: 'BACKEND_ERROR',
        message: `401 {"error":"invalid key ${CANARY}"} from https://bot:${CANARY}@api.example/`,
        details: { authorization: `Bearer ${CANARY}`, status: 401 },
      },
    });
    const redacted = redactor().event(event);
    for (const field of ['sequence', 'type', 'runId', 'path', 'attempt', 'time', 'correlation_id'] as const) {
      expect(redacted[field]).toBe(event[field]);
    }
    expect(redacted.data.idempotencyKey).toBe('run-1:loop[2]/call');
    expect(redacted.data.output).toEqual({ token: DEFAULT_REDACTED_VALUE, echo: '[REDACTED:API_KEY]' });
    expect(findSecretLeaks(JSON.stringify(redacted), CANARY)).toEqual([]);
    expect(JSON.stringify(redacted)).not.toContain('ephemeral-value');
    // The original is untouched (the hook is pure).
    expect(JSON.stringify(event)).toContain(CANARY);
  });

  it('SEC-5: error envelopes and error copies carry no secret in message, details or stack', () => {
    const thrown = new OpenWorkflowError('BACKEND_ERROR', `401 {"error":"invalid key ${CANARY}"}`, {
      details: { body: `{"error":"invalid key ${CANARY}"}`, api_key: 'unregistered-but-named' },
      cause: new Error(CANARY),
    });
    const subject = redactor();
    const envelope = subject.envelope(thrown);
    expect(envelope).toEqual({
      status: 'error',
      code: 'BACKEND_ERROR',
      message: '401 {"error":"invalid key [REDACTED:API_KEY]"}',
      details: { body: '{"error":"invalid key [REDACTED:API_KEY]"}', api_key: DEFAULT_REDACTED_VALUE },
    });
    const copy = subject.error(thrown);
    expect(OpenWorkflowError.is(copy)).toBe(true);
    expect(copy.cause).toBeUndefined();
    expect(`${copy.message}\n${copy.stack}\n${JSON.stringify(copy)}`).not.toContain('CANARY');
    expect(subject.envelope(new TypeError(`bad ${CANARY}`))).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'bad [REDACTED:API_KEY]',
    });
    expect(subject.error('plain string').message).toBe('plain string');
  });

  it('turns Secret instances and errors inside values into safe records', () => {
    const value = { secret: new Secret('DB', 'db-password-1'), failure: new RangeError(`oops ${CANARY}`) };
    expect(redactor().value(value)).toEqual({
      secret: '[REDACTED:DB]',
      failure: { name: 'RangeError', message: 'oops [REDACTED:API_KEY]' },
    });
  });
});

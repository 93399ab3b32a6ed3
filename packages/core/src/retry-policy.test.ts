import { describe, expect, it } from 'vitest';
import { OpenWorkflowError } from './errors.js';
import { backoffDelay, isRetryable } from './retry-policy.js';

const half = () => 0.5;

describe('backoffDelay', () => {
  it('follows the fixed, linear and exponential formulas', () => {
    const base = { maxAttempts: 5, initialDelayMs: 100 } as const;
    expect([1, 2, 3].map((n) => backoffDelay({ ...base, backoff: 'fixed' }, n, half))).toEqual([
      100, 100, 100,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay({ ...base, backoff: 'linear' }, n, half))).toEqual([
      100, 200, 300,
    ]);
    expect(
      [1, 2, 3].map((n) => backoffDelay({ ...base, backoff: 'exponential', backoffFactor: 3 }, n, half)),
    ).toEqual([100, 300, 900]);
  });

  it('defaults to 1 s initial delay, factor 2 and a 30 s cap', () => {
    const policy = { maxAttempts: 9, backoff: 'exponential' } as const;
    expect([1, 2, 3, 6].map((n) => backoffDelay(policy, n, half))).toEqual([1000, 2000, 4000, 30_000]);
    expect(backoffDelay({ ...policy, maxDelayMs: 1500 }, 3, half)).toBe(1500);
  });

  it('reads a factor below 1 as the base delay in seconds', () => {
    const policy = { maxAttempts: 4, backoff: 'exponential', backoffFactor: 0.5 } as const;
    expect([1, 2, 3].map((n) => backoffDelay(policy, n, half))).toEqual([500, 1000, 2000]);
  });

  it('jitters within [delay/2, delay] using the injected random source', () => {
    const policy = { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 1000, jitter: true } as const;
    expect(backoffDelay(policy, 1, () => 0)).toBe(500);
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(1000);
  });
});

describe('isRetryable', () => {
  const error = (code: string, details = {}) => new OpenWorkflowError(code, 'x', { details });

  it('uses the code table without retryOn', () => {
    const policy = { maxAttempts: 3, backoff: 'fixed' } as const;
    expect(isRetryable(error('TIMEOUT'), policy)).toBe(true);
    expect(isRetryable(error('BACKEND_ERROR'), policy)).toBe(true);
    expect(isRetryable(error('VALIDATION'), policy)).toBe(false);
    expect(isRetryable(error('APPROVAL_REJECTED'), policy)).toBe(false);
  });

  it('matches retryOn case-insensitively with aliases, and connector codes', () => {
    const policy = {
      maxAttempts: 3,
      backoff: 'fixed',
      retryOn: ['rate_limit', 'Timeout', 'USER_NOT_FOUND'],
    } as const;
    expect(isRetryable(error('RATE_LIMITED'), policy)).toBe(true);
    expect(isRetryable(error('TIMEOUT'), policy)).toBe(true);
    expect(isRetryable(error('UNAVAILABLE'), policy)).toBe(false);
    expect(isRetryable(error('BACKEND_ERROR', { connector_code: 'USER_NOT_FOUND' }), policy)).toBe(true);
  });

  it('never retries CANCELED', () => {
    expect(isRetryable(error('CANCELED'), { maxAttempts: 3, backoff: 'fixed', retryOn: ['CANCELED'] })).toBe(
      false,
    );
  });
});

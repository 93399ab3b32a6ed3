import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, hasDefaultParseLimits, resolveLimits } from './limits.js';

describe('limits', () => {
  it('uses the frozen defaults when nothing is overridden', () => {
    expect(resolveLimits(undefined)).toBe(DEFAULT_LIMITS);
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
    expect(DEFAULT_LIMITS.maxExpressionLength).toBe(21_000);
    expect(DEFAULT_LIMITS.maxDepth).toBe(50);
    expect(DEFAULT_LIMITS.maxNodes).toBe(5_000);
    expect(DEFAULT_LIMITS.maxOutputBytes).toBe(1024 * 1024);
    expect(DEFAULT_LIMITS.maxDocumentBytes).toBe(10 * 1024 * 1024);
  });

  it('merges overrides and tells parse-relevant ones apart', () => {
    const relaxed = resolveLimits({ maxSteps: 5 });
    expect(relaxed.maxSteps).toBe(5);
    expect(relaxed.maxDepth).toBe(50);
    expect(hasDefaultParseLimits(relaxed)).toBe(true);
    expect(hasDefaultParseLimits(resolveLimits({ maxDepth: 10 }))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  isErrorCode,
  normalizeErrorCode,
  OpenWorkflowError,
  toOpenWorkflowError,
} from './errors.js';

describe('error taxonomy', () => {
  it('holds the six standard codes and marks the extensions', () => {
    const standard = Object.entries(ERROR_CODES)
      .filter(([, info]) => info.standard)
      .map(([code]) => code)
      .sort();
    expect(standard).toEqual([
      'BACKEND_ERROR',
      'CANCELED',
      'INTERNAL_ERROR',
      'TIMEOUT',
      'UNAVAILABLE',
      'VALIDATION',
    ]);
    expect(ERROR_CODES.RATE_LIMITED.standard).toBe(false);
  });

  it('normalises retryOn spellings to canonical codes', () => {
    expect(normalizeErrorCode('timeout')).toBe('TIMEOUT');
    expect(normalizeErrorCode('rate_limit')).toBe('RATE_LIMITED');
    expect(normalizeErrorCode(' Backend-Error ')).toBe('BACKEND_ERROR');
    expect(normalizeErrorCode('cancelled')).toBe('CANCELED');
    expect(normalizeErrorCode('user_not_found')).toBe('USER_NOT_FOUND');
  });

  it('derives retryability, HTTP status and exit code from the table', () => {
    const timeout = new OpenWorkflowError('TIMEOUT', 'too slow');
    expect([timeout.retryable, timeout.httpStatus, timeout.exitCode]).toEqual([true, 504, 5]);
    const validation = new OpenWorkflowError('VALIDATION', 'bad');
    expect(validation.retryable).toBe(false);
    const connector = new OpenWorkflowError('VALUE_ERROR', 'Cannot divide by zero');
    expect([connector.retryable, connector.httpStatus]).toEqual([true, 502]);
    expect(isErrorCode('VALUE_ERROR')).toBe(false);
  });

  it('serialises to the envelope without the cause', () => {
    const error = new OpenWorkflowError('TIMEOUT', 'Step exceeded timeout of 30s', {
      details: { timeout_ms: 30000, elapsed_ms: 31200 },
      cause: new Error('payload with secret'),
    });
    const json = JSON.stringify(error);
    expect(JSON.parse(json)).toEqual({
      status: 'error',
      code: 'TIMEOUT',
      message: 'Step exceeded timeout of 30s',
      details: { timeout_ms: 30000, elapsed_ms: 31200 },
    });
    expect(json).not.toContain('secret');
  });

  it('recognises errors across realms by brand, not by instanceof', () => {
    const foreign = Object.create(null);
    foreign[Symbol.for('openworkflow.error')] = true;
    expect(OpenWorkflowError.is(foreign)).toBe(true);
    expect(OpenWorkflowError.is(new Error('x'))).toBe(false);
    expect(OpenWorkflowError.is(null)).toBe(false);
  });

  it('wraps foreign throws as BACKEND_ERROR, keeping a connector code', () => {
    const thrown = Object.assign(new RangeError('Cannot divide by zero'), { code: 'VALUE_ERROR' });
    const wrapped = toOpenWorkflowError(thrown);
    expect(wrapped.code).toBe('BACKEND_ERROR');
    expect(wrapped.message).toBe('Cannot divide by zero');
    expect(wrapped.details).toEqual({ error_type: 'RangeError', connector_code: 'VALUE_ERROR' });
    expect(wrapped.cause).toBe(thrown);
    expect(toOpenWorkflowError('boom', 'INTERNAL_ERROR').code).toBe('INTERNAL_ERROR');
    const ours = new OpenWorkflowError('TIMEOUT', 't');
    expect(toOpenWorkflowError(ours)).toBe(ours);
  });
});

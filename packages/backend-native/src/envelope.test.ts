import { describe, expect, it } from 'vitest';
import { boundMessage, connectorFailure, readConnectorReply } from './envelope.js';

describe('connector replies', () => {
  it('unwraps success, reads errors, passes everything else through', () => {
    expect(readConnectorReply({ status: 'success', data: { a: 1 } })).toEqual({
      kind: 'output',
      value: { a: 1 },
    });
    expect(readConnectorReply({ status: 'success', data: null })).toEqual({ kind: 'output', value: null });
    expect(readConnectorReply({ status: 'error', message: 'm', code: 'C' })).toEqual({
      kind: 'error',
      message: 'm',
      code: 'C',
    });
    expect(readConnectorReply({ status: 'error', message: 'm', code: '' })).toEqual({
      kind: 'error',
      message: 'm',
    });
    for (const value of [{ status: 'success', x: 1 }, { status: 'error' }, [1], 'text', 3, null]) {
      expect(readConnectorReply(value)).toEqual({ kind: 'output', value });
    }
  });

  it('adopts taxonomy codes except INTERNAL_ERROR and always keeps the connector code', () => {
    expect(connectorFailure('m', 'timed_out', 'BACKEND_ERROR', {}).code).toBe('TIMEOUT');
    expect(connectorFailure('m', 'INTERNAL_ERROR', 'BACKEND_ERROR', {}).code).toBe('BACKEND_ERROR');
    const custom = connectorFailure('m', 'VALUE_ERROR', 'VALIDATION', { http_status: 400 });
    expect(custom.toJSON()).toEqual({
      status: 'error',
      code: 'VALIDATION',
      message: 'm',
      details: { http_status: 400, connector_code: 'VALUE_ERROR' },
    });
  });

  it('bounds messages', () => {
    expect(boundMessage('  short  ')).toBe('short');
    expect(boundMessage('x'.repeat(5000))).toHaveLength(4097);
  });
});

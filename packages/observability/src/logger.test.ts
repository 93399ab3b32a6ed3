import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from './logger.js';
import type { Redaction } from './observed-event.js';

const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 6);

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    now: () => NOW,
    destination: { write: (line) => lines.push(line) },
    ...options,
  });
  return { logger, lines, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** A stand-in for the secrets runtime's redactor: masks one value, redacts `password` fields. */
const redaction: Redaction = {
  text: (value) => value.replaceAll('s3cr3t-value', '[REDACTED:PW]'),
  value: <T>(value: T): T => {
    if (typeof value !== 'object' || value === null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] =
        key === 'password' ? '***REDACTED***' : typeof item === 'string' ? redaction.text(item) : item;
    }
    return copy as T;
  },
};

describe('createLogger', () => {
  it('writes JSON lines with level, time, message, fields and child fields', () => {
    const { logger, json } = capture({ base: { service: 'api' } });
    logger.info('run started', { workflow: 'report' });
    logger.child({ run_id: 'r1' }).child({ step_id: 's1', attempt: 2 }).warn('slow');
    logger.error('plain');
    expect(json()).toEqual([
      {
        level: 'info',
        time: '2025-01-02T03:04:05.006Z',
        service: 'api',
        workflow: 'report',
        msg: 'run started',
      },
      {
        level: 'warn',
        time: '2025-01-02T03:04:05.006Z',
        service: 'api',
        run_id: 'r1',
        step_id: 's1',
        attempt: 2,
        msg: 'slow',
      },
      { level: 'error', time: '2025-01-02T03:04:05.006Z', service: 'api', msg: 'plain' },
    ]);
  });

  it('drops lines below the level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    expect(lines).toHaveLength(1);
    const silent = capture({ level: 'silent' });
    silent.logger.error('nothing');
    expect(silent.lines).toEqual([]);
  });

  it('writes text lines', () => {
    const { logger, lines } = capture({ format: 'text', level: 'debug' });
    logger
      .child({ run_id: 'r1' })
      .debug('step completed', { step_id: 'fetch', duration_ms: 12, note: 'two words', ok: true });
    expect(lines).toEqual([
      '2025-01-02T03:04:05.006Z DEBUG step completed run_id=r1 step_id=fetch duration_ms=12 note="two words" ok=true\n',
    ]);
  });

  it('redacts messages, fields, child fields and errors before writing, in both formats', () => {
    for (const format of ['json', 'text'] as const) {
      const { logger, lines } = capture({ format, redaction });
      logger.child({ token_source: 's3cr3t-value' }).error('failed with s3cr3t-value', {
        password: 'hunter2',
        nested: { body: '{"key":"s3cr3t-value"}' },
        error: new Error('boom s3cr3t-value'),
      });
      const output = lines.join('');
      expect(output).not.toContain('s3cr3t-value');
      expect(output).not.toContain('hunter2');
      expect(output).toContain('[REDACTED:PW]');
    }
  });
});

import type { Logger } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { EventStream } from '../test/event-stream.js';
import { createEventLog } from './event-log.js';
import { createLogger, type LoggerOptions } from './logger.js';

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug: (message, fields = {}) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields = {}) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
    child: () => logger,
  };
  return { logger, lines };
}

describe('createEventLog', () => {
  it('logs every event with run, step, attempt and correlation ids, never inputs or outputs', () => {
    const { logger, lines } = recordingLogger();
    const observe = createEventLog(logger);
    const stream = new EventStream();
    const run = stream.runStarted('report', '1.2.0');
    const call = stream.started('loop[1]/call', 'action', run, 2);
    stream.ended('step.failed', 'loop[1]/call', 'action', call, {
      output: { secretish: 'x' },
      error: { code: 'TIMEOUT', message: 'took too long', details: {} },
      continued: true,
    });
    for (const event of stream.events) observe(event);
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['info', 'run started'],
      ['debug', 'step started'],
      ['warn', 'step failed'],
    ]);
    expect(lines[0]!.fields).toMatchObject({
      run_id: 'run-1',
      workflow: 'report',
      workflow_version: '1.2.0',
      sequence: 0,
    });
    expect(lines[2]!.fields).toEqual({
      event: 'step.failed',
      run_id: 'run-1',
      step_id: 'call',
      path: 'loop[1]/call',
      attempt: 1,
      sequence: 2,
      correlation_id: 'run-1',
      causation_id: call,
      request_id: 'req-1',
      kind: 'action',
      duration_ms: 5,
      attempts: 1,
      continued: true,
      error_code: 'TIMEOUT',
      error_message: 'took too long',
    });
    expect(JSON.stringify(lines)).not.toContain('secretish');
  });

  it('does not build lines below the logger level and adds trace ids when given', () => {
    const { logger, lines } = recordingLogger();
    const observe = createEventLog(logger, {
      level: 'info',
      trace: () => ({ traceId: 't'.repeat(32), spanId: 's'.repeat(16) }),
    });
    const stream = new EventStream();
    const run = stream.runStarted();
    const step = stream.started('a', 'action', run);
    stream.ended('step.completed', 'a', 'action', step);
    stream.emit('unknown.type');
    for (const event of stream.events) observe(event);
    expect(lines.map((line) => line.message)).toEqual(['run started', 'step completed']);
    expect(lines[1]!.fields).toMatchObject({ trace_id: 't'.repeat(32), span_id: 's'.repeat(16) });
  });
});

describe('createEventLog with a logger from createLogger (fields serialised in place)', () => {
  const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 6);

  /** A stream whose ids and messages need JSON escaping, or carry a secret. */
  function awkwardStream() {
    const stream = new EventStream('run "1"');
    const run = stream.runStarted('report\n"quoted"', '1.0.0');
    const call = stream.started('loop[1]/call\\é\u2028', 'action', run, 2);
    stream.emit('step.retrying', {
      stepId: 'call',
      path: 'loop[1]/call',
      causation_id: call,
      data: {
        kind: 'action',
        error: { code: 'TIMEOUT', message: 'tab\there "s3cr3t-value" \u0001 \ud800' },
        delayMs: Number.NaN,
        nextAttempt: 3,
      },
    });
    stream.emit('signal.received', { data: { name: { nested: ['object'] } } });
    stream.emit('interrupt.resolved', { data: { approved: false } });
    return stream;
  }

  function lines(options: LoggerOptions) {
    const written: string[] = [];
    const logger = createLogger({
      now: () => NOW,
      level: 'debug',
      destination: { write: (line) => written.push(line) },
      ...options,
    });
    return { logger, written };
  }

  it('writes the same JSON lines as a logger given the fields as an object', () => {
    const trace = () => ({ traceId: 't'.repeat(32), spanId: 's'.repeat(16) });
    const fast = lines({ base: { service: 'api' } });
    const observe = createEventLog(fast.logger.child({ worker: 'w"1' }), { trace });
    // The reference: pino serialising the object the event log gives any other logger.
    const reference = lines({ base: { service: 'api' } });
    const child = reference.logger.child({ worker: 'w"1' });
    const generic = createEventLog(
      {
        debug: (message, fields) => child.debug(message, fields),
        info: (message, fields) => child.info(message, fields),
        warn: (message, fields) => child.warn(message, fields),
        error: (message, fields) => child.error(message, fields),
        child: () => child,
      },
      { trace },
    );
    for (const event of awkwardStream().events) {
      observe(event);
      generic(event);
    }
    expect(fast.written).toHaveLength(5);
    expect(fast.written.map((line) => JSON.parse(line))).toEqual(
      reference.written.map((line) => JSON.parse(line)),
    );
    // Same keys in the same order: level, time, bound fields, event fields, msg.
    expect(fast.written.map((line) => Object.keys(JSON.parse(line)))).toEqual(
      reference.written.map((line) => Object.keys(JSON.parse(line))),
    );
    expect(JSON.parse(fast.written[2]!)).toMatchObject({
      level: 'warn',
      time: '2025-01-02T03:04:05.006Z',
      service: 'api',
      worker: 'w"1',
      run_id: 'run "1"',
      delay_ms: null,
      msg: 'step retrying',
    });
  });

  it('masks the finished line, drops lines below the level and writes text lines', () => {
    const redaction = {
      text: (value: string) => value.replaceAll('s3cr3t-value', '[REDACTED:PW]'),
      value: <T>(value: T) => value,
    };
    const json = lines({ redaction, level: 'warn' });
    const text = lines({ redaction, format: 'text' });
    const observeJson = createEventLog(json.logger);
    const observeText = createEventLog(text.logger);
    for (const event of awkwardStream().events) {
      observeJson(event);
      observeText(event);
    }
    expect(json.written.map((line) => JSON.parse(line).msg)).toEqual(['step retrying']);
    expect(json.written.join('')).not.toContain('s3cr3t-value');
    expect(json.written.join('')).toContain('[REDACTED:PW]');
    expect(text.written).toHaveLength(5);
    expect(text.written[2]).toMatch(/^2025-01-02T03:04:05\.006Z WARN {2}step retrying event=step\.retrying /);
    expect(text.written.join('')).not.toContain('s3cr3t-value');
  });
});

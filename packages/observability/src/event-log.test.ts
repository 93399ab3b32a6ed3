import type { Logger } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { EventStream } from '../test/event-stream.js';
import { createEventLog } from './event-log.js';

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

import { describe, expect, it } from 'vitest';
import { EventStream, logicWorkflowStream } from '../test/event-stream.js';
import { parseExposition, sampleValue } from '../test/exposition.js';
import { MAX_ERROR_CODE_LABELS } from './limits.js';
import { createWorkflowMetrics } from './workflow-metrics.js';

describe('createWorkflowMetrics, read back with a Prometheus text-format parser', () => {
  it('counts runs and steps by status, retries and errors by code, and durations', async () => {
    const metrics = createWorkflowMetrics();
    for (const event of logicWorkflowStream().events) metrics.observe(event);
    const { samples, types } = parseExposition(await metrics.exposition());
    const workflow = 'pipeline';
    expect(sampleValue(samples, 'openworkflow_runs_started_total', { workflow })).toBe(1);
    expect(sampleValue(samples, 'openworkflow_runs_finished_total', { workflow, status: 'success' })).toBe(1);
    expect(sampleValue(samples, 'openworkflow_runs_active', { workflow })).toBe(0);
    // fetch, notify, send ×2, ping, pong — a retried attempt is not a new start.
    expect(sampleValue(samples, 'openworkflow_steps_started_total', { workflow, kind: 'action' })).toBe(6);
    expect(
      sampleValue(samples, 'openworkflow_steps_finished_total', {
        workflow,
        kind: 'action',
        status: 'success',
      }),
    ).toBe(6);
    expect(
      sampleValue(samples, 'openworkflow_steps_finished_total', {
        workflow,
        kind: 'forEach',
        status: 'success',
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'openworkflow_step_retries_total', { workflow, kind: 'action', code: 'TIMEOUT' }),
    ).toBe(1);
    expect(sampleValue(samples, 'openworkflow_errors_total', { code: 'TIMEOUT', scope: 'step' })).toBe(1);
    expect(types.openworkflow_step_duration_seconds).toBe('histogram');
    const labels = { workflow, kind: 'action', status: 'success' };
    expect(sampleValue(samples, 'openworkflow_step_duration_seconds_count', labels)).toBe(6);
    expect(sampleValue(samples, 'openworkflow_step_duration_seconds_sum', labels)).toBeCloseTo(0.035, 6);
    expect(
      sampleValue(samples, 'openworkflow_step_duration_seconds_bucket', { ...labels, le: '0.005' }),
    ).toBe(5);
    expect(sampleValue(samples, 'openworkflow_step_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(
      6,
    );
    expect(
      sampleValue(samples, 'openworkflow_run_duration_seconds_count', { workflow, status: 'success' }),
    ).toBe(1);
    expect(types.openworkflow_runs_started_total).toBe('counter');
    expect(types.openworkflow_runs_active).toBe('gauge');
  });

  it('tracks active runs across suspension and resumption, and failures by code', async () => {
    const metrics = createWorkflowMetrics();
    const stream = new EventStream('run-2');
    const run = stream.runStarted('approvals');
    stream.emit('run.suspended', { data: { reason: 'external', waits: 1 } });
    stream.emit('run.resumed', { data: { reason: 'signal' } });
    for (const event of stream.events) metrics.observe(event);
    let { samples } = parseExposition(await metrics.exposition());
    expect(sampleValue(samples, 'openworkflow_runs_active', { workflow: 'approvals' })).toBe(1);
    stream.emit('run.failed', {
      causation_id: run,
      data: { outputs: {}, error: { code: 'APPROVAL_REJECTED', message: 'no' } },
    });
    metrics.observe(stream.events.at(-1)!);
    ({ samples } = parseExposition(await metrics.exposition()));
    expect(sampleValue(samples, 'openworkflow_runs_active', { workflow: 'approvals' })).toBe(0);
    expect(
      sampleValue(samples, 'openworkflow_runs_finished_total', { workflow: 'approvals', status: 'failed' }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'openworkflow_errors_total', { code: 'APPROVAL_REJECTED', scope: 'run' }),
    ).toBe(1);
  });

  it('bounds label values: unknown workflows, odd or too many error codes, masked names', async () => {
    const metrics = createWorkflowMetrics({
      redaction: { text: (text) => text.replace('SECRET', '[REDACTED:S]'), value: (value) => value },
    });
    const stream = new EventStream('run-3');
    const run = stream.runStarted('wf-SECRET');
    for (let index = 0; index < MAX_ERROR_CODE_LABELS + 5; index++) {
      const step = stream.started(`s${index}`, 'action', run);
      stream.ended('step.failed', `s${index}`, 'action', step, {
        error: { code: `E_${index}`, message: 'x' },
      });
    }
    const other = stream.started('odd', 'action', run);
    stream.ended('step.failed', 'odd', 'action', other, { error: { code: 'lower case!', message: 'x' } });
    for (const event of stream.events) metrics.observe(event);
    metrics.observe({ ...stream.events[1]!, runId: 'never-started' });
    const { samples } = parseExposition(await metrics.exposition());
    expect(sampleValue(samples, 'openworkflow_errors_total', { code: 'OTHER', scope: 'step' })).toBe(6);
    expect(sampleValue(samples, 'openworkflow_runs_started_total', { workflow: 'wf-[REDACTED:S]' })).toBe(1);
    expect(
      sampleValue(samples, 'openworkflow_steps_started_total', { workflow: '(unknown)', kind: 'action' }),
    ).toBe(1);
  });

  it('counts from zero after a registry reset, mid-run, and makes series only when they count', async () => {
    const metrics = createWorkflowMetrics();
    const stream = new EventStream('run-4');
    const run = stream.runStarted('resettable');
    const first = stream.started('a', 'action', run);
    stream.ended('step.completed', 'a', 'action', first);
    for (const event of stream.events) metrics.observe(event);
    metrics.registry.resetMetrics();
    const before = stream.events.length;
    const second = stream.started('b', 'action', run);
    stream.ended('step.completed', 'b', 'action', second, { durationMs: 2 });
    stream.ended('step.skipped', 'c', 'if', run, { reason: 'condition' });
    for (const event of stream.events.slice(before)) metrics.observe(event);
    const { samples } = parseExposition(await metrics.exposition());
    const labels = { workflow: 'resettable', kind: 'action' };
    expect(sampleValue(samples, 'openworkflow_steps_started_total', labels)).toBe(1);
    expect(sampleValue(samples, 'openworkflow_steps_finished_total', { ...labels, status: 'success' })).toBe(
      1,
    );
    expect(
      sampleValue(samples, 'openworkflow_step_duration_seconds_sum', { ...labels, status: 'success' }),
    ).toBeCloseTo(0.002, 6);
    const skipped = { workflow: 'resettable', kind: 'if', status: 'skipped' };
    expect(sampleValue(samples, 'openworkflow_steps_finished_total', skipped)).toBe(1);
    // A skipped step has no duration and never started: no empty series for either.
    const names = (name: string, kind: string) =>
      samples.filter((sample) => sample.name.startsWith(name) && sample.labels.kind === kind);
    expect(names('openworkflow_step_duration_seconds', 'if')).toEqual([]);
    expect(names('openworkflow_steps_started_total', 'if')).toEqual([]);
  });

  it('reads the queue depth at scrape time or as set', async () => {
    let depth = 3;
    const metrics = createWorkflowMetrics({ queueDepth: () => depth });
    expect(sampleValue(parseExposition(await metrics.exposition()).samples, 'openworkflow_queue_depth')).toBe(
      3,
    );
    depth = 7;
    expect(sampleValue(parseExposition(await metrics.exposition()).samples, 'openworkflow_queue_depth')).toBe(
      7,
    );
    const manual = createWorkflowMetrics({ prefix: 'ow_' });
    manual.setQueueDepth(4);
    expect(sampleValue(parseExposition(await manual.exposition()).samples, 'ow_queue_depth')).toBe(4);
  });
});

import { SpanStatusCode } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { EventStream, logicWorkflowStream } from '../test/event-stream.js';
import { LOGIC_WORKFLOW_TREE, spanParents } from '../test/spans.js';
import { createEventTracer } from './event-tracer.js';

function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = createEventTracer({ tracer: provider.getTracer('test') });
  return { exporter, tracer };
}

describe('createEventTracer with the OpenTelemetry SDK', () => {
  it('builds the span tree of a workflow with if, forEach and parallel', () => {
    const { exporter, tracer } = tracing();
    for (const event of logicWorkflowStream().events) tracer.observe(event);
    const spans = exporter.getFinishedSpans();
    expect(spanParents(spans)).toEqual(LOGIC_WORKFLOW_TREE);
    const traceIds = new Set(spans.map((span) => span.spanContext().traceId));
    expect(traceIds.size).toBe(1);
  });

  it('finds a parent through causation_id alone, across retries, and ignores ids of other runs', () => {
    const { exporter, tracer } = tracing();
    const stream = new EventStream();
    const run = stream.runStarted();
    // Filler events, so sequence numbers reach two digits (`run-1:1` must not match `run-1:12`).
    for (let index = 0; index < 10; index++) stream.emit('run.cancel-requested');
    const outer = stream.started('outer', 'workflow', run);
    // Paths that do not nest: only the causation id names the parent.
    const first = stream.started('child', 'action', outer);
    stream.emit('step.retrying', {
      stepId: 'child',
      path: 'child',
      causation_id: first,
      data: { kind: 'action', error: { code: 'TIMEOUT', message: 'slow' }, delayMs: 1, nextAttempt: 2 },
    });
    const second = stream.started('child', 'action', outer, 2);
    const grandchild = stream.started('grandchild', 'action', second);
    stream.ended('step.completed', 'grandchild', 'action', grandchild);
    stream.ended('step.completed', 'child', 'action', second, { attempts: 2 });
    const stranger = stream.started('stranger', 'action', 'run-0:12');
    stream.ended('step.completed', 'stranger', 'action', stranger);
    const padded = stream.started('padded', 'action', `${outer.replace(/:(\d+)$/, ':0$1')}`);
    stream.ended('step.completed', 'padded', 'action', padded);
    stream.ended('step.completed', 'outer', 'workflow', outer);
    stream.emit('run.completed', { causation_id: run, data: { outputs: {} } });
    for (const event of stream.events) tracer.observe(event);
    expect(spanParents(exporter.getFinishedSpans())).toEqual({
      'step grandchild [grandchild]': 'step child',
      'step child [child]': 'step outer',
      'step stranger [stranger]': 'workflow.run report',
      'step padded [padded]': 'workflow.run report',
      'step outer [outer]': 'workflow.run report',
      'workflow.run report [run]': null,
    });
  });

  it('sets the spec §16.1 attributes and uses event times', () => {
    const { exporter, tracer } = tracing();
    const stream = logicWorkflowStream();
    for (const event of stream.events) tracer.observe(event);
    const span = (name: string) =>
      exporter.getFinishedSpans().find((candidate) => candidate.attributes['step.path'] === name)!;
    expect(span('check').attributes).toMatchObject({
      'step.type': 'if',
      'step.category': 'logic',
      'step.branch': 'then',
    });
    expect(span('each').attributes).toMatchObject({ 'step.type': 'forEach', 'step.iterations': 2 });
    expect(span('fan').attributes).toMatchObject({ 'step.type': 'parallel', 'step.join_strategy': 'all' });
    expect(span('fetch').attributes).toMatchObject({
      'step.id': 'fetch',
      'step.type': 'action',
      'step.category': 'action',
      'step.status': 'success',
      'step.attempts': 1,
      'run.id': 'run-1',
    });
    const retried = span('each[1]/send');
    expect(retried.attributes).toMatchObject({ 'step.attempt': 2, 'step.attempts': 2 });
    expect(retried.events.map((event) => [event.name, event.attributes?.['error.code']])).toEqual([
      ['retry', 'TIMEOUT'],
    ]);
    const run = exporter.getFinishedSpans().find((candidate) => candidate.name === 'workflow.run pipeline')!;
    expect(run.attributes).toMatchObject({
      'workflow.name': 'pipeline',
      'workflow.version': '2.1.0',
      'run.status': 'success',
    });
    const first = stream.events[0]!.time;
    expect(run.startTime).toEqual([Math.floor(first / 1000), (first % 1000) * 1e6]);
    expect(span('fetch').endTime[0] * 1000 + span('fetch').endTime[1] / 1e6).toBe(first + 11);
  });

  it('marks failures with ERROR status and an exception event without a stack', () => {
    const { exporter, tracer } = tracing();
    const stream = new EventStream();
    const run = stream.runStarted();
    const call = stream.started('call', 'action', run);
    const error = { code: 'BACKEND_ERROR', message: '401 unauthorized', details: {} };
    stream.ended('step.failed', 'call', 'action', call, { error });
    stream.emit('run.failed', { causation_id: run, data: { outputs: {}, error } });
    for (const event of stream.events) tracer.observe(event);
    for (const span of exporter.getFinishedSpans()) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'BACKEND_ERROR: 401 unauthorized' });
      expect(span.attributes['error.code']).toBe('BACKEND_ERROR');
      expect(span.events[0]).toMatchObject({
        name: 'exception',
        attributes: { 'exception.type': 'BACKEND_ERROR', 'exception.message': '401 unauthorized' },
      });
      expect(span.events[0]!.attributes).not.toHaveProperty('exception.stacktrace');
    }
  });

  it('gives skipped steps a zero-length span and step-level for_each iterations their own spans', () => {
    const { exporter, tracer } = tracing();
    const stream = new EventStream();
    const run = stream.runStarted();
    stream.ended('step.skipped', 'maybe', 'action', run, { attempts: 0, durationMs: 0, reason: 'condition' });
    const loop = stream.started('each', 'action', run, 1, { loop: true });
    const first = stream.started('each[0]', 'action', loop);
    stream.ended('step.completed', 'each[0]', 'action', first);
    stream.ended('step.completed', 'each', 'action', loop, { output: ['x'] });
    stream.emit('run.completed', { causation_id: run, data: { outputs: {} } });
    for (const event of stream.events) tracer.observe(event);
    const byPath = new Map(exporter.getFinishedSpans().map((span) => [span.attributes['step.path'], span]));
    expect(byPath.get('maybe')!.attributes).toMatchObject({
      'step.status': 'skipped',
      'step.skip_reason': 'condition',
    });
    expect(byPath.get('each')!.attributes['step.iterations']).toBe(1);
    expect(byPath.get('each[0]')!.parentSpanContext?.spanId).toBe(byPath.get('each')!.spanContext().spanId);
  });

  it('propagates W3C traceparent for the step a handler runs in', () => {
    const { exporter, tracer } = tracing();
    const stream = new EventStream();
    const run = stream.runStarted();
    stream.started('call', 'action', run);
    for (const event of stream.events) tracer.observe(event);
    const headers = tracer.traceHeaders({ runId: 'run-1', idempotencyKey: 'run-1:call' });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(tracer.traceHeaders({ runId: 'other' })).toEqual({});
    stream.ended('step.completed', 'call', 'action', 'run-1:1');
    stream.emit('run.completed', { data: { outputs: {} } });
    for (const event of stream.events.slice(2)) tracer.observe(event);
    const call = exporter.getFinishedSpans().find((span) => span.name === 'step call')!;
    const [, traceId, spanId] = headers.traceparent!.split('-');
    expect([traceId, spanId]).toEqual([call.spanContext().traceId, call.spanContext().spanId]);
  });

  it('ends spans at suspension and continues in a new run span on resume', () => {
    const { exporter, tracer } = tracing();
    const stream = new EventStream();
    const run = stream.runStarted();
    const wait = stream.started('wait', 'wait', run);
    stream.emit('step.waiting', {
      stepId: 'wait',
      path: 'wait',
      attempt: 1,
      causation_id: wait,
      data: { waitType: 'event' },
    });
    stream.emit('run.suspended', { data: { reason: 'external', waits: 1 } });
    for (const event of stream.events) tracer.observe(event);
    expect(
      exporter
        .getFinishedSpans()
        .map((span) => [span.name, span.attributes['run.status'] ?? span.attributes['step.status']]),
    ).toEqual([
      ['step wait', 'suspended'],
      ['workflow.run report', 'suspended'],
    ]);
    const resumed = stream.emit('run.resumed', { data: { reason: 'signal' } });
    stream.ended('step.completed', 'wait', 'wait', resumed, { startedAt: stream.time - 50 });
    stream.emit('run.completed', { causation_id: resumed, data: { outputs: {} } });
    for (const event of stream.events.slice(4)) tracer.observe(event);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([
      'step wait',
      'workflow.run report',
      'step wait',
      'workflow.run',
    ]);
    expect(spans[3]!.attributes).toMatchObject({ 'run.resumed': true, 'run.status': 'success' });
    expect(spans[2]!.parentSpanContext?.spanId).toBe(spans[3]!.spanContext().spanId);
  });

  it('creates no step spans for a run the sampler dropped, and propagates its unsampled context', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = createEventTracer({ tracer: provider.getTracer('off') });
    const stream = logicWorkflowStream();
    for (const event of stream.events.slice(0, 2)) tracer.observe(event);
    expect(tracer.traceHeaders({ runId: 'run-1', idempotencyKey: 'run-1:fetch' }).traceparent).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/,
    );
    for (const event of stream.events.slice(2)) tracer.observe(event);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

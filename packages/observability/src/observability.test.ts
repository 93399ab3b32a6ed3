import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { silentLogger } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { logicWorkflowStream } from '../test/event-stream.js';
import { parseExposition, sampleValue } from '../test/exposition.js';
import { createObservability } from './observability.js';
import type { ObservedEvent } from './observed-event.js';

describe('createObservability', () => {
  it('costs nothing when disabled: the redact hook is returned as is', () => {
    const redact = (event: ObservedEvent) => event;
    const off = createObservability({ enabled: false });
    expect(off.hook(redact)).toBe(redact);
    expect(off.hook()).toBeUndefined();
    expect(off.logger).toBe(silentLogger);
    expect(off.observing).toBe(false);
    expect(off.requestHeaders({ runId: 'r' })).toEqual({});
    const quiet = createObservability({ logs: false });
    expect(quiet.hook(redact)).toBe(redact);
  });

  it('feeds every projection from one hook, after redaction, and returns the redacted event', async () => {
    const lines: string[] = [];
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const observability = createObservability({
      logs: { destination: { write: (line) => lines.push(line) }, level: 'info' },
      metrics: {},
      tracing: { tracer: provider.getTracer('t') },
    });
    const seen: number[] = [];
    const hook = observability.hook((event: ObservedEvent) => {
      seen.push(event.sequence);
      return { ...event, request_id: 'redacted' };
    })!;
    const stored = logicWorkflowStream().events.map(hook);
    expect(stored.every((event) => event.request_id === 'redacted')).toBe(true);
    expect(seen).toHaveLength(stored.length);
    expect(memory.getFinishedSpans()).toHaveLength(10);
    const { samples } = parseExposition(await observability.metrics!.exposition());
    expect(
      sampleValue(samples, 'openworkflow_runs_finished_total', { workflow: 'pipeline', status: 'success' }),
    ).toBe(1);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.map((line) => line.msg)).toContain('run completed');
    expect(logged.every((line) => line.request_id === 'redacted')).toBe(true);
    // Log lines of step events carry the span ids of their step.
    const completed = logged.find((line) => line.msg === 'step completed' && line.step_id === 'fetch')!;
    const fetch = memory.getFinishedSpans().find((span) => span.name === 'step fetch')!;
    expect(completed).toMatchObject({
      trace_id: fetch.spanContext().traceId,
      span_id: fetch.spanContext().spanId,
    });
  });

  it('never lets a failing projection throw into the engine', () => {
    const lines: string[] = [];
    const observability = createObservability({
      logs: { destination: { write: (line) => lines.push(line) } },
      tracing: {
        tracer: {
          startSpan: () => {
            throw new Error('exporter exploded');
          },
          startActiveSpan: () => {
            throw new Error('unused');
          },
        },
      },
    });
    const hook = observability.hook<ObservedEvent>()!;
    for (const event of logicWorkflowStream().events) expect(() => hook(event)).not.toThrow();
    expect(lines.filter((line) => line.includes('observability projection failed'))).toHaveLength(1);
  });
});

import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { Redaction } from './observed-event.js';
import { createRedactingExporter } from './redacting-exporter.js';
import { headerAttributes } from './span-attributes.js';

const CANARY = 'sk-CANARY-exporter-42';
const redaction: Redaction = {
  text: (text) => text.replaceAll(CANARY, '[REDACTED:K]'),
  value: (value) => value,
};

function provider() {
  const memory = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [
      new SimpleSpanProcessor(
        createRedactingExporter(memory, { redaction, allowAttributes: ['app.tenant'] }),
      ),
    ],
  });
  return { memory, tracer: tracerProvider.getTracer('test') };
}

describe('createRedactingExporter', () => {
  it('SEC-15: attributes from a header map including authorization are not exported', () => {
    const { memory, tracer } = provider();
    const span = tracer.startSpan('call');
    const headers = {
      Authorization: `Bearer ${CANARY}`,
      'content-type': 'application/json',
      cookie: 'sid=1',
      'x-api-key': CANARY,
    };
    span.setAttributes(headerAttributes(headers));
    // Even when someone records the whole header map directly:
    for (const [name, value] of Object.entries(headers))
      span.setAttribute(`http.request.header.${name.toLowerCase()}`, value);
    span.setAttribute('authorization', `Bearer ${CANARY}`);
    span.end();
    const [exported] = memory.getFinishedSpans();
    expect(exported!.attributes).toEqual({ 'http.request.header.content-type': 'application/json' });
    expect(exported!.droppedAttributesCount).toBeGreaterThanOrEqual(4);
  });

  it('SEC-5: masks span names, status and exception messages and drops stack traces', () => {
    const { memory, tracer } = provider();
    const span = tracer.startSpan(`GET /v1?key=${CANARY}`, {
      attributes: { 'step.id': 'call', 'app.tenant': `t-${CANARY}`, 'custom.field': 'x' },
    });
    const error = new Error(`401 {"error":"invalid key ${CANARY}"}`);
    span.recordException(error);
    span.setStatus({ code: 2, message: error.message });
    span.addEvent(`retry ${CANARY}`, {
      'exception.message': CANARY,
      'exception.stacktrace': error.stack ?? '',
    });
    span.end();
    const [exported] = memory.getFinishedSpans();
    const everything = JSON.stringify({
      name: exported!.name,
      status: exported!.status,
      attributes: exported!.attributes,
      events: exported!.events,
    });
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain('stacktrace');
    expect(exported!.attributes).toEqual({ 'step.id': 'call', 'app.tenant': 't-[REDACTED:K]' });
    expect(exported!.events[0]!.attributes).toEqual({
      'exception.type': 'Error',
      'exception.message': '401 {"error":"invalid key [REDACTED:K]"}',
    });
    expect(exported!.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OpenWorkflowError } from '@openworkflow/core';
import { createSecretsRuntime, EnvSecretsProvider, findSecretLeaks } from '@openworkflow/secrets';
import { describe, expect, it } from 'vitest';
import { createObservability } from '../src/observability.js';
import type { ObservedEvent } from '../src/observed-event.js';
import { createRedactingExporter } from '../src/redacting-exporter.js';
import { EventStream } from './event-stream.js';
import { spansText } from './spans.js';

const CANARY = 'sk-CANARY-9f8e7d6c5b4a';
const encodings = [
  CANARY,
  Buffer.from(`bot:${CANARY}`).toString('base64'),
  Buffer.from(CANARY).toString('base64url'),
  encodeURIComponent(`${CANARY}/x y`),
  JSON.stringify({ nested: `"${CANARY}"` }),
  `https://bot:${CANARY}@api.example.com/v1`,
];

/** A run that touches the canary everywhere: inputs, outputs, errors, details, signals, URLs. */
function leakyRun(): ObservedEvent[] {
  const stream = new EventStream('run-canary');
  const run = stream.emit('run.started', {
    data: {
      workflow: { name: 'canary-flow', version: '1.0.0' },
      inputs: { token: CANARY, echo: encodings },
      trigger: null,
    },
  });
  const call = stream.started('call', 'action', run);
  stream.emit('step.retrying', {
    stepId: 'call',
    path: 'call',
    attempt: 1,
    causation_id: call,
    data: {
      kind: 'action',
      error: {
        code: 'BACKEND_ERROR',
        message: `401 {"error":"invalid key ${CANARY}"}`,
        details: { url: encodings[5] },
      },
      delayMs: 10,
      nextAttempt: 2,
    },
  });
  const again = stream.started('call', 'action', run, 2);
  stream.ended('step.completed', 'call', 'action', again, { output: { echoed: encodings } });
  stream.emit('signal.received', {
    data: { name: `sig-${CANARY}`, payload: { authorization: `Bearer ${CANARY}` } },
  });
  const fail = stream.started('fail', 'action', run);
  stream.ended('step.failed', 'fail', 'action', fail, {
    error: {
      code: 'BACKEND_ERROR',
      message: `request to ${encodings[5]} failed: ${encodings[1]}`,
      details: { body: encodings[4] },
    },
  });
  stream.emit('run.failed', {
    causation_id: run,
    data: {
      outputs: { leaked: CANARY },
      error: { code: 'BACKEND_ERROR', message: `step fail: ${CANARY}`, details: {} },
    },
  });
  return stream.events;
}

describe('canary: a planted secret reaches no sink in any encoding', () => {
  it('events (write-time redaction), log lines, spans, metric exposition and error envelopes', async () => {
    const secrets = createSecretsRuntime(new EnvSecretsProvider({ env: { API_TOKEN: CANARY } }));
    await secrets.source.resolve(['API_TOKEN'], { runId: 'run-canary', workflowName: 'canary-flow' });

    const jsonLines: string[] = [];
    const textLines: string[] = [];
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor(createRedactingExporter(memory, { redaction: secrets.redactor })),
      ],
    });
    const observability = createObservability({
      logs: { destination: { write: (line) => jsonLines.push(line) }, level: 'debug' },
      metrics: {},
      tracing: { tracer: provider.getTracer('canary') },
      redaction: secrets.redactor,
    });
    const text = createObservability({
      logs: { format: 'text', destination: { write: (line) => textLines.push(line) }, level: 'debug' },
      redaction: secrets.redactor,
    });
    const hook = observability.hook(secrets.redact)!;
    const textHook = text.hook(secrets.redact)!;

    const stored = leakyRun().map((event) => {
      textHook(event);
      return hook(event);
    });
    // What a handler logs through its context logger.
    const handlerLogger = observability.logger.child({ run_id: 'run-canary', step_id: 'call', attempt: 1 });
    handlerLogger.info(`calling with ${CANARY}`, {
      headers: { authorization: `Bearer ${CANARY}` },
      url: encodings[5],
    });
    handlerLogger.error('failed', { error: new OpenWorkflowError('BACKEND_ERROR', `bad ${encodings[2]}`) });
    text.logger.warn(`text ${encodings[3]}`, { body: encodings[4] });
    // Spans made directly on the tracer, as an instrumentation library would.
    const direct = provider
      .getTracer('lib')
      .startSpan(`GET ${encodings[5]}`, { attributes: { 'http.request.header.authorization': CANARY } });
    direct.recordException(new Error(`boom ${CANARY}`));
    direct.end();

    const envelope = secrets.redactor.envelope(
      new OpenWorkflowError('BACKEND_ERROR', `401 ${CANARY}`, {
        details: { response: encodings, password: 'pw-plain' },
      }),
    );
    const sinks: Record<string, string> = {
      events: JSON.stringify(stored),
      jsonLogs: jsonLines.join(''),
      textLogs: textLines.join(''),
      spans: spansText(memory.getFinishedSpans()),
      metrics: await observability.metrics!.exposition(),
      envelope: JSON.stringify(envelope),
    };
    for (const [sink, output] of Object.entries(sinks)) {
      expect(output.length, sink).toBeGreaterThan(0);
      expect(findSecretLeaks(output, CANARY), sink).toEqual([]);
      expect(output, sink).not.toContain('bot:');
    }
    // The sinks saw the run (placeholders prove the values went through the masker, not nowhere).
    expect(sinks.events).toContain('[REDACTED:API_TOKEN]');
    expect(sinks.jsonLogs).toContain('[REDACTED:API_TOKEN]');
    expect(sinks.spans).toContain('[REDACTED:API_TOKEN]');
    expect(memory.getFinishedSpans().length).toBeGreaterThanOrEqual(4);
    expect(sinks.envelope).not.toContain('pw-plain');
  });
});

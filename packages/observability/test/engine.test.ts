/**
 * The whole stack with the real engine: `@openworkflow/core` runs workflows loaded by
 * `@openworkflow/schemas`, with the secrets runtime's source and redact hook and this package's
 * observability hook, logger and HTTP trace headers.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createEgressGuard, createHttpHandler } from '@openworkflow/backend-native';
import {
  connectorsFrom,
  createEngine,
  type HandlerExecutor,
  InMemoryRunStore,
  type RunEvent,
} from '@openworkflow/core';
import { loadConnector, loadWorkflows } from '@openworkflow/schemas';
import { createSecretsRuntime, EnvSecretsProvider, findSecretLeaks } from '@openworkflow/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObservability } from '../src/observability.js';
import { createRedactingExporter } from '../src/redacting-exporter.js';
import { parseExposition, sampleValue } from './exposition.js';
import { LOGIC_WORKFLOW_TREE, spanParents, spansText } from './spans.js';

const CANARY = 'sk-CANARY-engine-5e4d3c2b1a';

/** A loopback service: `/echo` returns what it got; `/fail` answers 401 quoting the key. */
const received: { url: string; headers: IncomingHttpHeaders }[] = [];
const service = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ url: request.url ?? '', headers: request.headers });
    const key = String(request.headers['x-api-key'] ?? '');
    if (request.url === '/fail') {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          status: 'error',
          code: 'BAD_KEY',
          message: `invalid key ${key} for https://bot:${key}@api.example/`,
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        status: 'success',
        data: { echoed: key, encoded: Buffer.from(`bot:${key}`).toString('base64') },
      }),
    );
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});
afterAll(() => {
  service.closeAllConnections();
  service.close();
});

function connectors() {
  const svc = loadConnector(`
connector:
  type: connector
  kind: sdk
  name: svc
  namespace: test
  version: 1.0.0
  displayName: Service
  description: In-process functions
actions:
  - name: echo
    description: Returns its input
    handler:
      function: svc.echo
`);
  const api = loadConnector(`
connector:
  type: connector
  kind: http
  name: api
  namespace: test
  version: 1.0.0
  displayName: API
  description: The loopback service
actions:
  - name: echo
    description: Echoes the key back
    handler:
      http:
        url: "${base}/echo"
        method: POST
        headers:
          X-Api-Key: "\${secrets.API_KEY}"
  - name: fail
    description: Rejects the key, quoting it
    handler:
      http:
        url: "${base}/fail"
        method: POST
        headers:
          X-Api-Key: "\${secrets.API_KEY}"
`);
  expect(svc.ok && api.ok, JSON.stringify([svc.diagnostics, api.diagnostics])).toBe(true);
  return connectorsFrom([svc.value!, api.value!]);
}

const echo: HandlerExecutor = { type: 'function', execute: async ({ input }) => input };

function stack(options: { logLevel?: 'debug' | 'info' } = {}) {
  const secrets = createSecretsRuntime(new EnvSecretsProvider({ env: { API_KEY: CANARY } }));
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new SimpleSpanProcessor(createRedactingExporter(memory, { redaction: secrets.redactor })),
    ],
  });
  const lines: string[] = [];
  const observability = createObservability({
    logs: { destination: { write: (line) => lines.push(line) }, level: options.logLevel ?? 'debug' },
    metrics: {},
    tracing: { tracer: provider.getTracer('engine-test') },
    redaction: secrets.redactor,
  });
  const store = new InMemoryRunStore();
  const engine = createEngine({
    store,
    connectors: connectors(),
    handlers: [
      echo,
      createHttpHandler({
        guard: createEgressGuard({ allowedAddresses: ['127.0.0.1'] }),
        requestHeaders: observability.requestHeaders,
      }),
    ],
    secrets: secrets.source,
    redact: observability.hook(secrets.redact),
    logger: observability.logger,
  });
  return { engine, store, memory, lines, observability, secrets };
}

async function storedEvents(store: InMemoryRunStore, runId: string): Promise<readonly RunEvent[]> {
  return store.readEvents(runId, 0);
}

describe('observability and secrets with the real engine', () => {
  it('traces a workflow with if, forEach and parallel as a tree that follows nesting', async () => {
    const { engine, memory, observability } = stack();
    const loaded = loadWorkflows(`
workflows:
  - name: pipeline
    version: 2.0.0
    steps:
      - id: fetch
        connector: connector:test/svc@1.0.0
        action: echo
        input: { n: 1 }
      - id: check
        type: if
        condition: "{{ steps.fetch.output.n == 1 }}"
        then:
          - id: notify
            connector: connector:test/svc@1.0.0
            action: echo
            input: { text: hi }
      - id: each
        type: forEach
        items: "{{ inputs.items }}"
        steps:
          - id: send
            connector: connector:test/svc@1.0.0
            action: echo
            input: { item: "{{ item }}" }
      - id: fan
        type: parallel
        join: all
        branches:
          a:
            - id: ping
              connector: connector:test/svc@1.0.0
              action: echo
              input: {}
          b:
            - id: pong
              connector: connector:test/svc@1.0.0
              action: echo
              input: {}
`);
    expect(loaded.ok, JSON.stringify(loaded.diagnostics)).toBe(true);
    const result = await engine.start(loaded.value![0]!, { items: [1, 2] }).result;
    expect(result.status).toBe('success');
    const spans = memory.getFinishedSpans();
    expect(spanParents(spans)).toEqual(LOGIC_WORKFLOW_TREE);
    const attributes = (path: string) =>
      spans.find((span) => span.attributes['step.path'] === path)!.attributes;
    expect(attributes('check')).toMatchObject({
      'step.type': 'if',
      'step.category': 'logic',
      'step.branch': 'then',
    });
    expect(attributes('each')).toMatchObject({ 'step.type': 'forEach', 'step.iterations': 2 });
    expect(attributes('fan')).toMatchObject({ 'step.type': 'parallel', 'step.join_strategy': 'all' });
    expect(attributes('fetch')).toMatchObject({
      'step.type': 'action',
      'step.status': 'success',
      'step.attempts': 1,
    });
    const { samples } = parseExposition(await observability.metrics!.exposition());
    expect(
      sampleValue(samples, 'openworkflow_steps_finished_total', {
        workflow: 'pipeline',
        kind: 'action',
        status: 'success',
      }),
    ).toBe(6);
    expect(
      sampleValue(samples, 'openworkflow_runs_finished_total', { workflow: 'pipeline', status: 'success' }),
    ).toBe(1);
  });

  it('propagates the step span as W3C traceparent into HTTP connector calls', async () => {
    const { engine, memory } = stack();
    const loaded = loadWorkflows(`
workflows:
  - name: traced
    steps:
      - id: call
        connector: connector:test/api@1.0.0
        action: echo
        input: {}
`);
    received.length = 0;
    await engine.start(loaded.value![0]!, {}).result;
    const call = memory.getFinishedSpans().find((span) => span.name === 'step call')!;
    const { traceId, spanId } = call.spanContext();
    expect(received[0]!.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('canary: a secret the service echoes and quotes in errors reaches no stored event, log, span, metric or result', async () => {
    const { engine, store, memory, lines, observability } = stack();
    const loaded = loadWorkflows(`
workflows:
  - name: leaky
    steps:
      - id: call
        connector: connector:test/api@1.0.0
        action: echo
        input: {}
      - id: reject
        connector: connector:test/api@1.0.0
        action: fail
        input: {}
        continue_on_error: true
      - id: show
        connector: connector:test/svc@1.0.0
        action: echo
        input: { got: "{{ steps.call.output.echoed }}", error: "{{ steps.reject.error.message }}" }
    outputs:
      echoed: { value: "{{ steps.call.output.echoed }}" }
      encoded: { value: "{{ steps.call.output.encoded }}" }
`);
    expect(loaded.ok, JSON.stringify(loaded.diagnostics)).toBe(true);
    received.length = 0;
    const run = engine.start(loaded.value![0]!, {});
    const result = await run.result;
    // The service did get the real key: masking is for sinks, not for the request.
    expect(received.map((request) => request.headers['x-api-key'])).toEqual([CANARY, CANARY]);
    const sinks: Record<string, string> = {
      events: JSON.stringify(await storedEvents(store, run.id)),
      logs: lines.join(''),
      spans: spansText(memory.getFinishedSpans()),
      metrics: await observability.metrics!.exposition(),
    };
    for (const [sink, text] of Object.entries(sinks)) {
      expect(findSecretLeaks(text, CANARY), sink).toEqual([]);
      expect(text, sink).not.toContain('bot:');
    }
    expect(sinks.events).toContain('[REDACTED:API_KEY]');
    expect(result.status).toBe('success');
  });
});

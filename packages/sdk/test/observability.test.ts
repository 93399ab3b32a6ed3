/**
 * The `observability` and `observabilityExporter` options: what each setting turns on, the
 * Prometheus endpoint read by a real text-format parser, OTLP spans posted to a loopback collector.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenTelemetryExporter, OpenWorkflow, PrometheusExporter, Workflows } from '../src/index.js';

const open: OpenWorkflow[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((instance) => instance.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const flow = `
name: observed
steps:
  - id: loop
    type: forEach
    items: [1, 2]
    steps:
      - { id: double, type: transform, language: template, expression: "{{ item * 2 }}" }
  - { id: total, type: transform, language: template, expression: "{{ steps.loop.output | length }}" }
`;

function instance(options: ConstructorParameters<typeof OpenWorkflow>[0]) {
  const created = new OpenWorkflow({ isolated: true, ...options });
  open.push(created);
  return created;
}

describe('observability options', () => {
  it('turns nothing on by default and everything on with `true`', async () => {
    const off = await instance({}).observability();
    expect([off.observing, off.metrics, off.tracer]).toEqual([false, undefined, undefined]);

    const lines: string[] = [];
    const on = instance({
      observability: { enabled: true, logs: { destination: { write: (line) => lines.push(line) } } },
    });
    const built = await on.observability();
    expect(built.observing).toBe(true);
    expect(built.metrics).toBeDefined();
    expect(built.tracer).toBeDefined();
    const metricsOnly = await instance({ observability: { metrics: true } }).observability();
    expect(metricsOnly.metrics).toBeDefined();
    expect(metricsOnly.tracer).toBeUndefined();
    expect(await instance({ observability: { enabled: false, metrics: true } }).metrics()).toBeUndefined();
  });

  it('logs every run and step event with run id, step id and attempt, as JSON or text', async () => {
    const json: string[] = [];
    const text: string[] = [];
    for (const [format, sink] of [
      ['json', json],
      ['text', text],
    ] as const) {
      const openworkflow = instance({
        observability: {
          logFormat: format,
          logLevel: 'debug',
          logs: { destination: { write: (line) => sink.push(line) } },
        },
      });
      const result = await Workflows.fromString(flow, { openworkflow }).execute('observed');
      expect(result.status).toBe('success');
    }
    const records = json.map((line) => JSON.parse(line) as Record<string, unknown>);
    const stepLine = records.find((record) => record.step_id === 'double');
    expect(stepLine).toMatchObject({ run_id: expect.any(String), attempt: 1 });
    expect(records.some((record) => String(record.msg).includes('run'))).toBe(true);
    expect(text.some((line) => /step_id=total/.test(line))).toBe(true);
    expect(text.every((line) => !line.startsWith('{'))).toBe(true);
  });

  it('serves metrics through PrometheusExporter and traces a span tree on the given tracer', async () => {
    const spans = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const prometheus = new PrometheusExporter({ port: 0 });
    const openworkflow = instance({
      observability: { tracing: { tracer: provider.getTracer('sdk-test') } },
      observabilityExporter: prometheus,
    });
    await openworkflow.ready();
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const result = await Workflows.fromString(flow, { openworkflow }).execute('observed');
    const families = parsePrometheusTextFormat(await (await fetch(prometheus.url!)).text());
    const finished = families.find((family) => family.name === 'openworkflow_runs_finished_total');
    expect(finished?.metrics).toEqual([
      expect.objectContaining({ labels: expect.objectContaining({ status: 'success' }), value: '1' }),
    ]);
    const names = spans.getFinishedSpans().map((span) => span.name);
    expect(names).toContain('workflow.run observed');
    expect(names.filter((name) => name === 'step double')).toHaveLength(2);
    const run = spans.getFinishedSpans().find((span) => span.name === 'workflow.run observed');
    const loop = spans.getFinishedSpans().find((span) => span.name === 'step loop');
    expect(loop?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(result.status).toBe('success');
  });

  it('posts spans to an OTLP/HTTP collector through OpenTelemetryExporter', async () => {
    const bodies: string[] = [];
    const collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    servers.push(collector);
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const exporter = new OpenTelemetryExporter({
      endpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      serviceName: 'sdk-otlp-test',
      immediate: true,
    });
    const openworkflow = instance({ observabilityExporter: exporter });
    await Workflows.fromString(flow, { openworkflow }).execute('observed');
    await exporter.flush();
    const sent = bodies.join('\n');
    expect(sent).toContain('workflow.run observed');
    expect(sent).toContain('sdk-otlp-test');
  });
});

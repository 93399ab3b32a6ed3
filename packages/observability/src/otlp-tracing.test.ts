import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../test/event-stream.js';
import { createEventTracer } from './event-tracer.js';
import { importOptional } from './optional-import.js';
import { createOtlpTracing } from './otlp-tracing.js';

const CANARY = 'sk-CANARY-otlp-77';
/** A loopback OTLP/HTTP collector that records what it receives and accepts everything. */
const requests: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    requests.push({
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
const collector = { url: '', requests };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collector.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('createOtlpTracing against a loopback collector', () => {
  it('exports redacted spans over OTLP/HTTP to <endpoint>/v1/traces', async () => {
    const otlp = await createOtlpTracing({
      endpoint: `${collector.url}/`,
      serviceName: 'ow-test',
      headers: { 'x-collector-auth': 'collector-key' },
      redaction: { text: (text) => text.replaceAll(CANARY, '[REDACTED:K]'), value: (value) => value },
    });
    const tracer = createEventTracer({ tracer: otlp.tracer });
    const stream = new EventStream();
    const run = stream.runStarted('exported');
    const step = stream.started('call', 'action', run);
    stream.ended('step.failed', 'call', 'action', step, {
      error: { code: 'BACKEND_ERROR', message: `bad key ${CANARY}` },
    });
    stream.emit('run.failed', {
      causation_id: run,
      data: { outputs: {}, error: { code: 'BACKEND_ERROR', message: CANARY } },
    });
    for (const event of stream.events) tracer.observe(event);
    await otlp.forceFlush();
    await otlp.shutdown();
    const posts = collector.requests.filter((request) => request.url === '/v1/traces');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts[0]!.headers['x-collector-auth']).toBe('collector-key');
    const body = posts.map((post) => post.body).join('\n');
    expect(body).toContain('workflow.run exported');
    expect(body).toContain('step call');
    expect(body).toContain('ow-test');
    expect(body).toContain('[REDACTED:K]');
    expect(body).not.toContain(CANARY);
  });

  it('rejects a sample rate outside [0, 1]', async () => {
    await expect(createOtlpTracing({ endpoint: collector.url, sampleRate: 1.5 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});

describe('importOptional', () => {
  it('turns a missing optional package into UNAVAILABLE with an install suggestion', async () => {
    await expect(
      importOptional('@opentelemetry/not-installed-exporter', 'OTLP tracing'),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: "OTLP tracing needs '@opentelemetry/not-installed-exporter', which is not installed",
      details: { suggestion: 'Install: npm install @opentelemetry/not-installed-exporter' },
    });
  });

  it('rethrows other failures unchanged', async () => {
    const failure = new Error('broken module');
    await expect(importOptional('x', 'feature', () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await importOptional('node:path', 'paths')).toHaveProperty('join');
  });
});

import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStream } from '../test/event-stream.js';
import { parseExposition, sampleValue } from '../test/exposition.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { createWorkflowMetrics } from './workflow-metrics.js';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startMetricsServer', () => {
  it('serves the exposition at /metrics on loopback', async () => {
    const metrics = createWorkflowMetrics();
    const stream = new EventStream();
    stream.runStarted('served');
    for (const event of stream.events) metrics.observe(event);
    server = await startMetricsServer({ registry: metrics.registry, port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const { samples } = parseExposition(await response.text());
    expect(sampleValue(samples, 'openworkflow_runs_active', { workflow: 'served' })).toBe(1);
  });

  it('answers 404 elsewhere, 405 for other methods, 500 without details when collection fails', async () => {
    const registry = new Registry();
    server = await startMetricsServer({ registry, port: 0, path: '/custom' });
    const base = server.url.replace('/custom', '');
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
    registry.registerMetric({
      name: 'broken',
      get: () => Promise.reject(new Error('label value secret-xyz')),
      reset: () => {},
    } as never);
    const failed = await fetch(server.url);
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('secret-xyz');
  });
});

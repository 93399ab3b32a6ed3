// biome-ignore-all lint/suspicious/noTemplateCurlyInString: connector configs use `${…}` placeholders on purpose
/**
 * Issue 7's whole-stack canary (security cases SEC-16, SEC-17): one workflow whose HTTP and function
 * connectors, inputs, errors and outputs all touch a planted secret, run through the SDK with logs,
 * metrics and tracing on. Every sink — events (live and stored), log lines, spans (OpenTelemetry's
 * in-memory exporter, no redacting wrapper), the metric exposition (in process and scraped over
 * HTTP), the result and the connector HTTP endpoint's answers — is scanned for the secret in every
 * encoding the masker knows. None may hold it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { RunEvent } from '@openworkflow/core';
import { findSecretLeaks } from '@openworkflow/secrets';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ActionContext,
  createConnectorHandler,
  OpenWorkflow,
  PrometheusExporter,
  Workflows,
} from '../src/index.js';

const CANARY = 'owcanary-Zq8vR2mK7pX4nT9w';

/** The seed contract's custom provider, unchanged in shape. */
class CustomSecrets {
  get(key: string) {
    return key === 'CANARY_TOKEN' ? CANARY : undefined;
  }
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

/** An upstream that echoes the credential it was sent, and one route that rejects it verbatim. */
async function upstream(): Promise<string> {
  const server = createServer((request, response) => {
    const auth = request.headers.authorization ?? '';
    request.resume();
    request.on('end', () => {
      response.writeHead(request.url === '/reject' ? 401 : 200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          request.url === '/reject'
            ? { status: 'error', code: 'AUTH_FAILED', message: `token ${auth} is revoked` }
            : { status: 'success', data: { auth, b64: Buffer.from(auth).toString('base64') } },
        ),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const remote = {
  connector: {
    type: 'connector',
    kind: 'http',
    name: 'remote',
    namespace: 'canary',
    version: '1.0.0',
    displayName: 'Remote',
    description: 'Sends the token upstream',
  },
  actions: ['echo', 'reject'].map((name) => ({
    name,
    description: name,
    handler: {
      http: {
        url: `\${env.UPSTREAM}/${name}`,
        method: 'POST',
        headers: { authorization: 'Bearer ${secrets.CANARY_TOKEN}' },
      },
    },
  })),
};

const local = {
  connector: {
    type: 'connector',
    kind: 'sdk',
    name: 'local',
    namespace: 'canary',
    version: '1.0.0',
    displayName: 'Local',
    description: 'A careless in-process handler',
  },
  actions: [
    {
      name: 'use',
      description: 'Logs, returns and throws the token in several encodings',
      input: {
        type: 'object',
        properties: { key: { type: 'string' }, auth: { type: 'string' }, fail: { type: 'boolean' } },
      },
      handler: { function: 'local.use' },
    },
  ],
};

const workflow = `
name: canary
inputs:
  api_key: { type: string, required: true }
steps:
  - id: echo
    connector: connector:canary/remote@1.0.0
    action: echo
  - id: use
    connector: connector:canary/local@1.0.0
    action: use
    input: { key: "{{ inputs.api_key }}", auth: "{{ secrets.CANARY_TOKEN }}" }
  - id: soft_fail
    connector: connector:canary/local@1.0.0
    action: use
    input: { key: "{{ inputs.api_key }}", fail: true }
    continue_on_error: true
  - id: reject
    connector: connector:canary/remote@1.0.0
    action: reject
outputs:
  echoed: { value: "{{ steps.echo.output.auth }}" }
  encoded: { value: "{{ steps.use.output.encoded }}" }
  direct: { value: "{{ steps.use.output.auth }}" }
  input: { value: "{{ inputs.api_key }}" }
`;

function careless(input: { key?: string; auth?: string; fail?: boolean }, context: ActionContext) {
  const token = context.secrets.CANARY_TOKEN as string;
  context.logger.info(`calling with ${token}`, {
    token,
    key: input.key,
    url: `https://bot:${token}@api.example.com`,
  });
  context.logger.warn('encoded', {
    b64: Buffer.from(token).toString('base64'),
    url: encodeURIComponent(`${token}/x`),
  });
  if (input.fail === true) throw new Error(`refused ${token} (${Buffer.from(token).toString('base64url')})`);
  return {
    copy: token,
    encoded: Buffer.from(`bot:${token}`).toString('base64'),
    json: JSON.stringify({ nested: `"${token}"` }),
    echoed: input.key,
    auth: input.auth ?? null,
  };
}

describe('canary across the whole stack', () => {
  it('never surfaces the planted secret in events, logs, spans, metrics, results or HTTP answers', async () => {
    const lines: string[] = [];
    const spans = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const prometheus = new PrometheusExporter({ port: 0 });
    const openworkflow = new OpenWorkflow({
      isolated: true,
      secretsManager: new CustomSecrets(),
      environment: { UPSTREAM: await upstream() },
      egress: { allowedAddresses: ['127.0.0.1'] },
      observability: {
        logs: { destination: { write: (line) => lines.push(line) }, level: 'debug' },
        metrics: true,
        tracing: { tracer: provider.getTracer('canary') },
      },
      observabilityExporter: prometheus,
    });
    try {
      await openworkflow.registerConnector(remote);
      await openworkflow.registerConnector(local);
      openworkflow.registerHandler('local.use', careless, { secrets: ['CANARY_TOKEN'] });
      const run = Workflows.fromString(workflow, { openworkflow }).start('canary', { api_key: CANARY });
      const live: RunEvent[] = [];
      for await (const event of run.events()) live.push(event);
      const result = await run.result;
      const stored = await (await openworkflow.engine()).store.readEvents(run.id, 0);

      // The run did touch the secret everywhere (so the scan below is not vacuous).
      expect(result.status).toBe('failed');
      expect(result.steps.echo?.status).toBe('success');
      expect(result.steps.use?.status).toBe('success');
      expect(result.steps.soft_fail?.status).toBe('failed');
      // A 401 is a client error (spec/handlers.md maps 4xx to VALIDATION); the upstream's code is kept.
      expect(result.error).toMatchObject({
        code: 'VALIDATION',
        details: { step_id: 'reject', connector_code: 'AUTH_FAILED' },
      });
      expect(result.outputs.echoed).toBe('Bearer [REDACTED:CANARY_TOKEN]');
      expect(result.outputs.direct).toBe('[REDACTED:CANARY_TOKEN]');

      const handler = createConnectorHandler(openworkflow);
      const answers: string[] = [];
      for (const [connector, action, input] of [
        ['remote', 'echo', {}],
        ['remote', 'reject', {}],
        ['local', 'use', { key: CANARY }],
        ['local', 'use', { key: CANARY, fail: true }],
      ] as const) {
        const response = await handler(
          new Request(`http://localhost/${connector}/execute`, {
            method: 'POST',
            body: JSON.stringify({ action, input }),
          }),
        );
        answers.push(`${response.status} ${await response.text()}`);
      }
      expect(answers[0]).toMatch(/^200 /);
      expect(answers[1]).toMatch(/^400 .*\[REDACTED:CANARY_TOKEN\]/);
      expect(answers[3]).toMatch(/^502 .*refused \[REDACTED:CANARY_TOKEN\]/);

      const scraped = await (await fetch(prometheus.url!)).text();
      const families = parsePrometheusTextFormat(scraped);
      expect(families.map((family) => family.name)).toContain('openworkflow_runs_finished_total');

      const sinks: Record<string, string> = {
        liveEvents: JSON.stringify(live),
        storedEvents: JSON.stringify(stored),
        logs: lines.join(''),
        spans: JSON.stringify(
          spans.getFinishedSpans().map((span) => ({
            name: span.name,
            attributes: span.attributes,
            events: span.events,
            status: span.status,
          })),
        ),
        metrics: (await openworkflow.metrics()) ?? '',
        scrapedMetrics: scraped,
        result: JSON.stringify(result),
        httpAnswers: answers.join('\n'),
      };
      for (const [sink, text] of Object.entries(sinks)) {
        expect(text.length, sink).toBeGreaterThan(0);
        expect(findSecretLeaks(text, CANARY), sink).toEqual([]);
      }
      expect(sinks.logs).toContain('calling with [REDACTED:CANARY_TOKEN]');
      expect(sinks.storedEvents).toContain('[REDACTED:CANARY_TOKEN]');
      expect(spans.getFinishedSpans().length).toBeGreaterThanOrEqual(5);
    } finally {
      await openworkflow.close();
    }
    expect(prometheus.url).toBeUndefined();
  });

  it('fails a handler whose declared secret is out of its scope, reading none of it', async () => {
    const openworkflow = new OpenWorkflow({
      isolated: true,
      secretsManager: new CustomSecrets(),
      secrets: { definitions: { CANARY_TOKEN: { scope: { connectors: ['connector:other/thing'] } } } },
    });
    try {
      await openworkflow.registerConnector(local);
      let called = false;
      openworkflow.registerHandler(
        'local.use',
        () => {
          called = true;
          return {};
        },
        { secrets: ['CANARY_TOKEN'] },
      );
      const result = await Workflows.fromString(
        'name: w\nsteps:\n  - { id: use, connector: "connector:canary/local@1.0.0", action: use }\n',
        { openworkflow },
      ).execute('w');
      expect(result.error).toMatchObject({
        code: 'PERMISSION_DENIED',
        details: { secret_name: 'CANARY_TOKEN' },
      });
      expect(called).toBe(false);
      expect(JSON.stringify(result)).not.toContain(CANARY);
    } finally {
      await openworkflow.close();
    }
  });
});

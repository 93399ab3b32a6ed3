// biome-ignore-all lint/suspicious/noTemplateCurlyInString: connector configs use `${…}` placeholders on purpose
/**
 * HTTP on both sides, over real loopback sockets: connectors exposed as `POST /<connector>/execute`
 * (web-standard handler, the node:http adapter, an Express-style mount), and `http` connectors
 * whose configs interpolate `${input.x}`, `${env.X}`, `${secrets.X}` and bare `${X}`, behind the
 * SSRF guard.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createConnectorHandler,
  createConnectorRouter,
  OpenWorkflow,
  toNodeListener,
  Workflows,
} from '../src/index.js';

const SECRET = 'sk-live-7f3a9c2e5b1d4f60';
const servers: Server[] = [];
const open: OpenWorkflow[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((instance) => instance.close()));
  await Promise.all(
    servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

async function listen(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const calculator = {
  connector: {
    type: 'connector',
    kind: 'sdk',
    name: 'calculator',
    namespace: 'community',
    version: '1.0.0',
    displayName: 'Calculator',
    description: 'Adds',
  },
  actions: [
    {
      name: 'add',
      description: 'Add two numbers',
      input: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
      handler: { function: 'calculator.add' },
    },
    {
      name: 'leak',
      description: 'Fails with the secret in its message',
      handler: { function: 'calculator.leak' },
    },
  ],
};

function calculatorSdk() {
  const openworkflow = new OpenWorkflow({
    isolated: true,
    secretsManager: { get: (name: string) => (name === 'CALC_TOKEN' ? SECRET : undefined) },
  });
  open.push(openworkflow);
  openworkflow.registerHandler('calculator.add', ({ a, b }: { a: number; b: number }) => ({ result: a + b }));
  openworkflow.registerHandler('calculator.leak', () => {
    openworkflow.secrets.register('CALC_TOKEN', SECRET);
    throw new Error(`upstream refused token ${SECRET}`);
  });
  return openworkflow;
}

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('connectors over HTTP', () => {
  it('serves POST /<connector>/execute on node:http with envelopes and HTTP statuses', async () => {
    const openworkflow = calculatorSdk();
    await openworkflow.registerConnector(calculator);
    const base = await listen(toNodeListener(createConnectorHandler(openworkflow, { basePath: '/plugins' })));

    expect(
      await post(`${base}/plugins/calculator/execute`, { action: 'add', input: { a: 2, b: 3 } }),
    ).toEqual({
      status: 200,
      json: { status: 'success', data: { result: 5 } },
    });
    // The connector-service contract's `plugin.action` form.
    expect(
      (await post(`${base}/plugins/calculator/execute`, { action: 'calculator.add', input: { a: 1, b: 1 } }))
        .json,
    ).toEqual({ status: 'success', data: { result: 2 } });

    const invalid = await post(`${base}/plugins/calculator/execute`, {
      action: 'add',
      input: { a: 'x', b: 1 },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({
      status: 'error',
      code: 'VALIDATION',
      details: { field: 'a', constraint: 'type' },
    });

    expect((await post(`${base}/plugins/nope/execute`, { action: 'add' })).status).toBe(404);
    expect((await post(`${base}/plugins/calculator/execute`, { action: 'nope' })).status).toBe(404);
    expect((await post(`${base}/plugins/calculator/execute`, '{not json')).json).toMatchObject({
      code: 'VALIDATION',
      details: { constraint: 'json' },
    });
    expect((await post(`${base}/plugins/calculator/execute`, { input: {} })).json).toMatchObject({
      details: { field: 'action' },
    });
    const big = await post(`${base}/plugins/calculator/execute`, {
      action: 'add',
      input: { pad: 'x'.repeat(1_100_000) },
    });
    expect(big).toMatchObject({ status: 400, json: { details: { constraint: 'maxLength' } } });
    expect((await fetch(`${base}/plugins/calculator/execute`)).status).toBe(405);

    const listing = await fetch(`${base}/plugins/calculator`);
    expect(await listing.json()).toMatchObject({
      id: 'connector:community/calculator@1.0.0',
      actions: [expect.objectContaining({ name: 'add' }), expect.objectContaining({ name: 'leak' })],
    });

    // A failing handler: 502 BACKEND_ERROR, and the secret in its message never leaves the process.
    const leak = await post(`${base}/plugins/calculator/execute`, { action: 'leak' });
    expect(leak.status).toBe(502);
    expect(leak.json).toMatchObject({
      code: 'BACKEND_ERROR',
      message: 'upstream refused token [REDACTED:CALC_TOKEN]',
    });
    expect(JSON.stringify(leak.json)).not.toContain(SECRET);
  });

  it('mounts Express-style: requests for other paths go to next(), the mount path is stripped', async () => {
    const openworkflow = calculatorSdk();
    await openworkflow.registerConnector(calculator);
    const router = createConnectorRouter(openworkflow, {
      authorize: (request) => request.headers.get('authorization') === 'Bearer let-me-in',
    });
    const passedOn: string[] = [];
    // A minimal stand-in for `app.use('/plugins', router)`: strip the mount path, parse JSON first.
    const base = await listen((request, response) => {
      const url = request.url ?? '/';
      if (!url.startsWith('/plugins/')) {
        response.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const mounted = Object.assign(request, {
          url: url.slice('/plugins'.length),
          body: chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        router(mounted, response, (error) => {
          passedOn.push(mounted.url ?? '');
          response.writeHead(error === undefined ? 418 : 500).end();
        });
      });
    });
    const authorized = await fetch(`${base}/plugins/calculator/execute`, {
      method: 'POST',
      headers: { authorization: 'Bearer let-me-in', 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'add', input: { a: 20, b: 22 } }),
    });
    expect(await authorized.json()).toEqual({ status: 'success', data: { result: 42 } });
    expect(
      (await post(`${base}/plugins/calculator/execute`, { action: 'add', input: { a: 1, b: 2 } })).json,
    ).toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const other = await fetch(`${base}/plugins/unknown/execute`, { method: 'POST', body: '{}' });
    expect(other.status).toBe(418);
    expect(passedOn).toEqual(['/unknown/execute']);
  });

  it('answers web-standard Requests directly (fetch-style servers)', async () => {
    const openworkflow = calculatorSdk();
    await openworkflow.registerConnector(calculator);
    const handle = createConnectorHandler(openworkflow);
    const response = await handle(
      new Request('http://localhost/calculator/execute', {
        method: 'POST',
        body: JSON.stringify({ action: 'add', input: { a: 0.5, b: 0.25 } }),
      }),
    );
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ status: 'success', data: { result: 0.75 } });
  });
});

describe('http connectors: config interpolation and the SSRF guard', () => {
  async function upstream() {
    const seen: Array<{
      method: string;
      url: string;
      authorization: string | undefined;
      region: string | undefined;
      body: string;
    }> = [];
    const url = await listen((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          authorization: request.headers.authorization,
          region: request.headers['x-region'] as string | undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'success', data: { ok: true, path: request.url } }));
      });
    });
    return { url, seen };
  }

  const lookup = (bareName: string) => ({
    connector: {
      type: 'connector',
      kind: 'http',
      name: 'lookup',
      namespace: 'test',
      version: '1.0.0',
      displayName: 'Lookup',
      description: 'Looks things up upstream',
    },
    actions: [
      {
        name: 'find',
        description: 'Find an item',
        input: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        handler: {
          http: {
            url: '${env.UPSTREAM_URL}/items/${input.id}',
            method: 'POST',
            headers: { authorization: 'Bearer ${secrets.LOOKUP_TOKEN}', 'x-region': `\${${bareName}}` },
          },
        },
      },
    ],
  });

  it('renders ${input.x}, ${env.X}, ${secrets.X} and bare ${X} in the handler config', async () => {
    const { url, seen } = await upstream();
    const openworkflow = new OpenWorkflow({
      isolated: true,
      environment: { UPSTREAM_URL: url, REGION: 'eu-west-1' },
      secretsManager: { get: (name: string) => ({ LOOKUP_TOKEN: SECRET })[name] },
      egress: { allowedAddresses: ['127.0.0.1'] },
    });
    open.push(openworkflow);
    await openworkflow.registerConnector(lookup('REGION'));
    const result = await Workflows.fromString(
      `
name: find
inputs: { id: { type: string, required: true } }
steps:
  - { id: find, connector: "connector:test/lookup@1.0.0", action: find, input: { id: "{{ inputs.id }}" } }
outputs:
  path: { value: "{{ steps.find.output.path }}" }
`,
      { openworkflow },
    ).execute('find', { id: 'a b' });
    expect(result.status).toBe('success');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', authorization: `Bearer ${SECRET}`, region: 'eu-west-1' });
    expect(seen[0]?.url).toBe('/items/a%20b');
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ id: 'a b' });
    expect(result.outputs.path).toBe('/items/a%20b');

    // The same call straight through `invoke`, as the HTTP integration makes it.
    expect(await openworkflow.invoke('lookup', 'find', { id: 'z' })).toEqual({ ok: true, path: '/items/z' });
    expect(seen[1]?.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('refuses loopback by default (POLICY_VIOLATION) and an input that tries to inject a template', async () => {
    const { url, seen } = await upstream();
    const guarded = new OpenWorkflow({
      isolated: true,
      environment: { UPSTREAM_URL: url, REGION: 'x' },
      secretsManager: { get: () => SECRET },
    });
    open.push(guarded);
    await guarded.registerConnector(lookup('REGION'));
    await expect(guarded.invoke('lookup', 'find', { id: '1' })).rejects.toMatchObject({
      code: 'POLICY_VIOLATION',
    });
    expect(seen).toHaveLength(0);

    const allowed = new OpenWorkflow({
      isolated: true,
      environment: { UPSTREAM_URL: url, REGION: 'x' },
      secretsManager: { get: () => SECRET },
      egress: { allowedAddresses: ['127.0.0.1'] },
    });
    open.push(allowed);
    await allowed.registerConnector(lookup('REGION'));
    // Substituted input is never parsed again: the text arrives as it was sent.
    await allowed.invoke('lookup', 'find', { id: '${secrets.LOOKUP_TOKEN}' });
    expect(seen[0]?.url).toBe('/items/$%7Bsecrets.LOOKUP_TOKEN%7D');
  });
});

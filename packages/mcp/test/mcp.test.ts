import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createNativeAgentBackend } from '@openworkflow/agents';
import { createEgressGuard } from '@openworkflow/backend-native';
import { agentsFrom, connectorsFrom, createEngine, systemClock } from '@openworkflow/core';
import type { Agent, Connector, Workflow } from '@openworkflow/schemas';
import { loadAgent, loadConnector, loadWorkflows } from '@openworkflow/schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMcpHandler, discoverMcpConnector, mcpConnectors } from '../src/mcp-connectors.js';
import { McpSessionPool } from '../src/mcp-sessions.js';
// @ts-expect-error -- a plain JavaScript fixture without type declarations
import { buildServer } from './fixtures/tiny-server.mjs';
import { must } from './must.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/tiny-server.mjs', import.meta.url));

function mcpConnector(mcp: string, name = 'tiny'): Connector {
  return must(
    loadConnector(`
connector:
  type: connector
  kind: mcp-server
  name: ${name}
  namespace: test
  version: 1.0.0
  displayName: Tiny MCP server
  description: A test MCP server
  mcp: ${mcp}
`),
  );
}

const stdioConnector = mcpConnector(
  `{ transport: stdio, command: node, args: ["${FIXTURE}", "--stdio"], env: { TINY_GREETING: hello }, expose: [add, echo, fail, wait] }`,
);

const pools: McpSessionPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function poolOf(options: ConstructorParameters<typeof McpSessionPool>[0] = {}): McpSessionPool {
  const pool = new McpSessionPool(options);
  pools.push(pool);
  return pool;
}

function engineFor(connectors: Connector[], pool: McpSessionPool, agents: Agent[] = []) {
  return createEngine({
    clock: systemClock,
    connectors: mcpConnectors(connectorsFrom(connectors), pool),
    handlers: [createMcpHandler(pool)],
    agents: agentsFrom(agents),
    backends: [createNativeAgentBackend()],
  });
}

function step(action: string, input: string, extra = ''): Workflow {
  return must(
    loadWorkflows(`
name: mcp-${action}
steps:
  - id: call
    connector: connector:test/tiny@1.0.0
    action: ${action}
    input: ${input}
${extra}
outputs:
  result: { value: "{{ steps.call.output }}" }
`),
  )[0]!;
}

describe('MCP over stdio (a real server as a child process)', () => {
  const cancelLog = join(mkdtempSync(join(tmpdir(), 'ow-mcp-')), 'cancel.log');
  const options = { allowedCommands: ['node'], environment: () => ({ TINY_CANCEL_LOG: cancelLog }) };

  it('discovers tools as actions with their input schemas, filtered by expose', async () => {
    const connector = await discoverMcpConnector(stdioConnector, poolOf(options));
    expect(connector.actions.map((action) => action.name).sort()).toEqual(['add', 'echo', 'fail', 'wait']);
    const add = connector.actions.find((action) => action.name === 'add')!;
    expect(add.handler).toEqual({ type: 'mcp', tool: 'add' });
    expect(add.input).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' } },
      required: ['a', 'b'],
    });
    expect(add.output).toMatchObject({ properties: { sum: { type: 'number' } } });
  });

  it('calls tools: structuredContent, JSON text, manifest env', async () => {
    const pool = poolOf(options);
    const engine = engineFor([stdioConnector], pool);
    const added = await engine.start(step('add', '{ a: 2, b: 40 }'), {}).result;
    expect(added.status, JSON.stringify(added.error)).toBe('success');
    expect(added.outputs.result).toEqual({ sum: 42 });
    const echoed = await engine.start(step('echo', '{ text: ping }'), {}).result;
    expect(echoed.outputs.result).toEqual({ echoed: 'ping', env: 'hello' });
  });

  it('maps isError to BACKEND_ERROR with the text as the message', async () => {
    const engine = engineFor([stdioConnector], poolOf(options));
    const result = await engine.start(step('fail', '{}'), {}).result;
    expect(result.error).toMatchObject({
      code: 'BACKEND_ERROR',
      message: 'deliberate failure',
      details: { tool: 'fail' },
    });
  });

  it('validates input against the tool schema before calling', async () => {
    const engine = engineFor([stdioConnector], poolOf(options));
    const result = await engine.start(step('add', '{ a: two, b: 1 }'), {}).result;
    expect(result.error).toMatchObject({ code: 'VALIDATION', details: { field: 'a' } });
  });

  it('sends a cancellation to the server when the step times out', async () => {
    const pool = poolOf(options);
    // Start the server first: the step's time limit counts from the step's start.
    await pool.session(stdioConnector);
    const engine = engineFor([stdioConnector], pool);
    const result = await engine.start(step('wait', '{ ms: 20000 }', '    timeout: 2s'), {}).result;
    expect(result.error).toMatchObject({ code: 'TIMEOUT' });
    let log = '';
    for (let tries = 0; tries < 300 && !log.includes('canceled'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        log = readFileSync(cancelLog, 'utf8');
      } catch {
        log = '';
      }
    }
    expect(log).toContain('canceled');
  });

  it('starts stdio servers only from the allowlist', async () => {
    const engine = engineFor([stdioConnector], poolOf({ allowedCommands: ['npx'] }));
    const result = await engine.start(step('add', '{ a: 1, b: 1 }'), {}).result;
    expect(result.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { command: 'node' } });
  });

  it('refuses websocket without a registered transport (UNAVAILABLE)', async () => {
    const ws = mcpConnector('{ transport: websocket, endpoint: "wss://mcp.example.test" }');
    const error = await discoverMcpConnector(ws, poolOf()).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { transport: 'websocket' } });
  });

  it('MCP tools are agent tools like any other action', async () => {
    const agent = must(
      loadAgent(`
schemaVersion: 0.1.0
type: agent
name: mathy
namespace: test
version: 1.0.0
model:
  provider: scripted
  id: m
  providerConfig:
    script:
      - toolCalls: [{ tool: tiny_add, arguments: { a: 5, b: 6 } }]
      - text: '{"answer": 11}'
toolset: [connector:test/tiny@1.0.0]
io: { outputSchema: { type: object, required: [answer] } }
`),
    );
    const engine = engineFor([stdioConnector], poolOf(options), [agent]);
    const workflow = must(
      loadWorkflows(
        'name: ask\nsteps:\n  - id: think\n    type: agent\n    agent: agent:test/mathy@1.0.0\n    input: { q: "5+6" }\noutputs:\n  answer: { value: "{{ steps.think.output.answer }}" }\n',
      ),
    )[0]!;
    const run = engine.start(workflow, {});
    const result = await run.result;
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.answer).toBe(11);
    const events = [];
    for await (const event of run.events()) events.push(event);
    expect(events.find((event) => event.type === 'agent.tool-call')?.data).toMatchObject({
      tool: 'tiny_add',
      connector: 'connector:test/tiny@1.0.0',
      status: 'success',
    });
  });
});

describe('MCP over streamable HTTP (a real server on loopback)', () => {
  let server: Server;
  let endpoint: string;
  let canceled = 0;
  let waits = 0;

  beforeAll(async () => {
    const transports = new Map<string, StreamableHTTPServerTransport>();
    server = createServer(async (request, response) => {
      const session = request.headers['mcp-session-id'];
      let transport = typeof session === 'string' ? transports.get(session) : undefined;
      if (transport === undefined) {
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            transports.set(id, transport!);
          },
        });
        await buildServer(
          () => canceled++,
          () => waits++,
        ).connect(transport);
      }
      await transport.handleRequest(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const httpConnector = () => mcpConnector(`{ transport: streamable-http, endpoint: "${endpoint}" }`);
  const loopbackGuard = () => createEgressGuard({ allowedAddresses: ['127.0.0.1'] });

  it('discovers and calls tools, one session for every call', async () => {
    const pool = poolOf({ egressGuard: loopbackGuard() });
    const connector = await discoverMcpConnector(httpConnector(), pool);
    expect(connector.actions.map((action) => action.name).sort()).toEqual([
      'add',
      'admin_reset',
      'echo',
      'fail',
      'wait',
    ]);
    const engine = engineFor([httpConnector()], pool);
    const first = await engine.start(step('add', '{ a: 1, b: 2 }'), {}).result;
    const second = await engine.start(step('echo', '{ text: over-http }'), {}).result;
    expect(first.outputs.result).toEqual({ sum: 3 });
    expect(second.outputs.result).toEqual({ echoed: 'over-http', env: null });
    expect(await pool.session(httpConnector())).toBe(await pool.session(httpConnector()));
  });

  it('sends notifications/cancelled when the run is canceled', async () => {
    const pool = poolOf({ egressGuard: loopbackGuard() });
    const engine = engineFor([httpConnector()], pool);
    const before = canceled;
    const waitsBefore = waits;
    const run = engine.start(step('wait', '{ ms: 20000 }'), {});
    // Cancel once the server is running the tool (not by sleeping: the machine may be slow).
    for (let tries = 0; tries < 1000 && waits === waitsBefore; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(waits).toBe(waitsBefore + 1);
    await run.cancel('stop');
    expect((await run.result).status).toBe('canceled');
    for (let tries = 0; tries < 200 && canceled === before; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(canceled).toBe(before + 1);
  });

  it('refuses a loopback endpoint under the default egress guard (SSRF)', async () => {
    const error = await discoverMcpConnector(httpConnector(), poolOf()).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'POLICY_VIOLATION' });
  });
});

/**
 * Against a real MCP server published on npm, `@modelcontextprotocol/server-everything`, started
 * over stdio as a child process: discover, call, error and cancel.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { connectorsFrom, createEngine, systemClock } from '@openworkflow/core';
import type { Connector, Workflow } from '@openworkflow/schemas';
import { loadConnector, loadWorkflows } from '@openworkflow/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { createMcpHandler, discoverMcpConnector, mcpConnectors } from '../src/mcp-connectors.js';
import { McpSessionPool } from '../src/mcp-sessions.js';
import { must } from './must.js';

const require = createRequire(import.meta.url);
const ENTRY = join(
  dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist/index.js',
);

const connector: Connector = must(
  loadConnector(`
connector:
  type: connector
  kind: mcp-server
  name: everything
  namespace: npm
  version: 1.0.0
  displayName: MCP everything server
  description: The MCP reference test server from npm
  mcp: { transport: stdio, command: node, args: ["${ENTRY}", stdio], expose: [echo, get-sum, trigger-long-running-operation] }
`),
);

const pool = new McpSessionPool({ allowedCommands: ['node'] });
afterAll(() => pool.close());

function call(action: string, input: string): Workflow {
  return must(
    loadWorkflows(`
name: everything-${action}
steps:
  - id: call
    connector: connector:npm/everything@1.0.0
    action: ${action}
    input: ${input}
outputs:
  result: { value: "{{ steps.call.output }}" }
`),
  )[0]!;
}

const engine = createEngine({
  clock: systemClock,
  connectors: mcpConnectors(connectorsFrom([connector]), pool),
  handlers: [createMcpHandler(pool)],
});

describe('@modelcontextprotocol/server-everything over stdio', () => {
  it('discovers its tools, filtered by expose', async () => {
    const discovered = await discoverMcpConnector(connector, pool);
    expect(discovered.actions.map((action) => action.name).sort()).toEqual([
      'echo',
      'get_sum',
      'trigger_long_running_operation',
    ]);
    // Action names are identifiers; the handler keeps the tool's own name.
    expect(discovered.actions.find((action) => action.name === 'get_sum')?.handler).toEqual({
      type: 'mcp',
      tool: 'get-sum',
    });
    expect(discovered.actions.find((action) => action.name === 'echo')?.input).toMatchObject({
      properties: { message: { type: 'string' } },
    });
  });

  it('calls a tool; a plain-text result comes back as the content list', async () => {
    const result = await engine.start(call('echo', '{ message: hello }'), {}).result;
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.result).toEqual({ content: [{ type: 'text', text: 'Echo: hello' }] });
  });

  it('maps a tool error to BACKEND_ERROR', async () => {
    const discovered = await discoverMcpConnector(connector, pool);
    const action = discovered.actions.find((candidate) => candidate.name === 'get_sum')!;
    // Bypass our own input validation to see the server's refusal.
    const error = await createMcpHandler(pool)
      .execute({
        connector: discovered,
        action,
        input: { a: 'one', b: 2 },
        context: { signal: new AbortController().signal } as never,
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'BACKEND_ERROR', details: { tool: 'get-sum' } });
  });

  it('a canceled run stops waiting for a long-running tool', async () => {
    const run = engine.start(call('trigger_long_running_operation', '{ duration: 30, steps: 30 }'), {});
    for await (const event of run.events()) if (event.type === 'step.started') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await run.cancel('enough');
    const result = await run.result;
    expect(result.status).toBe('canceled');
    expect(result.steps.call?.status).toBe('canceled');
  });
});

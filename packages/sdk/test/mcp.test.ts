/**
 * `kind: mcp-server` connectors through the SDK facade, against a real MCP server over stdio:
 * discovery at registration, tool calls in workflows and `invoke`, the command allowlist, the
 * working directory, `close()` stopping the server, and the lazy import of `@openworkflow/mcp`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OpenWorkflow, OpenWorkflowError, Workflows } from '../src/index.js';
import { runRecordingModules } from './modules-loaded.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ow-sdk-mcp-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

/** The tiny server's connector document; its script path is relative (to `mcp.workingDirectory`). */
function tinyConnector(pidFile: string): object {
  return {
    connector: {
      type: 'connector',
      kind: 'mcp-server',
      name: 'tiny',
      namespace: 'test',
      version: '1.0.0',
      displayName: 'Tiny MCP server',
      description: 'A test MCP server',
      mcp: {
        transport: 'stdio',
        command: 'node',
        args: ['mcp-server.mjs', '--stdio'],
        env: { MCP_PID_FILE: pidFile },
        expose: ['add', 'echo', 'fail'],
      },
    },
  };
}

const FLOW = `
name: sum
inputs:
  a: { type: number, required: true }
steps:
  - id: add
    type: action
    connector: connector:test/tiny@1.0.0
    action: add
    input: { a: "{{ inputs.a }}", b: 2 }
  - id: fail
    type: action
    connector: connector:test/tiny@1.0.0
    action: fail
    input: {}
    continueOnError: true
outputs:
  sum: { value: "{{ steps.add.output.sum }}" }
`;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('MCP-server connectors in the SDK', () => {
  it('discovers tools at registration, runs them in workflows and invoke, and close() stops the server', async () => {
    const pidFile = join(directory, 'tiny.pid');
    const openworkflow = new OpenWorkflow({ mcp: { allowedCommands: ['node'], workingDirectory: FIXTURES } });
    let pid: number;
    try {
      const connector = await openworkflow.registerConnector(tinyConnector(pidFile));
      expect(connector.actions.map((action) => action.name).sort()).toEqual(['add', 'echo', 'fail']);
      expect(connector.actions.find((action) => action.name === 'add')?.handler).toEqual({
        type: 'mcp',
        tool: 'add',
      });
      pid = Number(await readFile(pidFile, 'utf8'));
      expect(isRunning(pid)).toBe(true);

      const result = await Workflows.fromString(FLOW, { openworkflow }).execute('sum', { a: 40 });
      expect(result.status).toBe('success');
      expect(result.outputs).toEqual({ sum: 42 });
      expect(result.steps.fail?.status).toBe('failed');
      expect(result.steps.fail?.error?.code).toBe('BACKEND_ERROR');

      expect(await openworkflow.invoke('test/tiny', 'echo', { text: 'hi' })).toEqual({
        echoed: 'hi',
        env: null,
      });
    } finally {
      await openworkflow.close();
    }
    // The session (and so the stdio server) ended with the instance.
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 20_000, interval: 50 });
  }, 60_000);

  it('starts no command unless allowed: registration is PERMISSION_DENIED by default', async () => {
    const pidFile = join(directory, 'denied.pid');
    const openworkflow = new OpenWorkflow({ mcp: { workingDirectory: FIXTURES } });
    try {
      const failure = await openworkflow.registerConnector(tinyConnector(pidFile)).catch((error) => error);
      expect(failure).toBeInstanceOf(OpenWorkflowError);
      expect((failure as OpenWorkflowError).code).toBe('PERMISSION_DENIED');
      expect((failure as OpenWorkflowError).details).toMatchObject({ command: 'node' });
      expect(openworkflow.connectors).toEqual([]);
      await expect(readFile(pidFile, 'utf8')).rejects.toThrow();
    } finally {
      await openworkflow.close();
    }
  }, 60_000);

  it('HTTP endpoints pass the egress guard: loopback is refused by default, reachable once allowed', async () => {
    const document = tinyConnector('unused') as { connector: Record<string, unknown> };
    const http = {
      connector: {
        ...document.connector,
        mcp: { transport: 'streamable-http', endpoint: 'http://127.0.0.1:9/mcp' },
      },
    };
    const guarded = new OpenWorkflow();
    const allowed = new OpenWorkflow({ egress: { allowedAddresses: ['127.0.0.1'] } });
    try {
      const refused = await guarded.registerConnector(http).catch((error) => error);
      expect(refused).toBeInstanceOf(OpenWorkflowError);
      expect((refused as OpenWorkflowError).code).toBe('POLICY_VIOLATION');
      expect(guarded.connectors).toEqual([]);
      // Allowed by `egress`, the connection itself is tried (nothing listens on port 9).
      const unreachable = await allowed.registerConnector(http).catch((error) => error);
      expect((unreachable as OpenWorkflowError).code).toBe('UNAVAILABLE');
    } finally {
      await guarded.close();
      await allowed.close();
    }
  }, 60_000);
});

describe('lazy loading of the MCP package', () => {
  const SDK = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

  async function modulesAfter(withMcp: boolean, name: string): Promise<{ output: string; mcp: boolean }> {
    const pidFile = join(directory, `${name}.pid`);
    const script = `
      import { OpenWorkflow, Workflows } from ${JSON.stringify(SDK)};
      const openworkflow = new OpenWorkflow({ mcp: { allowedCommands: ['node'], workingDirectory: ${JSON.stringify(FIXTURES)} } });
      openworkflow.registerHandler('twice', ({ n }) => ({ n: n * 2 }));
      await openworkflow.registerConnector({ connector: { type: 'connector', kind: 'sdk', name: 'math', namespace: 'test', version: '1.0.0', displayName: 'Math', description: 'Math' }, actions: [{ name: 'twice', description: 'Doubles', handler: { function: 'twice' } }] });
      ${withMcp ? `await openworkflow.registerConnector(${JSON.stringify(tinyConnector(pidFile))});` : ''}
      const flow = 'name: w\\nsteps:\\n  - { id: t, type: action, connector: "connector:test/math@1.0.0", action: twice, input: { n: 21 } }\\noutputs:\\n  n: { value: "{{ steps.t.output.n }}" }\\n';
      const result = await Workflows.fromString(flow, { openworkflow }).execute('w');
      await openworkflow.close();
      console.log(JSON.stringify(result.outputs));
    `;
    const { lastLine, modules } = await runRecordingModules(script, join(directory, `${name}.modules`));
    return {
      output: lastLine,
      mcp: /packages[\\/]mcp[\\/]|@openworkflow[\\/]mcp[\\/]|modelcontextprotocol/.test(modules),
    };
  }

  it('a project without MCP connectors never imports @openworkflow/mcp or the MCP SDK; one with them does', async () => {
    expect(await modulesAfter(false, 'plain')).toEqual({ output: '{"n":42}', mcp: false });
    expect(await modulesAfter(true, 'with-mcp')).toEqual({ output: '{"n":42}', mcp: true });
  }, 60_000);
});

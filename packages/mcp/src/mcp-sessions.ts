import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createEgressGuard, type EgressGuard } from '@openworkflow/backend-native';
import { OpenWorkflowError } from '@openworkflow/core';
import type { Connector } from '@openworkflow/schemas';
import { CONNECT_TIMEOUT_MS } from './limits.js';

/** Makes a transport for a connector (register one for `websocket`, or to replace a built-in). */
export type McpTransportFactory = (connector: Connector) => Transport | Promise<Transport>;

/** Options of {@link McpSessionPool}. */
export interface McpSessionPoolOptions {
  /**
   * Commands a `stdio` connector may start (exact `mcp.command` values, e.g. `node`, `npx`). A
   * manifest names the program the runtime executes, so nothing runs unless listed. Default: none.
   */
  readonly allowedCommands?: readonly string[];
  /** Checks HTTP endpoints (the SSRF guard). Default: the native egress guard's default-deny profile. */
  readonly egressGuard?: EgressGuard;
  /** Extra or replacement transports by `mcp.transport`. */
  readonly transports?: Readonly<Record<string, McpTransportFactory>>;
  /** Headers for HTTP transports per connector (auth). */
  readonly headers?: (connector: Connector) => Readonly<Record<string, string>> | undefined;
  /** Environment for stdio servers besides `mcp.env` (e.g. a token). Default: nothing else. */
  readonly environment?: (connector: Connector) => Readonly<Record<string, string>> | undefined;
  /** Working directory of `stdio` servers (relative `mcp.args` resolve against it). Default: the process's. */
  readonly workingDirectory?: string;
  /** Reported to servers in `initialize`. */
  readonly clientInfo?: { readonly name: string; readonly version: string };
}

function refuse(message: string, connector: Connector, details: Record<string, string>): OpenWorkflowError {
  return new OpenWorkflowError('PERMISSION_DENIED', message, {
    details: { connector: connector.id, ...details },
  });
}

/**
 * One MCP client session per connector (digest §15.2 item 6): created on first use, with the
 * `initialize` handshake, and reused by every discovery and tool call until `close()`.
 */
export class McpSessionPool {
  readonly #options: McpSessionPoolOptions;
  readonly #sessions = new Map<string, Promise<Client>>();
  readonly #guard: EgressGuard;

  constructor(options: McpSessionPoolOptions = {}) {
    this.#options = options;
    this.#guard = options.egressGuard ?? createEgressGuard();
  }

  /** The session of `connector`, connecting it the first time. A failed connection is not cached. */
  session(connector: Connector): Promise<Client> {
    let session = this.#sessions.get(connector.id);
    if (session === undefined) {
      session = this.#connect(connector);
      this.#sessions.set(connector.id, session);
      session.catch(() => this.#sessions.delete(connector.id));
    }
    return session;
  }

  async #transport(connector: Connector): Promise<Transport> {
    const mcp = connector.mcp;
    if (mcp === undefined) {
      throw new OpenWorkflowError('VALIDATION', `Connector '${connector.id}' has no mcp settings`, {
        details: { connector: connector.id, field: 'mcp', constraint: 'required' },
      });
    }
    const custom = this.#options.transports?.[mcp.transport];
    if (custom !== undefined) return await custom(connector);
    switch (mcp.transport) {
      case 'stdio': {
        const command = mcp.command;
        if (command === undefined || !(this.#options.allowedCommands ?? []).includes(command)) {
          throw refuse(`MCP command '${command ?? ''}' is not in the allowed commands`, connector, {
            command: command ?? '',
            suggestion: 'Add the command to McpSessionPoolOptions.allowedCommands',
          });
        }
        const { StdioClientTransport, getDefaultEnvironment } = await import(
          '@modelcontextprotocol/sdk/client/stdio.js'
        );
        return new StdioClientTransport({
          command,
          args: [...(mcp.args ?? [])],
          // Only the SDK's minimal environment (PATH, HOME…) plus what the manifest and operator give: never the runtime's secrets.
          env: { ...getDefaultEnvironment(), ...mcp.env, ...this.#options.environment?.(connector) },
          stderr: 'ignore',
          ...(this.#options.workingDirectory === undefined ? {} : { cwd: this.#options.workingDirectory }),
        });
      }
      case 'streamable-http':
      case 'sse': {
        if (mcp.endpoint === undefined) {
          throw new OpenWorkflowError('VALIDATION', `Connector '${connector.id}' needs mcp.endpoint`, {
            details: { connector: connector.id, field: 'mcp.endpoint', constraint: 'required' },
          });
        }
        await this.#guard.check(mcp.endpoint);
        const headers = { ...this.#options.headers?.(connector) };
        const url = new URL(mcp.endpoint);
        if (mcp.transport === 'sse') {
          const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
          return new SSEClientTransport(url, { requestInit: { headers } });
        }
        const { StreamableHTTPClientTransport } = await import(
          '@modelcontextprotocol/sdk/client/streamableHttp.js'
        );
        return new StreamableHTTPClientTransport(url, { requestInit: { headers } });
      }
      default:
        throw new OpenWorkflowError('UNAVAILABLE', `No MCP transport '${mcp.transport}' is registered`, {
          details: {
            connector: connector.id,
            transport: mcp.transport,
            suggestion: `Register a transport factory for '${mcp.transport}' in McpSessionPoolOptions.transports (WebSocket is not a standard MCP transport)`,
          },
        });
    }
  }

  async #connect(connector: Connector): Promise<Client> {
    const transport = await this.#transport(connector);
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client(this.#options.clientInfo ?? { name: 'openworkflow', version: '0.1.0' }, {
      capabilities: {},
    });
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new OpenWorkflowError('UNAVAILABLE', `Could not start an MCP session with '${connector.id}'`, {
        details: {
          connector: connector.id,
          transport: connector.mcp?.transport ?? '',
          original_error: error instanceof Error ? error.message : String(error),
        },
        cause: error,
      });
    }
    return client;
  }

  /** Closes every session (stdio servers are stopped). */
  async close(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(
      sessions.map((session) => session.then((client) => client.close()).catch(() => undefined)),
    );
  }
}

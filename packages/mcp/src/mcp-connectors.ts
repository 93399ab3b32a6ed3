import type { ConnectorResolver, HandlerExecutor } from '@openworkflow/core';
import { OpenWorkflowError, toOpenWorkflowError } from '@openworkflow/core';
import type { Action, Connector, JsonObject, JsonSchema } from '@openworkflow/schemas';
import { LIST_TIMEOUT_MS, MAX_TOOL_PAGES, MAX_TOOLS } from './limits.js';
import type { McpSessionPool } from './mcp-sessions.js';
import { type ToolResultLike, toolResultToOutput } from './result-mapping.js';

/** The fields of an MCP tool the mapping reads. */
interface ToolLike {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
}

/**
 * The action name of a tool: workflow steps name actions with identifiers, MCP tools often use
 * `-` or `.` (`get-sum`), so every other character becomes `_` (and a leading digit gets `_`).
 * The handler keeps the tool's real name.
 */
export function actionNameForTool(tool: string): string {
  const name = tool.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function exposed(connector: Connector, tool: string): boolean {
  const expose = connector.mcp?.expose ?? 'all';
  return expose === 'all' || expose.includes(tool) || expose.includes(actionNameForTool(tool));
}

/** An MCP tool as an action (digest §15.2 item 3): name, description, input and output schemas. */
function actionOf(connector: Connector, tool: ToolLike): Action {
  return {
    name: actionNameForTool(tool.name),
    description: tool.description ?? tool.name,
    ...(tool.inputSchema === undefined ? {} : { input: tool.inputSchema as JsonSchema }),
    ...(tool.outputSchema === undefined ? {} : { output: tool.outputSchema as JsonSchema }),
    handler: { type: 'mcp', tool: tool.name },
    source: connector.source,
  };
}

/**
 * Lists the server's tools (`tools/list`, every page) and returns the connector with them as
 * actions, filtered by `mcp.expose`. Actions written in the manifest win over discovered tools of
 * the same name and are kept when the server lacks them.
 */
export async function discoverMcpConnector(connector: Connector, pool: McpSessionPool): Promise<Connector> {
  const client = await pool.session(connector);
  const tools: ToolLike[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const listed = await client.listTools(cursor === undefined ? {} : { cursor }, {
      timeout: LIST_TIMEOUT_MS,
    });
    tools.push(...(listed.tools as ToolLike[]));
    cursor = listed.nextCursor;
    if (cursor === undefined || tools.length >= MAX_TOOLS) break;
  }
  const declared = new Map(connector.actions.map((action) => [action.name, action]));
  const actions: Action[] = [];
  const seen = new Map<string, string>();
  for (const tool of tools.slice(0, MAX_TOOLS)) {
    if (!exposed(connector, tool.name)) continue;
    const name = actionNameForTool(tool.name);
    const clash = seen.get(name);
    if (clash !== undefined) {
      throw new OpenWorkflowError(
        'VALIDATION',
        `MCP tools '${clash}' and '${tool.name}' of '${connector.id}' map to one action name '${name}'`,
        {
          details: {
            connector: connector.id,
            field: 'actions',
            constraint: 'unique-action-name',
            action: name,
          },
        },
      );
    }
    seen.set(name, tool.name);
    actions.push(declared.get(name) ?? actionOf(connector, tool));
    declared.delete(name);
  }
  actions.push(...declared.values());
  return { ...connector, actions };
}

/**
 * A connector resolver that completes `kind: mcp-server` connectors with their discovered tools
 * (once per connector; a failed discovery is retried on the next lookup) and passes every other
 * connector through.
 *
 * @example
 * const pool = new McpSessionPool({ allowedCommands: ['node'] });
 * const engine = createEngine({ connectors: mcpConnectors(connectorsFrom(list), pool), handlers: [createMcpHandler(pool)] });
 */
export function mcpConnectors(base: ConnectorResolver, pool: McpSessionPool): ConnectorResolver {
  const discovered = new Map<string, Promise<Connector>>();
  return (reference) => {
    const found = base(reference);
    const complete = (connector: Connector | undefined): Connector | undefined | Promise<Connector> => {
      if (connector === undefined || connector.kind !== 'mcp-server') return connector;
      let pending = discovered.get(connector.id);
      if (pending === undefined) {
        pending = discoverMcpConnector(connector, pool);
        discovered.set(connector.id, pending);
        pending.catch(() => discovered.delete(connector.id));
      }
      return pending;
    };
    return found instanceof Promise ? found.then(complete) : complete(found);
  };
}

/**
 * The executor of `handler: {mcp: {tool}}` actions: `tools/call` on the connector's session with
 * the step's signal (an abort sends `notifications/cancelled`) and its deadline as the request
 * timeout; results map by {@link toolResultToOutput}.
 */
export function createMcpHandler(pool: McpSessionPool): HandlerExecutor {
  return {
    type: 'mcp',
    async execute({ connector, action, input, context }) {
      const handler = action.handler;
      if (handler.type !== 'mcp') {
        throw new OpenWorkflowError('INTERNAL_ERROR', `The mcp executor got a '${handler.type}' handler`, {
          details: { connector: connector.id, action: action.name },
        });
      }
      const client = await pool.session(connector);
      // The step's own deadline aborts the signal (engine clock); this is the connector's ceiling.
      const timeout = connector.runtime.timeoutMs;
      let result: ToolResultLike;
      try {
        result = (await client.callTool({ name: handler.tool, arguments: input as JsonObject }, undefined, {
          signal: context.signal,
          timeout,
        })) as ToolResultLike;
      } catch (error) {
        if (context.signal.aborted) throw context.signal.reason ?? error;
        const failure = toOpenWorkflowError(error, 'BACKEND_ERROR', {
          connector: connector.id,
          tool: handler.tool,
          ...(error instanceof Error ? { original_error: error.message } : {}),
        });
        // The SDK's own request timeout is a TIMEOUT, whatever class it throws.
        if (error instanceof Error && /timed out|timeout/i.test(error.message))
          throw new OpenWorkflowError('TIMEOUT', failure.message, { details: failure.details, cause: error });
        throw failure;
      }
      return toolResultToOutput(result, handler.tool, connector.id);
    },
  };
}

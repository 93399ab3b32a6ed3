import { OpenWorkflowError } from '@openworkflow/core';
import type { Action, Connector, JsonObject, ToolsetEntry } from '@openworkflow/schemas';
import type { ToolSpec } from './model-provider.js';
import { toolNameFor } from './tool-names.js';

/** A connector action offered to the model as a tool. */
export interface AgentTool {
  readonly spec: ToolSpec;
  readonly connector: Connector;
  readonly action: Action;
  /** The toolset entry that brought it in (its per-connector `rateLimit`). */
  readonly entry: ToolsetEntry;
}

/** The tools of an agent, plus the names its deny lists removed (a call to one is reported `denied`). */
export interface Toolset {
  readonly tools: ReadonlyMap<string, AgentTool>;
  readonly denied: ReadonlySet<string>;
}

function parametersOf(action: Action): JsonObject {
  const schema = action.input;
  if (schema !== undefined && typeof schema === 'object' && schema.type === 'object')
    return schema as JsonObject;
  if (schema !== undefined && typeof schema === 'object')
    return { type: 'object', ...(schema as JsonObject) };
  return { type: 'object', properties: {} };
}

/**
 * Builds the tools from `toolset` (spec/agents-execution.md, "Tools"): every action of each
 * connector, filtered by the entry's `actions` allowlist and `deny` list, named by
 * {@link toolNameFor}. An unknown connector is `UNAVAILABLE`; an allowlisted action the connector
 * lacks, or two tools with one name, is `VALIDATION`.
 */
export async function buildToolset(
  entries: readonly ToolsetEntry[],
  resolve: (reference: string) => Promise<Connector | undefined>,
): Promise<Toolset> {
  const tools = new Map<string, AgentTool>();
  const denied = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const connector = await resolve(entry.connector);
    if (connector === undefined) {
      throw new OpenWorkflowError('UNAVAILABLE', `Toolset connector '${entry.connector}' is not available`, {
        details: {
          connector: entry.connector,
          field: `toolset[${index}]`,
          suggestion: 'Register or install the connector before running the agent',
        },
      });
    }
    for (const name of entry.actions ?? []) {
      if (!connector.actions.some((action) => action.name === name)) {
        throw new OpenWorkflowError('VALIDATION', `Connector '${connector.id}' has no action '${name}'`, {
          details: { field: `toolset[${index}].actions`, constraint: 'exists', connector: connector.id },
        });
      }
    }
    for (const action of connector.actions) {
      const name = toolNameFor(connector, action);
      const allowed = entry.actions === undefined || entry.actions.includes(action.name);
      if (!allowed || (entry.deny ?? []).includes(action.name)) {
        denied.add(name);
        continue;
      }
      if (tools.has(name)) {
        throw new OpenWorkflowError('VALIDATION', `Two toolset actions share the tool name '${name}'`, {
          details: { field: `toolset[${index}]`, constraint: 'unique-tool-name', tool: name },
        });
      }
      tools.set(name, {
        spec: { name, description: action.description, parameters: parametersOf(action) },
        connector,
        action,
        entry,
      });
    }
  }
  for (const name of tools.keys()) denied.delete(name);
  return { tools, denied };
}

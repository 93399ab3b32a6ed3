import { OpenWorkflowError } from '@openworkflow/core';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';

/** The parts of an MCP `CallToolResult` the mapping reads. */
export interface ToolResultLike {
  readonly content?: readonly { readonly type: string; readonly text?: string }[];
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

function texts(result: ToolResultLike): string[] {
  return (result.content ?? [])
    .filter((item) => item.type === 'text' && typeof item.text === 'string')
    .map((item) => item.text!);
}

/**
 * A tool result as an action output (digest §15.2 item 4): `isError` → `BACKEND_ERROR` with the
 * text content as the message; otherwise `structuredContent`, else the JSON of a single text
 * item, else `{content: [...]}`.
 */
export function toolResultToOutput(result: ToolResultLike, tool: string, connector: string): JsonValue {
  if (result.isError === true) {
    const message = texts(result).join('\n') || `MCP tool '${tool}' failed`;
    throw new OpenWorkflowError('BACKEND_ERROR', message, { details: { connector, tool, mcp_error: true } });
  }
  if (result.structuredContent !== undefined) return result.structuredContent as JsonObject;
  const content = result.content ?? [];
  if (content.length === 1 && content[0]!.type === 'text') {
    try {
      return JSON.parse(content[0]!.text ?? '') as JsonValue;
    } catch {
      // Plain text: fall through to the content list.
    }
  }
  return { content: content as unknown as JsonValue[] };
}

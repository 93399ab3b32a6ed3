export { CONNECT_TIMEOUT_MS, LIST_TIMEOUT_MS, MAX_TOOL_PAGES, MAX_TOOLS } from './limits.js';
export {
  actionNameForTool,
  createMcpHandler,
  discoverMcpConnector,
  mcpConnectors,
} from './mcp-connectors.js';
export { McpSessionPool, type McpSessionPoolOptions, type McpTransportFactory } from './mcp-sessions.js';
export { type ToolResultLike, toolResultToOutput } from './result-mapping.js';

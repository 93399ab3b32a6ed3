/** Limits of the MCP integration, each with its reason. */

/** Time to start a server and finish `initialize`: a stdio server that does not answer by then is broken, not slow. */
export const CONNECT_TIMEOUT_MS = 30_000;

/** Time limit of `tools/list` (per page). */
export const LIST_TIMEOUT_MS = 30_000;

/** Pages of `tools/list` followed: a server that paginates forever cannot hold the loader. */
export const MAX_TOOL_PAGES = 50;

/** Tools taken from one server: more is a misconfiguration (and more than a model can use). */
export const MAX_TOOLS = 1000;

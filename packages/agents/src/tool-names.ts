import type { Action, Connector, JsonValue } from '@openworkflow/schemas';
import { MAX_TOOL_NAME_LENGTH } from './limits.js';

/** Replaces every character that is not a letter, digit or `_` (the providers' tool-name alphabet). */
function identifier(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

/** `capabilities.frameworks.langchain.tool_prefix`, when the connector declares one. */
function declaredPrefix(connector: Connector): string | undefined {
  let current: JsonValue | undefined = connector.capabilities ?? undefined;
  for (const key of ['frameworks', 'langchain', 'tool_prefix']) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return typeof current === 'string' && current !== '' ? current : undefined;
}

/**
 * The tool name of a connector action (digest §10.4): `<connector>_<action>` with every
 * non-identifier character replaced by `_` (`web-search` + `search` → `web_search_search`), or
 * `<tool_prefix>_<action>` when the connector declares a LangChain tool prefix. Names are cut to
 * the providers' 64 characters.
 */
export function toolNameFor(connector: Connector, action: Action): string {
  const prefix = declaredPrefix(connector) ?? connector.name;
  return identifier(`${prefix}_${action.name}`).slice(0, MAX_TOOL_NAME_LENGTH);
}

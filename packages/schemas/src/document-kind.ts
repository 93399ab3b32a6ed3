/** Recognising which kind of document a parsed root is (spec/loader.md#document-kinds). */
import type { JsonObject } from './model.js';
import { has, isObject, own } from './normalize-context.js';

/** The document kinds the loader tells apart; agents come in two forms with two schemas. */
export type DocumentKind = 'workflow' | 'connector' | 'agent-manifest' | 'agent-formal' | 'bundle';

const BY_TYPE: Readonly<Record<string, DocumentKind>> = {
  workflow: 'workflow',
  connector: 'connector',
  agent: 'agent-manifest',
  bundle: 'bundle',
};

/**
 * Detects the kind of a document root, or `undefined` when nothing identifies it. In order: a
 * `workflows` list or `workflow` block, an explicit `type`, a `connector` block, the formal agent's
 * `agent`/`instructions`, then `steps`, `includes` and `actions`.
 */
export function detectDocumentKind(root: JsonObject): DocumentKind | undefined {
  if (has(root, 'workflows') || isObject(own(root, 'workflow'))) return 'workflow';
  const type = own(root, 'type');
  if (typeof type === 'string' && Object.hasOwn(BY_TYPE, type)) return BY_TYPE[type];
  if (isObject(own(root, 'connector'))) return 'connector';
  if (isObject(own(root, 'agent')) || has(root, 'instructions')) return 'agent-formal';
  if (has(root, 'steps')) return 'workflow';
  if (has(root, 'includes')) return 'bundle';
  if (has(root, 'actions')) return 'connector';
  return undefined;
}

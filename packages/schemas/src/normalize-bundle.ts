/** Bundles: typed, pinned `includes` (spec/bundles.md). */
import { appendPointer } from './json-pointer.js';
import type { Bundle, JsonObject, ResourceId } from './model.js';
import { type NormalizeContext, readArray, readString, sourceOf } from './normalize-context.js';
import {
  checkReference,
  readDeprecation,
  readMetadata,
  readRequires,
  readSchemaVersion,
  requireForRegistry,
} from './normalize-shared.js';
import { classifyVersion, formatResourceId, parseResourceId } from './resource-id.js';

/** Normalises a bundle manifest (spec/bundles.md). */
export function normalizeBundle(context: NormalizeContext, root: JsonObject): Bundle | undefined {
  requireForRegistry(context, root, '', ['schemaVersion', 'displayName', 'description']);
  const schemaVersion = readSchemaVersion(context, root, '');
  const requires = readRequires(context, root, '');
  const includes = readIncludes(context, root);
  const name = readString(root, 'name');
  const namespace = readString(root, 'namespace');
  const version = readString(root, 'version');
  if (name === undefined || namespace === undefined || version === undefined) return undefined;
  const displayName = readString(root, 'displayName');
  const description = readString(root, 'description');
  const deprecated = readDeprecation(root);
  return {
    type: 'bundle',
    id: `bundle:${namespace}/${name}@${version}`,
    name,
    namespace,
    version,
    ...(displayName !== undefined ? { displayName } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(schemaVersion !== undefined ? { schemaVersion } : {}),
    includes,
    metadata: readMetadata(root),
    ...(deprecated !== undefined ? { deprecated } : {}),
    ...(requires !== undefined ? { requires } : {}),
    source: sourceOf(context, ''),
  };
}

/**
 * Reads `includes`: each a typed reference, no duplicates, no nested bundles, and an exact version —
 * a warning normally, an error in registry mode (bundles pin what they install).
 */
function readIncludes(context: NormalizeContext, root: JsonObject): ResourceId[] {
  const includes: ResourceId[] = [];
  const seen = new Map<string, string>();
  (readArray(root, 'includes') ?? []).forEach((item, index) => {
    const pointer = appendPointer('/includes', index);
    if (typeof item !== 'string' || !checkReference(context, item, 'any', pointer)) return;
    const parsed = parseResourceId(item);
    if (!parsed.ok) return;
    const id = parsed.value;
    const { version: _version, ...unversioned } = id;
    const key = formatResourceId(unversioned);
    const first = seen.get(key);
    if (first !== undefined) {
      context.diagnostics.report(
        'OW_BUNDLE_DUPLICATE_INCLUDE',
        pointer,
        `${key} is already included at ${first}`,
      );
    } else {
      seen.set(key, pointer);
    }
    if (id.type === 'bundle') {
      context.diagnostics.report('OW_BUNDLE_NESTED', pointer, 'A bundle cannot include another bundle');
    }
    if (id.version === undefined || classifyVersion(id.version) !== 'exact') {
      context.diagnostics.report(
        'OW_BUNDLE_UNPINNED_INCLUDE',
        pointer,
        `${item} does not pin an exact version`,
        context.registry ? { severity: 'error' } : {},
      );
    }
    includes.push(id);
  });
  return includes;
}

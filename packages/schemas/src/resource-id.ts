/**
 * Resource identity: `type:namespace/name@version`, action addresses and version resolution.
 * See spec/resource-ids.md.
 */
import semver from 'semver';
import type { ResourceId, ResourceType } from './model.js';

/** The four registry resource types. */
export const RESOURCE_TYPES: readonly ResourceType[] = ['connector', 'workflow', 'agent', 'bundle'];

/** Kebab-case, the grammar of resource names and namespaces. */
export const RESOURCE_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * An exact SemVer 2.0.0 version, build metadata included (the schemas' `semver` definition uses the
 * same pattern). `semver.valid` would normalise `1.0.0+build` to `1.0.0`.
 */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Whether `version` is an exact SemVer version. */
export function isExactVersion(version: string): boolean {
  return SEMVER_PATTERN.test(version);
}

/** Names of dist-tags (`latest`, `canary`, `next-2`). */
const TAG_PATTERN = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** How the version slot of a reference is written. */
export type VersionKind = 'exact' | 'range' | 'tag';

/** A parse outcome: the value, or why the text is invalid. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

/**
 * Classifies a version slot: an exact SemVer version, a node-semver range (`~0.4`,
 * `>=0.1.0 <0.3.0`, `*`) or a dist-tag. `undefined` when it is none of these.
 *
 * @example
 * classifyVersion('1.2.0') // 'exact'
 * classifyVersion('~0.4') // 'range'
 * classifyVersion('latest') // 'tag'
 */
export function classifyVersion(version: string): VersionKind | undefined {
  if (isExactVersion(version)) return 'exact';
  // `x` and `X` are ranges ("any version") even though they look like tag names.
  if (TAG_PATTERN.test(version) && !/^[xX](?:\.|$)/.test(version)) return 'tag';
  if (version.trim() !== '' && semver.validRange(version) !== null) return 'range';
  return undefined;
}

/**
 * Parses `type:namespace/name[@version]`. With `expectedType`, a reference of another type is an
 * error.
 *
 * @example
 * parseResourceId('connector:community/slack@1.2.0')
 * // { ok: true, value: { type: 'connector', namespace: 'community', name: 'slack', version: '1.2.0' } }
 */
export function parseResourceId(text: string, expectedType?: ResourceType): ParseResult<ResourceId> {
  const colon = text.indexOf(':');
  if (colon < 0)
    return fail(`"${text}" has no type prefix (expected ${expectedType ?? 'type'}:namespace/name)`);
  const type = text.slice(0, colon);
  if (!(RESOURCE_TYPES as readonly string[]).includes(type)) {
    return fail(`"${type}" is not a resource type (connector, workflow, agent or bundle)`);
  }
  if (expectedType !== undefined && type !== expectedType) {
    return fail(`expected a ${expectedType} reference, found a ${type} reference`);
  }
  const rest = text.slice(colon + 1);
  const at = rest.indexOf('@');
  const path = at < 0 ? rest : rest.slice(0, at);
  const version = at < 0 ? undefined : rest.slice(at + 1);
  const slash = path.indexOf('/');
  if (slash < 0) return fail(`"${text}" has no namespace (expected ${type}:namespace/name)`);
  const namespace = path.slice(0, slash);
  const name = path.slice(slash + 1);
  if (!RESOURCE_NAME_PATTERN.test(namespace)) return fail(`namespace "${namespace}" is not kebab-case`);
  if (!RESOURCE_NAME_PATTERN.test(name)) return fail(`name "${name}" is not kebab-case`);
  if (version !== undefined && classifyVersion(version) === undefined) {
    return fail(`version "${version}" is neither a SemVer version, a range nor a dist-tag`);
  }
  const id: ResourceId = {
    type: type as ResourceType,
    namespace,
    name,
    ...(version !== undefined ? { version } : {}),
  };
  return { ok: true, value: id };
}

/** Formats a resource id back into its canonical string. */
export function formatResourceId(id: ResourceId): string {
  return `${id.type}:${id.namespace}/${id.name}${id.version !== undefined ? `@${id.version}` : ''}`;
}

/** A connector action addressed as `connector:namespace/name.action`. */
export interface ActionAddress {
  readonly connector: ResourceId;
  readonly action: string;
}

/**
 * Parses an action address (`connector:github/mcp.create_issue`). The connector part carries no
 * version: a version's dots would make the address ambiguous.
 */
export function parseActionAddress(text: string): ParseResult<ActionAddress> {
  const slash = text.indexOf('/');
  const dot = slash < 0 ? -1 : text.indexOf('.', slash);
  if (dot < 0) return fail(`"${text}" has no ".action" suffix`);
  const action = text.slice(dot + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(action)) return fail(`action "${action}" is not an identifier`);
  const connector = parseResourceId(text.slice(0, dot), 'connector');
  if (!connector.ok) return connector;
  if (connector.value.version !== undefined) return fail('an action address names no version');
  return { ok: true, value: { connector: connector.value, action } };
}

/** Formats an action address. */
export function formatActionAddress(address: ActionAddress): string {
  const { version: _version, ...connector } = address.connector;
  return `${formatResourceId(connector)}.${address.action}`;
}

/** What `resolveVersion` knows besides the published versions. */
export interface ResolveVersionOptions {
  /** Dist-tags: tag name → exact version. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Deprecated versions: skipped by ranges while anything else matches. */
  readonly deprecated?: Iterable<string>;
}

/** The version a reference resolved to, or why it did not resolve. */
export type VersionResolution =
  | { readonly ok: true; readonly version: string; readonly deprecated: boolean }
  | {
      readonly ok: false;
      readonly reason: 'invalid-version' | 'unknown-tag' | 'not-found' | 'no-match';
      readonly message: string;
    };

/**
 * Picks the version a reference resolves to among published `candidates` (spec/resource-ids.md):
 * - no version → the `latest` tag, else the highest stable version;
 * - an exact version → itself, when published;
 * - a dist-tag → the version it points to;
 * - a range → the highest match (node-semver, prereleases only when the range names one), skipping
 *   deprecated versions unless nothing else matches — then `deprecated: true` tells the caller to warn.
 *
 * @example
 * resolveVersion(['0.4.0', '0.4.1', '0.5.0'], '~0.4') // { ok: true, version: '0.4.1', deprecated: false }
 */
export function resolveVersion(
  candidates: readonly string[],
  requested: string | undefined,
  options: ResolveVersionOptions = {},
): VersionResolution {
  const published = candidates.filter(isExactVersion);
  const deprecated = new Set(options.deprecated ?? []);
  const found = (version: string): VersionResolution => ({
    ok: true,
    version,
    deprecated: deprecated.has(version),
  });

  if (requested === undefined || requested === '') {
    const latest = options.tags?.latest;
    if (latest !== undefined && published.includes(latest)) return found(latest);
    const stable = published.filter((version) => semver.prerelease(version) === null);
    const best = highest(stable.filter((v) => !deprecated.has(v))) ?? highest(stable);
    return best === undefined
      ? { ok: false, reason: 'not-found', message: 'no stable version is published' }
      : found(best);
  }

  switch (classifyVersion(requested)) {
    case 'exact':
      return published.includes(requested)
        ? found(requested)
        : { ok: false, reason: 'not-found', message: `version ${requested} is not published` };
    case 'tag': {
      const tagged = options.tags?.[requested];
      if (tagged === undefined || !Object.hasOwn(options.tags ?? {}, requested)) {
        return { ok: false, reason: 'unknown-tag', message: `no dist-tag "${requested}"` };
      }
      return published.includes(tagged)
        ? found(tagged)
        : {
            ok: false,
            reason: 'not-found',
            message: `dist-tag "${requested}" points at unpublished ${tagged}`,
          };
    }
    case 'range': {
      const current = published.filter((version) => !deprecated.has(version));
      const best = semver.maxSatisfying(current, requested) ?? semver.maxSatisfying(published, requested);
      return best === null
        ? { ok: false, reason: 'no-match', message: `no published version satisfies "${requested}"` }
        : found(best);
    }
    default:
      return {
        ok: false,
        reason: 'invalid-version',
        message: `"${requested}" is not a version, range or tag`,
      };
  }
}

/**
 * Whether `version` is matched by a version slot as used in allow/block lists: an exact version
 * matches itself, a range matches with prereleases included (`*` matches everything), and an empty
 * slot matches every version.
 */
export function versionMatches(version: string, requested: string | undefined): boolean {
  if (requested === undefined || requested === '') return true;
  const kind = classifyVersion(requested);
  if (kind === 'exact') return semver.eq(version, requested);
  if (kind === 'range') return semver.satisfies(version, requested, { includePrerelease: true });
  return false;
}

function highest(versions: readonly string[]): string | undefined {
  return versions.length === 0 ? undefined : semver.rsort([...versions])[0];
}

function fail<T>(message: string): ParseResult<T> {
  return { ok: false, message };
}

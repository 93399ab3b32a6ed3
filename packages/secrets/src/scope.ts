import { OpenWorkflowError } from '@openworkflow/core';

/** Spec §13.4 `scope`: who may read a secret. An empty or absent list restricts nothing. */
export interface SecretScope {
  /** Connector ids (`connector:community/database@1.0.0`); version-less ids match every version. */
  readonly connectors?: readonly string[];
  /** Workflow ids (`workflow:openworkflow/data-pipeline`); version-less ids match every version. */
  readonly workflows?: readonly string[];
}

/** Spec §13.4 rotation metadata, kept for tooling; the runtime does not act on it. */
export interface SecretRotation {
  /** Days between rotations. */
  readonly interval?: number;
  /** Days before the deadline to notify. */
  readonly notifyBefore?: number;
}

/**
 * The declaration of one secret (spec §13.4 `secrets.NAME`). `key` is the name to ask the provider
 * for when it differs from the secret's own name (`value: ${env.DB_PASSWORD}` declares key
 * `DB_PASSWORD`).
 */
export interface SecretDefinition {
  readonly key?: string;
  readonly scope?: SecretScope;
  readonly rotation?: SecretRotation;
}

/**
 * Who reads a secret: the workflow's own templates, or the handler config of a connector the
 * workflow uses. Workflows are named by resource id when known, else by bare name.
 */
export type SecretRequester =
  | { readonly kind: 'workflow'; readonly workflow: string }
  | { readonly kind: 'connector'; readonly connector: string; readonly workflow: string };

interface ResourceId {
  readonly type: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly version: string | undefined;
}

/** `type:namespace/name@version` with every part but the name optional. */
function parseResourceId(text: string): ResourceId {
  let rest = text.trim();
  let type: string | undefined;
  const colon = rest.indexOf(':');
  if (colon > 0 && !rest.slice(0, colon).includes('/')) {
    type = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > 0) {
    version = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  return slash >= 0
    ? { type, namespace: rest.slice(0, slash), name: rest.slice(slash + 1), version }
    : { type, namespace: undefined, name: rest, version };
}

/**
 * True when the id `actual` is one of those `pattern` names. Names must be equal; a version-less
 * pattern matches every version; a namespaced pattern matches only an id with the same namespace —
 * a requester known only by bare name does not match it (fail closed: another namespace may use
 * the same name).
 */
export function matchesResource(pattern: string, actual: string): boolean {
  const want = parseResourceId(pattern);
  const have = parseResourceId(actual);
  if (want.type !== undefined && have.type !== undefined && want.type !== have.type) return false;
  if (want.name !== have.name) return false;
  if (want.namespace !== undefined && want.namespace !== have.namespace) return false;
  return want.version === undefined || want.version === have.version;
}

/**
 * Spec §13.4 scoping: a secret with a scope is readable from the handlers of the listed
 * connectors and from the listed workflows; with no scope, from everything. A connector's handler
 * also passes when its workflow is listed (the workflow chose to hand the secret to it).
 */
export function scopeAllows(scope: SecretScope | undefined, requester: SecretRequester): boolean {
  const connectors = scope?.connectors ?? [];
  const workflows = scope?.workflows ?? [];
  if (connectors.length === 0 && workflows.length === 0) return true;
  if (workflows.some((pattern) => matchesResource(pattern, requester.workflow))) return true;
  return (
    requester.kind === 'connector' &&
    connectors.some((pattern) => matchesResource(pattern, requester.connector))
  );
}

/**
 * The definitions of a document's `secrets:` block (spec §13.4). `value` written as `${env.X}` or
 * `${secrets.X}` becomes `key: X` (a literal value is refused: secrets never appear in plaintext in
 * definitions); `scope` lists must hold strings. Errors are `VALIDATION` with a JSON pointer.
 *
 * @example
 * parseSecretDefinitions({ DB: { value: '${env.DB_PASSWORD}', scope: { workflows: ['workflow:acme/etl'] } } });
 * // { DB: { key: 'DB_PASSWORD', scope: { workflows: ['workflow:acme/etl'] } } }
 */
export function parseSecretDefinitions(
  block: unknown,
  pointer = '/secrets',
): Record<string, SecretDefinition> {
  const definitions: Record<string, SecretDefinition> = {};
  for (const [name, raw] of Object.entries(objectAt(block, pointer))) {
    const at = `${pointer}/${escapePointer(name)}`;
    const entry = objectAt(raw, at);
    const definition: { key?: string; scope?: SecretScope; rotation?: SecretRotation } = {};
    if (entry.value !== undefined) {
      const reference =
        typeof entry.value === 'string'
          ? /^\$\{(?:env|secrets)\.([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(entry.value.trim())
          : null;
      if (reference === null) {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the ${env.NAME} syntax
        invalid(`${at}/value`, 'must be a reference such as ${env.NAME}, never a literal value');
      }
      definition.key = reference[1]!;
    }
    if (entry.scope !== undefined) {
      const scope = objectAt(entry.scope, `${at}/scope`);
      definition.scope = {
        ...(scope.connectors === undefined
          ? {}
          : { connectors: stringsAt(scope.connectors, `${at}/scope/connectors`) }),
        ...(scope.workflows === undefined
          ? {}
          : { workflows: stringsAt(scope.workflows, `${at}/scope/workflows`) }),
      };
    }
    if (entry.rotation !== undefined) {
      const rotation = objectAt(entry.rotation, `${at}/rotation`);
      definition.rotation = {
        ...(rotation.interval === undefined
          ? {}
          : { interval: numberAt(rotation.interval, `${at}/rotation/interval`) }),
        ...(rotation.notifyBefore === undefined
          ? {}
          : { notifyBefore: numberAt(rotation.notifyBefore, `${at}/rotation/notifyBefore`) }),
      };
    }
    definitions[name] = definition;
  }
  return definitions;
}

function invalid(pointer: string, problem: string): never {
  throw new OpenWorkflowError('VALIDATION', `Secret definition ${pointer} ${problem}`, {
    details: { pointer },
  });
}

function objectAt(value: unknown, pointer: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid(pointer, 'must be an object');
  return value as Record<string, unknown>;
}

function stringsAt(value: unknown, pointer: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    invalid(pointer, 'must be a list of resource ids');
  }
  return value as string[];
}

function numberAt(value: unknown, pointer: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    invalid(pointer, 'must be a non-negative number');
  return value;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Normalisation of the pieces several document kinds share: retry policies, durations, resource
 * references, versions, compatibility ranges and descriptive metadata.
 */
import semver from 'semver';
import { DURATION_PATTERN, durationToMs } from './duration.js';
import { appendPointer } from './json-pointer.js';
import type { BackoffKind, JsonObject, ResourceMetadata, ResourceType, RetryPolicy } from './model.js';
import {
  has,
  isObject,
  type NormalizeContext,
  own,
  readBoolean,
  readNumber,
  readObject,
  readString,
  readStrings,
} from './normalize-context.js';
import { createRecord } from './parse-source.js';
import { classifyVersion, isExactVersion, parseResourceId } from './resource-id.js';
import { SPEC_VERSION } from './spec-version.js';

const DURATION = new RegExp(DURATION_PATTERN);

/**
 * Reads a duration field (seconds as a number, or a duration string) as milliseconds. Values of the
 * wrong shape are left to the schema; a well-formed string that overflows is reported here.
 */
export function readDurationMs(
  context: NormalizeContext,
  object: JsonObject,
  key: string,
  pointer: string,
): number | undefined {
  const value = own(object, key);
  if (typeof value === 'number') return value >= 0 ? durationToMs(value) : undefined;
  if (typeof value !== 'string' || !DURATION.test(value)) return undefined;
  const ms = durationToMs(value);
  if (ms === undefined) {
    context.diagnostics.report(
      'OW_INVALID_DURATION',
      appendPointer(pointer, key),
      'The duration is too long',
    );
  }
  return ms;
}

const RETRY_KEYS = [
  ['max_attempts', 'maxAttempts'],
  ['backoff_factor', 'backoffFactor'],
  ['initial_delay', 'initialDelay'],
  ['max_delay', 'maxDelay'],
  ['retry_on', 'retryOn'],
] as const;

const ERROR_CODE_ALIASES: Readonly<Record<string, string>> = {
  TIMED_OUT: 'TIMEOUT',
  RATE_LIMIT: 'RATE_LIMITED',
  CANCELLED: 'CANCELED',
};

/**
 * Normalises an error code written in a document (`timeout`, `rate_limit`, `Backend-Error`): upper
 * case, `-` and spaces as `_`, and the taxonomy aliases of spec/errors.md.
 */
export function normalizeRetryCode(code: string): string {
  const upper = code
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return ERROR_CODE_ALIASES[upper] ?? upper;
}

/**
 * Reads a retry policy. `casing` is the spelling the spec uses at this location (snake_case on steps
 * and HTTP handlers, camelCase on try steps); the other spelling loads the same with a warning.
 */
export function readRetryPolicy(
  context: NormalizeContext,
  object: JsonObject,
  pointer: string,
  casing: 'snake' | 'camel',
): RetryPolicy | undefined {
  const retry = readObject(object, 'retry');
  if (retry === undefined) return undefined;
  const retryPointer = appendPointer(pointer, 'retry');
  const pick = (snake: string, camel: string): string | undefined => {
    const [canonical, other] = casing === 'snake' ? [snake, camel] : [camel, snake];
    if (has(retry, canonical) && has(retry, other)) {
      context.diagnostics.report(
        'OW_ALIAS_CONFLICT',
        appendPointer(retryPointer, other),
        `Both "${canonical}" and "${other}" are present; remove "${other}"`,
        { at: 'key' },
      );
      return canonical;
    }
    if (has(retry, other)) {
      context.diagnostics.report(
        'OW_ALIAS_RETRY_CASE',
        appendPointer(retryPointer, other),
        `"${other}" is read as "${canonical}", the spelling the spec uses here`,
        { at: 'key' },
      );
      return other;
    }
    return has(retry, canonical) ? canonical : undefined;
  };
  const [attemptsKey, factorKey, initialKey, maxKey, retryOnKey] = RETRY_KEYS.map(([snake, camel]) =>
    pick(snake, camel),
  );
  const maxAttempts = attemptsKey === undefined ? undefined : readNumber(retry, attemptsKey);
  if (maxAttempts === undefined || !Number.isInteger(maxAttempts) || maxAttempts < 1) return undefined;
  const backoff = readString(retry, 'backoff');
  const factor = factorKey === undefined ? undefined : readNumber(retry, factorKey);
  const initial =
    initialKey === undefined ? undefined : readDurationMs(context, retry, initialKey, retryPointer);
  const max = maxKey === undefined ? undefined : readDurationMs(context, retry, maxKey, retryPointer);
  const jitter = readBoolean(retry, 'jitter');
  const retryOn = retryOnKey === undefined ? undefined : readStrings(retry, retryOnKey);
  return {
    maxAttempts,
    backoff: (backoff === 'fixed' || backoff === 'linear' ? backoff : 'exponential') satisfies BackoffKind,
    ...(factor !== undefined && factor > 0 ? { backoffFactor: factor } : {}),
    ...(initial !== undefined ? { initialDelayMs: initial } : {}),
    ...(max !== undefined ? { maxDelayMs: max } : {}),
    ...(jitter !== undefined ? { jitter } : {}),
    ...(retryOn !== undefined ? { retryOn: retryOn.map(normalizeRetryCode) } : {}),
  };
}

/** The structural grammar of `type:namespace/name[@version]`; the schemas use the same patterns. */
export const REFERENCE_PATTERNS: Readonly<Record<ResourceType | 'any', RegExp>> = {
  connector: /^connector:[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*(?:@[^\s@/]+)?$/,
  workflow: /^workflow:[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*(?:@[^\s@/]+)?$/,
  agent: /^agent:[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*(?:@[^\s@/]+)?$/,
  bundle: /^bundle:[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*(?:@[^\s@/]+)?$/,
  any: /^(?:connector|workflow|agent|bundle):[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*(?:@[^\s@/]+)?$/,
};

/**
 * Checks the version slot of a structurally valid reference (the schema reports structural
 * problems). Returns whether the reference is fully valid.
 */
export function checkReference(
  context: NormalizeContext,
  reference: string,
  type: ResourceType | 'any',
  pointer: string,
): boolean {
  if (!REFERENCE_PATTERNS[type].test(reference)) return false;
  const parsed = parseResourceId(reference, type === 'any' ? undefined : type);
  if (!parsed.ok)
    context.diagnostics.report('OW_INVALID_RESOURCE_ID', pointer, `Invalid reference: ${parsed.message}`);
  return parsed.ok;
}

/** Checks an exact-or-range-or-tag version slot written on its own (subworkflow `version`). */
export function checkVersionSpec(context: NormalizeContext, version: string, pointer: string): void {
  if (classifyVersion(version) === undefined) {
    context.diagnostics.report(
      'OW_INVALID_VERSION_RANGE',
      pointer,
      `"${version}" is neither a SemVer version, a range nor a dist-tag`,
    );
  }
}

/**
 * Reads `requires` (compatibility ranges), checks each range and checks `requires.spec` against the
 * spec version this runtime implements.
 */
export function readRequires(
  context: NormalizeContext,
  object: JsonObject,
  pointer: string,
): Record<string, string> | undefined {
  const requires = readObject(object, 'requires');
  if (requires === undefined) return undefined;
  const result = createRecord<string>();
  for (const [name, range] of Object.entries(requires)) {
    if (typeof range !== 'string') continue;
    const at = appendPointer(pointer, 'requires', name);
    if (semver.validRange(range) === null) {
      context.diagnostics.report('OW_INVALID_VERSION_RANGE', at, `"${range}" is not a SemVer range`);
    } else if (name === 'spec' && !semver.satisfies(SPEC_VERSION, range)) {
      context.diagnostics.report(
        'OW_REQUIRES_SPEC_INCOMPATIBLE',
        at,
        `The document requires spec ${range}; this runtime implements ${SPEC_VERSION}`,
      );
    }
    result[name] = range;
  }
  return result;
}

/** Warns when `schemaVersion` is not a 0.1.x version (the format this loader reads). */
export function readSchemaVersion(
  context: NormalizeContext,
  object: JsonObject,
  pointer: string,
): string | undefined {
  const version = readString(object, 'schemaVersion');
  if (version !== undefined && isExactVersion(version) && !semver.satisfies(version, '~0.1.0')) {
    context.diagnostics.report(
      'OW_SCHEMA_VERSION_UNSUPPORTED',
      appendPointer(pointer, 'schemaVersion'),
      `schemaVersion ${version} is newer than the 0.1.x format this loader reads`,
    );
  }
  return version;
}

/** Reads descriptive metadata from the document root and, for agents, a nested `metadata` block. */
export function readMetadata(object: JsonObject, nested?: JsonObject): ResourceMetadata {
  const sources = nested === undefined ? [object] : [nested, object];
  const first = (key: string): string | undefined => {
    for (const source of sources) {
      const value = readString(source, key);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const list = (key: string): string[] | undefined => {
    for (const source of sources) {
      const value = readStrings(source, key);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const author = first('author');
  const homepage = first('homepage');
  const icon = first('icon');
  const repository = first('repository');
  const license = first('license');
  const tags = list('tags');
  return {
    ...(author !== undefined ? { author } : {}),
    ...(homepage !== undefined ? { homepage } : {}),
    ...(icon !== undefined ? { icon } : {}),
    ...(repository !== undefined ? { repository } : {}),
    ...(license !== undefined ? { license } : {}),
    categories: list('categories') ?? [],
    ...(tags !== undefined ? { tags } : {}),
  };
}

/** Reads `deprecated`/`deprecationReason`/`replacement` into the model's deprecation record. */
export function readDeprecation(object: JsonObject): { reason?: string; replacement?: string } | undefined {
  if (readBoolean(object, 'deprecated') !== true) return undefined;
  const reason = readString(object, 'deprecationReason');
  const replacement = readString(object, 'replacement');
  return {
    ...(reason !== undefined ? { reason } : {}),
    ...(replacement !== undefined ? { replacement } : {}),
  };
}

/** Reports each field registry publishing requires but the document lacks. */
export function requireForRegistry(
  context: NormalizeContext,
  object: JsonObject,
  pointer: string,
  fields: readonly string[],
): void {
  if (!context.registry) return;
  for (const field of fields) {
    if (!has(object, field)) {
      context.diagnostics.report('OW_REGISTRY_FIELD_REQUIRED', pointer, `The registry requires "${field}"`);
    }
  }
}

/** `smartify` is the spec's old name of the default backend. */
export function readBackendName(context: NormalizeContext, value: string, pointer: string): string {
  if (value !== 'smartify') return value;
  context.diagnostics.report('OW_ALIAS_BACKEND_SMARTIFY', pointer, 'Backend "smartify" is read as "native"');
  return 'native';
}

export { isObject };

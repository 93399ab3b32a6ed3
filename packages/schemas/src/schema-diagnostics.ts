/**
 * Turns ajv errors into diagnostics a person can act on: one diagnostic per problem, at the
 * offending node, with a stable code. ajv reports a failed `anyOf`/`oneOf` together with every
 * failed branch and echoes properties of failed subschemas as "unevaluated"; both are folded here.
 */
import type { ErrorObject } from 'ajv';
import type { DiagnosticCode } from './diagnostic-codes.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { appendPointer } from './json-pointer.js';

interface SchemaNode {
  readonly $id?: string;
  readonly title?: string;
  readonly pattern?: string;
  readonly format?: string;
  readonly anyOf?: unknown;
  readonly 'x-ow-code'?: string;
  readonly 'x-ow-known'?: readonly string[];
}

const KEYWORD_CODES: Readonly<Record<string, DiagnosticCode>> = {
  required: 'OW_SCHEMA_REQUIRED',
  additionalProperties: 'OW_SCHEMA_UNKNOWN_PROPERTY',
  unevaluatedProperties: 'OW_SCHEMA_UNKNOWN_PROPERTY',
  type: 'OW_SCHEMA_TYPE',
  enum: 'OW_SCHEMA_ENUM',
  const: 'OW_SCHEMA_ENUM',
  pattern: 'OW_SCHEMA_PATTERN',
  format: 'OW_SCHEMA_FORMAT',
  minimum: 'OW_SCHEMA_RANGE',
  maximum: 'OW_SCHEMA_RANGE',
  exclusiveMinimum: 'OW_SCHEMA_RANGE',
  exclusiveMaximum: 'OW_SCHEMA_RANGE',
  multipleOf: 'OW_SCHEMA_RANGE',
  minLength: 'OW_SCHEMA_RANGE',
  maxLength: 'OW_SCHEMA_RANGE',
  minItems: 'OW_SCHEMA_RANGE',
  maxItems: 'OW_SCHEMA_RANGE',
  minProperties: 'OW_SCHEMA_RANGE',
  maxProperties: 'OW_SCHEMA_RANGE',
  dependentRequired: 'OW_SCHEMA_DEPENDENCY',
  anyOf: 'OW_SCHEMA_NO_MATCH',
  oneOf: 'OW_SCHEMA_NO_MATCH',
};

const under = (path: string, base: string): boolean => path === base || path.startsWith(`${base}/`);

/**
 * Reports ajv errors (from a validator compiled with `allErrors` and `verbose`) as diagnostics.
 * `basePointer` is prepended when the validated value was a part of the document; `codeOverride`
 * reports every problem under one code (used for embedded JSON Schemas).
 */
export function reportSchemaErrors(
  errors: readonly ErrorObject[],
  diagnostics: DiagnosticCollector,
  basePointer = '',
  codeOverride?: DiagnosticCode,
): void {
  const consumed = new Set<number>();
  const reports: { index: number; error: ErrorObject; union?: ErrorObject }[] = [];

  for (let index = errors.length - 1; index >= 0; index -= 1) {
    if (consumed.has(index)) continue;
    const error = errors[index]!;
    if (error.keyword === 'if') continue;
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') {
      reports.push({ index, error });
      continue;
    }
    // The failed branches' errors are the run just before the union error: same node or below,
    // raised by a subschema other than the one holding the union (ajv checks unions first).
    const branchErrors: ErrorObject[] = [];
    for (let child = index - 1; child >= 0; child -= 1) {
      const candidate = errors[child]!;
      if (!under(candidate.instancePath, error.instancePath) || candidate.parentSchema === error.parentSchema)
        break;
      consumed.add(child);
      branchErrors.unshift(candidate);
    }
    const specific = branchErrors.filter(
      (child) =>
        child.keyword !== 'if' &&
        child.keyword !== 'anyOf' &&
        child.keyword !== 'oneOf' &&
        !(
          child.instancePath === error.instancePath &&
          ['type', 'const', 'enum', 'required'].includes(child.keyword)
        ),
    );
    // When a branch matched the value's shape, its own errors say more than "matches no form".
    // Without a title to explain the union, an enumeration of allowed values is the next best thing.
    const enumeration = branchErrors.filter(
      (child) =>
        child.instancePath === error.instancePath && (child.keyword === 'enum' || child.keyword === 'const'),
    );
    if (specific.length > 0 && error.keyword === 'anyOf') {
      for (const child of specific) reports.push({ index, error: child, union: error });
    } else if (
      (error.parentSchema as SchemaNode | undefined)?.title === undefined &&
      enumeration.length > 0
    ) {
      reports.push({ index, error: enumeration[0]!, union: error });
    } else {
      reports.push({ index, error });
    }
  }

  reports.sort((a, b) => a.index - b.index);
  for (const { error, union } of reports) report(error, union, diagnostics, basePointer, codeOverride);
}

function report(
  error: ErrorObject,
  union: ErrorObject | undefined,
  diagnostics: DiagnosticCollector,
  basePointer: string,
  codeOverride: DiagnosticCode | undefined,
): void {
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const unionParent = (union?.parentSchema ?? {}) as SchemaNode;
  const pointer = basePointer + error.instancePath;
  const params = error.params as Record<string, unknown>;
  const code = (codeOverride ??
    parent['x-ow-code'] ??
    unionParent['x-ow-code'] ??
    KEYWORD_CODES[error.keyword] ??
    'OW_SCHEMA_INVALID') as DiagnosticCode;

  // Value definitions (identifiers, versions, references, durations) carry a `title` phrased as the
  // rule ("must be kebab-case: …"); it explains a pattern, format or type failure better than ajv.
  const rule =
    parent.title !== undefined &&
    (parent.pattern !== undefined || parent.format !== undefined || parent.anyOf)
      ? capitalise(parent.title)
      : undefined;

  switch (error.keyword) {
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const key = String(params.unevaluatedProperty ?? params.additionalProperty);
      // A property defined by a subschema that failed elsewhere is reported as unevaluated too.
      if (parent['x-ow-known']?.includes(key)) return;
      diagnostics.report(code, appendPointer(pointer, key), `Unknown property "${key}"`, { at: 'key' });
      return;
    }
    case 'required': {
      const missing = String(params.missingProperty);
      // Root schemas carry the document's name as their title, not a rule worth repeating.
      const hint = parent.title !== undefined && parent.$id === undefined ? ` (${parent.title})` : '';
      diagnostics.report(code, pointer, `Missing required property "${missing}"${hint}`);
      return;
    }
    case 'anyOf':
    case 'oneOf': {
      const form = parent.title !== undefined ? capitalise(parent.title) : 'Does not match any allowed form';
      const many = error.keyword === 'oneOf' && Array.isArray(params.passingSchemas);
      diagnostics.report(code, pointer, many ? `Ambiguous: ${form}` : form);
      return;
    }
    case 'type':
      diagnostics.report(code, pointer, rule ?? `Must be ${article(String(params.type))}`);
      return;
    case 'enum':
      diagnostics.report(
        code,
        pointer,
        `Must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`,
      );
      return;
    case 'const':
      diagnostics.report(code, pointer, `Must be ${JSON.stringify(params.allowedValue)}`);
      return;
    case 'pattern':
      diagnostics.report(code, pointer, rule ?? `Does not match the pattern ${String(params.pattern)}`);
      return;
    case 'format':
      diagnostics.report(code, pointer, rule ?? `Is not a valid ${String(params.format)}`);
      return;
    case 'dependentRequired':
      diagnostics.report(
        code,
        pointer,
        `"${String(params.property)}" is only allowed together with "${String(params.missingProperty)}"`,
      );
      return;
    default:
      diagnostics.report(code, pointer, capitalise(error.message ?? `violates ${error.keyword}`));
  }
}

function article(type: string): string {
  const names = type.split(',');
  return names.map((name) => (/^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`)).join(' or ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The suite's two JSON Schemas (cases and protocol messages), compiled once per process. The
 * schema files ship with the package and are the published contract; the runner checks
 * everything it reads against them so a malformed case or a garbled target message is reported,
 * never silently accepted.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

const CASE_SCHEMA_ID = 'https://openworkflow.dev/conformance/case.schema.json';
const PROTOCOL_SCHEMA_ID = 'https://openworkflow.dev/conformance/protocol.schema.json';

/** The directory holding `case.schema.json` and `protocol.schema.json` (beside `src/` and `dist/`). */
export const SCHEMA_DIRECTORY = new URL('../schema/', import.meta.url);

/** A schema violation: where (JSON pointer) and what. */
export interface SchemaViolation {
  readonly pointer: string;
  readonly message: string;
}

export type SchemaCheck = (value: unknown) => readonly SchemaViolation[];

let compiled: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (compiled) return compiled;
  const instance = new Ajv2020({
    allErrors: true,
    strict: true,
    // `oneOf: [{required: [run]}, {required: [validate]}]` names properties defined beside it, which is fine.
    strictRequired: false,
    allowUnionTypes: true,
  });
  for (const file of ['case.schema.json', 'protocol.schema.json']) {
    instance.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMA_DIRECTORY), 'utf8')) as object);
  }
  compiled = instance;
  return instance;
}

const checks = new Map<string, SchemaCheck>();

function check(ref: string): SchemaCheck {
  const known = checks.get(ref);
  if (known) return known;
  const validate = ajv().getSchema(ref) as ValidateFunction | undefined;
  if (!validate) throw new Error(`schema ${ref} is not defined`);
  const run: SchemaCheck = (value) => (validate(value) ? [] : summarise(validate.errors ?? []));
  checks.set(ref, run);
  return run;
}

/**
 * Compiles every definition the runner uses, so a broken schema fails at startup (exit 2) and
 * never inside a stream callback halfway through a run.
 */
export function prepareSchemas(): void {
  check(CASE_SCHEMA_ID);
  check(`${CASE_SCHEMA_ID}#/$defs/ProfileCatalog`);
  for (const definition of PROTOCOL_DEFINITIONS) check(`${PROTOCOL_SCHEMA_ID}#/$defs/${definition}`);
}

/** Which protocol definition checks a target message of each `type`. */
export const TARGET_MESSAGE_DEFINITIONS: Readonly<Record<string, string>> = {
  hello: 'HelloResponse',
  validated: 'ValidatedResponse',
  event: 'EventMessage',
  result: 'ResultMessage',
  ack: 'AckResponse',
  error: 'ErrorResponse',
};

const PROTOCOL_DEFINITIONS = Object.values(TARGET_MESSAGE_DEFINITIONS);

/** Checks a parsed case file. */
export function checkCase(value: unknown): readonly SchemaViolation[] {
  return check(CASE_SCHEMA_ID)(value);
}

/** Checks a parsed `cases/profiles.yaml`. */
export function checkProfileCatalog(value: unknown): readonly SchemaViolation[] {
  return check(`${CASE_SCHEMA_ID}#/$defs/ProfileCatalog`)(value);
}

/**
 * Checks one protocol message against the definition named (`HelloResponse`, `EventMessage`, …).
 * The runner picks the definition from the message's `type`, so errors name the real problem
 * instead of "must match exactly one schema in oneOf".
 */
export function checkProtocolMessage(definition: string, value: unknown): readonly SchemaViolation[] {
  return check(`${PROTOCOL_SCHEMA_ID}#/$defs/${definition}`)(value);
}

/**
 * Ajv reports every failed branch of a `oneOf`; keep the errors at the deepest paths, which are
 * the ones a person can act on, and drop the "must match a schema in oneOf" noise above them.
 */
function summarise(errors: readonly ErrorObject[]): SchemaViolation[] {
  const useful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const pool = useful.length > 0 ? useful : errors;
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const error of pool) {
    const message = describe(error);
    const key = `${error.instancePath} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: error.instancePath, message });
  }
  return out;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown property "${String(params.additionalProperty)}"`;
    case 'required':
      return `missing required property "${String(params.missingProperty)}"`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}

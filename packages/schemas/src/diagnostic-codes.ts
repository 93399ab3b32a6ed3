/**
 * The stable diagnostic codes of the loader. Codes never change meaning once published; new ones are
 * added at the end of their group. spec/loader.md lists every code (a test keeps the two in sync).
 */

export type DiagnosticSeverity = 'error' | 'warning';

/** Which stage of loading finds a problem (spec/loader.md#diagnostic-codes). */
export type DiagnosticCategory = 'input' | 'schema' | 'alias' | 'semantic' | 'expression';

/** What the code table says about one code. */
export interface DiagnosticCodeInfo {
  /** Severity outside strict mode. Alias warnings become errors in strict mode. */
  readonly severity: DiagnosticSeverity;
  readonly category: DiagnosticCategory;
  readonly summary: string;
}

const input = (summary: string): DiagnosticCodeInfo => ({ severity: 'error', category: 'input', summary });
const schema = (summary: string): DiagnosticCodeInfo => ({ severity: 'error', category: 'schema', summary });
const alias = (summary: string): DiagnosticCodeInfo => ({ severity: 'warning', category: 'alias', summary });
const semantic = (summary: string, severity: DiagnosticSeverity = 'error'): DiagnosticCodeInfo => ({
  severity,
  category: 'semantic',
  summary,
});
const expression = (summary: string): DiagnosticCodeInfo => ({
  severity: 'error',
  category: 'expression',
  summary,
});

/** Every diagnostic code, its default severity, stage and meaning. */
export const DIAGNOSTIC_CODES = {
  // Reading and parsing ------------------------------------------------------------------------
  OW_INPUT_TOO_LARGE: input('The document exceeds the byte cap; it was not parsed'),
  OW_INPUT_NOT_UTF8: input('The document bytes are not valid UTF-8'),
  OW_INPUT_NOT_JSON: input('An already-parsed input holds a value that is not JSON data'),
  OW_FILE_UNREADABLE: input('The file could not be read'),
  OW_YAML_SYNTAX: input('The text is not well-formed YAML or JSON'),
  OW_YAML_DUPLICATE_KEY: input('A mapping repeats a key'),
  OW_YAML_MULTI_DOCUMENT: input('The stream holds more than one YAML document'),
  OW_YAML_UNKNOWN_TAG: input('A YAML tag outside the core schema (`!!js/function`, `!Ref`, …)'),
  OW_YAML_ALIAS_LIMIT: input('A YAML alias was used beyond the allowed count (none by default)'),
  OW_YAML_MERGE_KEY: input('A YAML merge key `<<`; merge keys are not expanded'),
  OW_YAML_COMPLEX_KEY: input('A mapping key that is not a scalar'),
  OW_YAML_NON_JSON_VALUE: input('A scalar with no JSON equivalent (`.inf`, `.nan`, `!!binary`)'),
  OW_DOCUMENT_TOO_DEEP: input('The document nests deeper than the loader allows'),
  OW_DOCUMENT_TOO_LARGE: input('The document expands to more values than the loader allows'),
  OW_DOCUMENT_NOT_OBJECT: input('The document root is not a mapping (or the document is empty)'),
  OW_UNKNOWN_DOCUMENT_KIND: input('The document is not recognisably a workflow, connector, agent or bundle'),
  OW_WRONG_DOCUMENT_KIND: input('The document is a different kind than the loader function expects'),
  OW_TOO_MANY_DIAGNOSTICS: input('More problems were found than are reported'),

  // JSON Schema ----------------------------------------------------------------------------------
  OW_SCHEMA_REQUIRED: schema('A required property is missing'),
  OW_SCHEMA_UNKNOWN_PROPERTY: schema('A property the schema does not define'),
  OW_SCHEMA_TYPE: schema('A value has the wrong JSON type'),
  OW_SCHEMA_ENUM: schema('A value is not one of the allowed values'),
  OW_SCHEMA_PATTERN: schema('A string does not match the required pattern'),
  OW_SCHEMA_FORMAT: schema('A string is not in the required format (uri, email, date-time, …)'),
  OW_SCHEMA_RANGE: schema('A number, string, array or object is outside its size or value bounds'),
  OW_SCHEMA_DEPENDENCY: schema('A property is only allowed together with another one'),
  OW_SCHEMA_NO_MATCH: schema('A value matches none of the allowed forms'),
  OW_SCHEMA_INVALID: schema('Any other JSON Schema violation'),

  // Legacy aliases (warnings; errors with `strict: true`) -----------------------------------------
  OW_ALIAS_SINGULAR_WORKFLOW: alias('Singular top-level `workflow:` instead of the `workflows:` list'),
  OW_ALIAS_STEP_NAME_AS_ID: alias('A step identified by `name` instead of `id`'),
  OW_ALIAS_WITH_INPUT: alias('Step `with:` instead of `input:`'),
  OW_ALIAS_INPUTS_INPUT: alias('Step `inputs:` instead of `input:`'),
  OW_ALIAS_PLUGIN: alias('`plugin: <slug>` instead of `connector: <connector id>`'),
  OW_ALIAS_TRIGGER_SHORTHAND: alias('Trigger shorthand `- schedule: "<cron>"`'),
  OW_ALIAS_INPUTS_LIST: alias('Workflow `inputs` written as a list of `{id, …}`'),
  OW_ALIAS_OUTPUTS_LIST: alias('Workflow `outputs` written as a list of `{id, value}`'),
  OW_ALIAS_NODE_STEPS: alias('forEach/try body under the older `node:` key instead of `steps:`'),
  OW_ALIAS_JOIN_COUNT_CALL: alias('Parallel `join: "count(n)"` instead of `join: {count: n}`'),
  OW_ALIAS_JOIN_COUNT_KEY: alias('Parallel `count: n` beside `join` instead of `join: {count: n}`'),
  OW_ALIAS_RETRY_CASE: alias('Retry keys in the other casing than the spec uses at that location'),
  OW_ALIAS_CONTINUE_ON_ERROR_CASE: alias('`continueOnError` on a step that is not forEach or parallel'),
  OW_ALIAS_AUTH_NESTED: alias('Auth descriptor with a nested per-type block (`apiKey: {in, name}`)'),
  OW_ALIAS_BACKEND_SMARTIFY: alias('Backend `smartify`, loaded as `native`'),
  OW_ALIAS_RUNTIME_HINT: alias('Agent `execution.runtime` instead of `execution.runtimeHint`'),
  OW_ALIAS_CONFLICT: {
    severity: 'error',
    category: 'alias',
    summary: 'Both a key and its alias are present (`input` and `with`, `max_attempts` and `maxAttempts`)',
  },

  // Semantic checks beyond JSON Schema -----------------------------------------------------------
  OW_DUPLICATE_STEP_ID: semantic('Two steps of one workflow share an id (at any nesting depth)'),
  OW_DUPLICATE_WORKFLOW_NAME: semantic('Two workflows of one file share a name'),
  OW_DUPLICATE_ACTION_NAME: semantic('Two actions of one connector share a name'),
  OW_NEEDS_UNKNOWN_STEP: semantic('`needs` names a step id that does not exist'),
  OW_NEEDS_NOT_SIBLING: semantic('`needs` names a step that is not in the same step list'),
  OW_NEEDS_SELF: semantic('A step lists itself in `needs`'),
  OW_FORWARD_REFERENCE: semantic(
    'A step depends on one that runs after it: a later sibling under `strategy: sequential`, or a step enclosing or nested in it',
  ),
  OW_DEPENDENCY_CYCLE: semantic('Under `strategy: dag`, steps depend on each other in a cycle'),
  OW_UNKNOWN_STEP_REFERENCE: semantic('A template references `steps.<id>` for an id that does not exist'),
  OW_CROSS_BRANCH_REFERENCE: semantic(
    'A template references a step in another branch that never ran before it',
  ),
  OW_CONCURRENT_REFERENCE: semantic('A template references a step that runs concurrently with it'),
  OW_INVALID_DURATION: semantic('A duration is not `<n>ms|s|m|h|d` (or a compound of those)'),
  OW_INVALID_CRON: semantic('A cron expression is not a valid five-field expression'),
  OW_INVALID_TIMEZONE: semantic('A timezone is not a known IANA zone'),
  OW_INVALID_RESOURCE_ID: semantic('A resource reference is not a valid `type:namespace/name@version`'),
  OW_INVALID_VERSION: semantic('A version is not a valid SemVer version'),
  OW_INVALID_VERSION_RANGE: semantic('A version range is not a valid SemVer range'),
  OW_REQUIRES_SPEC_INCOMPATIBLE: semantic(
    '`requires.spec` excludes the spec version this runtime implements',
  ),
  OW_SCHEMA_VERSION_UNSUPPORTED: semantic('`schemaVersion` is not a 0.1.x version', 'warning'),
  OW_INVALID_JSON_SCHEMA: semantic('An embedded JSON Schema (action input/output, io) is not valid'),
  OW_BACKEND_CONFLICT: semantic('`backend` and `execution.backend` name different backends'),
  OW_AGENT_RUNTIME_REQUIRED: semantic('An agent with the `langchain` backend declares no runtime hint'),
  OW_RESOURCE_LIMIT: semantic('A `runtime.resources` value is malformed or above its documented maximum'),
  OW_MCP_TRANSPORT_REQUIRED: semantic('An MCP connector whose transport cannot be inferred'),
  OW_HANDOFF_TARGET: semantic('A handoff step needs exactly one of `agent` and `selectAgent`'),
  OW_BUNDLE_DUPLICATE_INCLUDE: semantic('A bundle includes the same resource twice'),
  OW_BUNDLE_NESTED: semantic('A bundle includes another bundle'),
  OW_BUNDLE_UNPINNED_INCLUDE: semantic('A bundle include has no exact version', 'warning'),
  OW_REGISTRY_FIELD_REQUIRED: semantic('A field the registry requires is missing (registry mode)'),
  OW_WAIT_EVENT_NO_TIMEOUT: semantic('A wait for an event has no timeout', 'warning'),

  // Templates (through @openworkflow/expressions) --------------------------------------------------
  OW_EXPRESSION_INVALID: expression('A `{{ }}` template does not parse or breaks a sandbox rule'),
  OW_EXPRESSION_FORBIDDEN_ROOT: expression('A template reads a root that is not available at that place'),
} as const satisfies Record<string, DiagnosticCodeInfo>;

/** A code of {@link DIAGNOSTIC_CODES}. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

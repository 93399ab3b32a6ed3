/**
 * The canonical model: the one normalised shape every accepted document form is loaded into.
 *
 * The loader accepts every documented spelling (the nested `connector:` block or the flat registry
 * manifest, `workflows:` lists or a single flat workflow, `name`-as-id, `with`, snake- or
 * camel-cased retry keys, …) and emits these types. Everything downstream — the engine, the
 * SDK, the CLI, the conformance driver — reads only this model, never raw YAML.
 *
 * Conventions:
 * - durations are milliseconds and the field name says so (`timeoutMs`), whatever unit the
 *   document used;
 * - optional fields are absent, never `undefined`-valued (`exactOptionalPropertyTypes`);
 * - every node that came from a document carries `source`, a JSON pointer into that document,
 *   so runtime errors can point back at the YAML line.
 */

/** Any JSON value. Documents, inputs, outputs and events are made of these. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSON Schema (draft 2020-12) document, kept as data. */
export type JsonSchema = JsonObject;

/**
 * A value whose strings may contain `{{ }}` templates. It is rendered by the expression engine
 * when the step runs; strings that are exactly one `{{ expr }}` keep the expression's native type.
 */
export type Template = JsonValue;

/** Where a model node came from: the file (if any) and a JSON pointer (RFC 6901) into it. */
export interface SourceRef {
  readonly file?: string;
  readonly pointer: string;
}

export type ResourceType = 'connector' | 'workflow' | 'agent' | 'bundle';

/** `type:namespace/name@version`; `version` may be an exact SemVer, a range or a dist-tag, or absent. */
export interface ResourceId {
  readonly type: ResourceType;
  readonly namespace: string;
  readonly name: string;
  readonly version?: string;
}

// ---------------------------------------------------------------------------------------------
// Shared policies
// ---------------------------------------------------------------------------------------------

export type BackoffKind = 'fixed' | 'linear' | 'exponential';

/**
 * The one retry policy type, used by step `retry`, `try` blocks, HTTP handler `retry` and the SDK
 * default. Both `max_attempts`/`backoff_factor` and `maxAttempts`/`backoffFactor` load into it.
 */
export interface RetryPolicy {
  /** Total attempts including the first; at least 1. */
  readonly maxAttempts: number;
  readonly backoff: BackoffKind;
  /** Multiplier for exponential backoff (default 2). See spec/execution.md for factors below 1. */
  readonly backoffFactor?: number;
  /** Delay before the first retry (extension; default 1000 ms). */
  readonly initialDelayMs?: number;
  /** Upper bound on any single delay (extension; default 30 000 ms). */
  readonly maxDelayMs?: number;
  /** Add random jitter to delays (extension; default false, for determinism). */
  readonly jitter?: boolean;
  /** Error codes that may be retried, normalised to upper case (`rate_limit` → `RATE_LIMITED`). */
  readonly retryOn?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Connectors
// ---------------------------------------------------------------------------------------------

export type ConnectorKind = 'http' | 'sdk' | 'mcp-server' | 'lambda' | 'custom';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** Authentication a connector needs. The flat and nested spec shapes both load into this. */
export type AuthDescriptor =
  | { readonly type: 'none' }
  | {
      readonly type: 'apiKey';
      readonly in: 'header' | 'query' | 'cookie';
      readonly name: string;
      readonly prefix?: string;
    }
  | { readonly type: 'bearer'; readonly scheme: 'bearer' | 'jwt' }
  | { readonly type: 'basic' }
  | {
      readonly type: 'oauth2';
      readonly flow?: 'authorization_code' | 'client_credentials' | 'implicit';
      readonly authorizationUrl?: string;
      readonly tokenUrl?: string;
      readonly scopes: readonly string[];
    }
  | {
      readonly type: 'mtls';
      readonly clientCert?: string;
      readonly clientKey?: string;
      readonly caCert?: string;
    }
  | { readonly type: 'custom'; readonly scheme?: string; readonly parameters?: JsonObject };

/** SSRF policy on an HTTP handler (`urlValidation`). */
export interface UrlValidation {
  readonly allowedDomains?: readonly string[];
  readonly blockedDomains?: readonly string[];
  readonly allowedPorts?: readonly number[];
  readonly blockedPorts?: readonly number[];
  readonly allowedSchemes?: readonly string[];
  readonly blockedIpRanges?: readonly string[];
}

export interface HttpHandler {
  readonly type: 'http';
  /** May contain `${input.x}`, `${env.X}`, `${secrets.X}`, `${NAME}` or `{{ }}` templates. */
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Template;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly urlValidation?: UrlValidation;
}

export interface FunctionHandler {
  readonly type: 'function';
  /** The registered handler name, matched exactly (e.g. `calculator.add`). */
  readonly function: string;
}

export interface CommandHandler {
  readonly type: 'command';
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  readonly timeoutMs?: number;
  readonly allowedCommands?: readonly string[];
  /** The handler's whole `security` block (sandbox, filesystem, network), kept as data. */
  readonly security?: JsonObject;
}

export interface KafkaHandler {
  readonly type: 'kafka';
  readonly topic: string;
  readonly responseTopic?: string;
  readonly timeoutMs?: number;
  readonly key?: string;
}

export interface McpHandler {
  readonly type: 'mcp';
  readonly endpoint?: string;
  readonly tool: string;
}

export type Handler = HttpHandler | FunctionHandler | CommandHandler | KafkaHandler | McpHandler;

export interface Action {
  readonly name: string;
  readonly description: string;
  readonly input?: JsonSchema;
  readonly output?: JsonSchema;
  readonly handler: Handler;
  readonly source: SourceRef;
}

export interface EnvironmentRequirement {
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
}

export interface ConnectorRuntime {
  /** Default 300 000 ms (the spec's 300 s). */
  readonly timeoutMs: number;
  readonly memory?: string;
  readonly environment: readonly EnvironmentRequirement[];
  readonly resources?: JsonObject;
}

export type ApprovalRequirement = 'never' | 'first_use' | 'always' | 'admin_approval';
export type ApprovalTimeoutAction = 'reject' | 'allow' | 'escalate';

export interface ConnectorApproval {
  readonly required: ApprovalRequirement;
  readonly approvers: readonly string[];
  /** Default 3 600 000 ms. */
  readonly timeoutMs: number;
  readonly onTimeout: ApprovalTimeoutAction;
}

export type McpTransport = 'stdio' | 'sse' | 'streamable-http' | 'websocket';

export interface McpSettings {
  readonly transport: McpTransport;
  readonly endpoint?: string;
  readonly command?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly protocolVersion?: string;
  /** `'all'` or an allowlist of tool names. */
  readonly expose: 'all' | readonly string[];
}

export interface ResourceMetadata {
  readonly author?: string;
  readonly homepage?: string;
  readonly icon?: string;
  readonly repository?: string;
  readonly license?: string;
  readonly categories: readonly string[];
  /** Free-form search tags (agent `metadata.tags`). */
  readonly tags?: readonly string[];
}

export interface Deprecation {
  readonly reason?: string;
  readonly replacement?: string;
}

export interface Connector {
  readonly type: 'connector';
  /** `connector:<namespace>/<name>@<version>`. */
  readonly id: string;
  readonly kind: ConnectorKind;
  readonly name: string;
  readonly namespace: string;
  readonly version: string;
  readonly displayName: string;
  readonly description: string;
  readonly schemaVersion?: string;
  readonly metadata: ResourceMetadata;
  readonly supports?: readonly string[];
  readonly auth?: AuthDescriptor;
  readonly runtime: ConnectorRuntime;
  readonly approval?: ConnectorApproval;
  /** The `security` block, validated by schema and kept as data. */
  readonly security?: JsonObject;
  /** Descriptive only: never changes validation or execution. */
  readonly capabilities?: JsonObject;
  readonly mcp?: McpSettings;
  readonly actions: readonly Action[];
  readonly deprecated?: Deprecation;
  readonly requires?: Readonly<Record<string, string>>;
  readonly source: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

export interface InputDefinition {
  readonly type?: InputType;
  readonly description?: string;
  /** Literal, never templated. A default satisfies `required`. */
  readonly default?: JsonValue;
  readonly required: boolean;
  readonly enum?: readonly JsonValue[];
}

export interface OutputDefinition {
  readonly value: Template;
  readonly description?: string;
}

export type Trigger =
  | { readonly type: 'manual' }
  | { readonly type: 'schedule'; readonly cron: string; readonly timezone?: string }
  | {
      readonly type: 'webhook';
      readonly path?: string;
      readonly method?: string;
      readonly auth?: JsonObject;
      readonly security?: JsonObject;
    }
  | {
      readonly type: 'event';
      readonly source: string;
      readonly topic?: string;
      readonly filter?: JsonObject;
    };

export interface Authorization {
  readonly enabled: boolean;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  readonly approval?: {
    readonly required: boolean;
    readonly approvers: readonly string[];
    readonly timeoutMs: number;
  };
}

export interface Guardrails {
  readonly outputSchema?: JsonSchema;
  readonly timeLimitMs?: number;
  readonly maxToolCalls?: number;
  readonly maxTokens?: number;
  readonly maxCost?: number;
  readonly piiDetection?: boolean;
  readonly toxicityThreshold?: number;
  readonly blockedTopics?: readonly string[];
}

/** Step-level `for_each` (distinct from the `forEach` logic step). */
export interface StepLoop {
  /** Must render to an array. */
  readonly items: Template;
  /** `parallel: true` runs iterations concurrently; default sequential. */
  readonly parallel: boolean;
  readonly maxConcurrency?: number;
}

export type StepType =
  | 'action'
  | 'agent'
  | 'workflow'
  | 'if'
  | 'switch'
  | 'forEach'
  | 'parallel'
  | 'parallel-group'
  | 'wait'
  | 'try'
  | 'transform'
  | 'handoff'
  | 'approval';

/** Keys every step may carry. */
export interface StepBase {
  /** Unique across the whole workflow, at every nesting depth. */
  readonly id: string;
  /** A human label, when the document gave both `id` and `name`. */
  readonly label?: string;
  readonly type: StepType;
  /** Skip condition (`condition:`); the step is `skipped` when it renders falsy. Not used by `if`. */
  readonly condition?: string;
  readonly loop?: StepLoop;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  /** `continue_on_error`: a failure marks the step `failed` and the workflow carries on. */
  readonly continueOnError: boolean;
  /** Backend override (`backend:` or `execution.backend`). */
  readonly backend?: string;
  /** `execution: local|cloud` (the per-step execution mode). */
  readonly executionMode?: 'local' | 'cloud';
  /** `execution.runtime` of the backend override object (`python`, `node`, `any`). */
  readonly runtimeHint?: 'python' | 'node' | 'any';
  /** Explicit dependencies (`needs:`), sibling step ids. */
  readonly needs: readonly string[];
  /**
   * Computed by the loader: sibling step ids this step depends on — `needs` plus every sibling
   * whose subtree holds a step this step's templates reference. Used by `strategy: dag`.
   */
  readonly dependsOn: readonly string[];
  readonly guardrails?: Guardrails;
  readonly authorization?: { readonly permissions: readonly string[] };
  readonly source: SourceRef;
}

export interface ActionStep extends StepBase {
  readonly type: 'action';
  /** The connector reference as written: a full id (`connector:ns/name@1.0.0`) or a legacy slug. */
  readonly connector: string;
  readonly action: string;
  readonly input: Readonly<Record<string, Template>>;
}

export interface AgentStep extends StepBase {
  readonly type: 'agent';
  readonly agent: string;
  readonly input: Readonly<Record<string, Template>>;
}

export interface SubworkflowStep extends StepBase {
  readonly type: 'workflow';
  /** A workflow name (same file, then registered) or a full `workflow:` id. */
  readonly workflow: string;
  readonly version?: string;
  readonly input: Readonly<Record<string, Template>>;
}

export interface IfStep extends StepBase {
  readonly type: 'if';
  /** The branch test (the document's `condition:` on an `if` step). */
  readonly test: string;
  readonly then: readonly Step[];
  readonly else: readonly Step[];
}

export interface SwitchCase {
  readonly key: string;
  readonly steps: readonly Step[];
}

export interface SwitchStep extends StepBase {
  readonly type: 'switch';
  readonly value: Template;
  /** In document order. */
  readonly cases: readonly SwitchCase[];
  readonly default?: readonly Step[];
}

export interface ForEachStep extends StepBase {
  readonly type: 'forEach';
  readonly items: Template;
  /** Absent means unlimited. */
  readonly maxConcurrency?: number;
  readonly ordered: boolean;
  /** The logic step's own `continueOnError`: item failures are recorded and the step succeeds. */
  readonly continueOnItemError: boolean;
  readonly steps: readonly Step[];
}

export type JoinStrategy =
  | { readonly type: 'all' }
  | { readonly type: 'any' }
  | { readonly type: 'count'; readonly count: number };

export interface ParallelBranch {
  readonly name: string;
  readonly steps: readonly Step[];
}

export interface ParallelStep extends StepBase {
  readonly type: 'parallel';
  readonly join: JoinStrategy;
  /** The logic step's own `continueOnError`: branch failures are recorded, the step succeeds. */
  readonly continueOnBranchError: boolean;
  readonly branches: readonly ParallelBranch[];
}

/** The legacy `parallel: [steps]` group; children are addressable as `steps.<group>.<child>`. */
export interface ParallelGroupStep extends StepBase {
  readonly type: 'parallel-group';
  readonly steps: readonly Step[];
}

export type WaitSpec =
  | { readonly kind: 'duration'; readonly durationMs: number }
  | { readonly kind: 'time'; readonly time: Template }
  | {
      readonly kind: 'event';
      readonly event: string;
      readonly timeoutMs?: number;
      readonly channel?: string;
      readonly filter?: JsonObject;
    };

export interface WaitStep extends StepBase {
  readonly type: 'wait';
  readonly wait: WaitSpec;
}

export interface TryStep extends StepBase {
  readonly type: 'try';
  readonly steps: readonly Step[];
  readonly catch?: readonly Step[];
  readonly finally?: readonly Step[];
}

export type TransformLanguage = 'template' | 'jsonpath' | 'jsonata' | 'jq' | 'javascript' | 'python';

export interface TransformStep extends StepBase {
  readonly type: 'transform';
  readonly language: TransformLanguage;
  readonly expression: string;
  /** Extension: the document `jsonpath`/`jsonata`/`jq` run against. */
  readonly input?: Template;
}

export interface AgentChoice {
  readonly condition?: string;
  readonly agent: string;
  readonly isDefault: boolean;
}

export interface HandoffStep extends StepBase {
  readonly type: 'handoff';
  readonly agent?: string;
  readonly selectAgent?: readonly AgentChoice[];
  readonly reason?: Template;
  readonly context?: Template;
  /** Default true. */
  readonly resumeAfter: boolean;
}

/** Extension (not in the spec's catalog): a human approval gate. */
export interface ApprovalStep extends StepBase {
  readonly type: 'approval';
  readonly approvers: readonly string[];
  readonly message?: Template;
  /** Default 3 600 000 ms. */
  readonly approvalTimeoutMs: number;
  readonly onTimeout: ApprovalTimeoutAction;
}

export type Step =
  | ActionStep
  | AgentStep
  | SubworkflowStep
  | IfStep
  | SwitchStep
  | ForEachStep
  | ParallelStep
  | ParallelGroupStep
  | WaitStep
  | TryStep
  | TransformStep
  | HandoffStep
  | ApprovalStep;

export interface DryRunSettings {
  readonly enabled: boolean;
  readonly mockConnectors: boolean;
  /** connector id → action name → output. */
  readonly mockData: Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;
}

export interface Fixture {
  readonly name: string;
  readonly inputs: JsonObject;
  readonly expectedOutputs: JsonObject;
}

export interface WorkflowTesting {
  readonly dryRun?: DryRunSettings;
  readonly fixtures: readonly Fixture[];
}

export type ExecutionStrategy = 'sequential' | 'dag';

export interface Workflow {
  readonly type: 'workflow';
  readonly name: string;
  /** Default `1.0.0`. */
  readonly version: string;
  /** `workflow:<namespace>/<name>@<version>` when the document names a namespace. */
  readonly id?: string;
  readonly namespace?: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly schemaVersion?: string;
  readonly categories: readonly string[];
  readonly requires?: Readonly<Record<string, string>>;
  /** Default `sequential`: list order. `dag`: `needs` plus expression references. */
  readonly strategy: ExecutionStrategy;
  readonly maxConcurrency?: number;
  /** Workflow-level default backend. */
  readonly backend?: string;
  /** Whole-run deadline. */
  readonly timeoutMs?: number;
  readonly inputs: Readonly<Record<string, InputDefinition>>;
  readonly outputs: Readonly<Record<string, OutputDefinition>>;
  readonly triggers: readonly Trigger[];
  readonly steps: readonly Step[];
  readonly authorization?: Authorization;
  readonly testing?: WorkflowTesting;
  readonly source: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// Agents and bundles
// ---------------------------------------------------------------------------------------------

export interface ModelSelection {
  readonly provider: string;
  readonly id: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
  readonly stopSequences?: readonly string[];
  readonly fallback?: { readonly provider: string; readonly id: string };
  readonly providerConfig?: JsonObject;
}

export interface ToolsetEntry {
  readonly connector: string;
  /** Allowlist of action names; absent means all. */
  readonly actions?: readonly string[];
  readonly deny?: readonly string[];
  readonly rateLimit?: { readonly rpm?: number };
  /** Formal-form tools carry an input schema reference. */
  readonly inputSchema?: string;
}

export interface AgentExecution {
  /** Default `native`; `smartify` loads as `native`. */
  readonly backend: string;
  readonly runtime?: 'python' | 'node' | 'any';
  readonly compatibility?: Readonly<Record<string, string>>;
  readonly config: JsonObject;
}

export interface Agent {
  readonly type: 'agent';
  /** Which document form it was loaded from. */
  readonly form: 'manifest' | 'formal';
  readonly id?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly version?: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly schemaVersion?: string;
  readonly model: ModelSelection;
  readonly systemPrompt?: string;
  readonly goals?: readonly string[];
  readonly toolset: readonly ToolsetEntry[];
  readonly execution: AgentExecution;
  readonly planner?: { readonly strategy: string; readonly maxTurns?: number };
  readonly personality?: JsonObject;
  readonly knowledge?: JsonObject;
  readonly memory?: JsonObject;
  readonly guardrails?: JsonObject;
  readonly policies?: JsonObject;
  readonly io: {
    readonly inputSchema?: JsonSchema;
    readonly outputSchema?: JsonSchema;
    /** Formal form: `io.output_schema`, a reference to a schema rather than an inline one. */
    readonly outputSchemaRef?: string;
  };
  readonly registryMode: boolean;
  readonly metadata: ResourceMetadata;
  /** Formal form: the free-form `extensions` object. */
  readonly extensions?: JsonObject;
  readonly deprecated?: Deprecation;
  readonly requires?: Readonly<Record<string, string>>;
  readonly source: SourceRef;
}

export interface Bundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly version: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly schemaVersion?: string;
  readonly includes: readonly ResourceId[];
  readonly metadata: ResourceMetadata;
  readonly deprecated?: Deprecation;
  readonly requires?: Readonly<Record<string, string>>;
  readonly source: SourceRef;
}

import type { JsonObject, JsonValue, RetryPolicy, Workflow } from '@openworkflow/schemas';
import type { Backend, BackendRegistry } from './backend.js';
import type { Clock } from './clock.js';
import type { RunEvent } from './events.js';
import type { HandlerExecutor, Logger } from './handler.js';
import type { IdGenerator, RandomSource } from './ids.js';
import type { EngineLimits } from './limits.js';
import type { AgentResolver, ConnectorResolver, WorkflowResolver } from './resolvers.js';
import type { RunStore } from './run-store.js';
import type { TransformLanguagePlugin } from './transform-languages.js';

/**
 * Where secret values come from. At run start the engine asks once for every name the run's
 * templates and handler configs reference; values are then read synchronously through the
 * `SecretAccessor` and the `secrets` template root. Missing names are simply absent.
 */
export interface SecretSource {
  resolve(names: readonly string[], context: SecretResolveContext): Promise<Readonly<Record<string, string>>>;
}

/** Who reads a secret: the workflow's own templates, or a connector's handler config. */
export type SecretRequester =
  | { readonly kind: 'workflow'; readonly workflow: string }
  | { readonly kind: 'connector'; readonly connector: string; readonly workflow: string };

/** What the engine tells a {@link SecretSource} about the run asking. */
export interface SecretResolveContext {
  readonly runId: string;
  readonly workflowName: string;
  /** `workflow:<ns>/<name>@<version>` when the workflow has a namespace; else its name. */
  readonly workflowResource: string;
  /** Per name, every reader: scoped secrets are checked against each one. */
  readonly requesters: Readonly<Record<string, readonly SecretRequester[]>>;
}

/**
 * What may leave a step or a run as output (spec/secrets.md, "Sinks"). `step` sees every leaf
 * step's output before it is recorded — downstream steps, the result and the event log see what it
 * returns — and may throw (e.g. `SECRET_EXPOSURE`), which fails the step without retry. `workflow`
 * does the same for the evaluated `outputs`.
 */
export interface OutputPolicy {
  step?(stepId: string, output: JsonValue): JsonValue;
  workflow?(workflowName: string, outputs: JsonObject): JsonObject;
}

/** An approval a run is waiting for (the `approval` extension step). */
export interface ApprovalRequest {
  readonly runId: string;
  readonly interruptId: string;
  readonly stepId: string;
  readonly approvers: readonly string[];
  readonly message: JsonValue;
  /** Epoch ms after which `onTimeout` applies. */
  readonly deadline: number;
}

/** Notifications about approvals, e.g. to post a message where approvers will see it. */
export interface ApprovalHooks {
  requested?(request: ApprovalRequest): void | Promise<void>;
  /** Called when an approval with `onTimeout: escalate` times out. */
  escalated?(request: ApprovalRequest): void | Promise<void>;
}

/** How an approval was decided, passed to `resolveInterrupt`. */
export interface InterruptDecision {
  readonly approved: boolean;
  /** Who decided; checked against the step's `approvers` when the list is not empty. */
  readonly by?: string;
  readonly comment?: string;
}

/** Engine-wide defaults for steps that set nothing themselves. */
export interface EngineDefaults {
  /** Per-attempt limit of agent and handoff steps (actions use their connector's runtime timeout). */
  readonly timeoutMs?: number;
  /** Retry policy of action, agent, handoff and transform steps without `retry` (default: no retry). */
  readonly retry?: RetryPolicy;
  /** The runtime default backend (spec §14.1, last resolution level; default `native`). */
  readonly backend?: string;
}

/**
 * Applied to every event before it is appended (spec/events.md, "Redaction"): the secrets
 * package masks secret values here, so nothing unmasked is ever stored. Must be pure and
 * must keep `type`, `sequence`, `runId`, `path` and `attempt` unchanged.
 */
export type RedactHook = (event: RunEvent) => RunEvent;

/** Everything an engine is built from; every field has a default. */
export interface EngineOptions {
  /** Default: a new `InMemoryRunStore`. */
  readonly store?: RunStore;
  /** Default: `systemClock`. Tests pass a `FakeClock`. */
  readonly clock?: Clock;
  /** Default: crypto randomness (used only for retry jitter). */
  readonly random?: RandomSource;
  /** Default: random UUIDs. */
  readonly idGenerator?: IdGenerator;
  /** Executors for connector action handlers, one per handler `type`. */
  readonly handlers?: readonly HandlerExecutor[];
  /** Resolves `connector:` references; a miss fails the step `UNAVAILABLE`. */
  readonly connectors?: ConnectorResolver;
  /** Resolves subworkflows after the run's own file; a miss fails the step `UNAVAILABLE`. */
  readonly workflows?: WorkflowResolver;
  /** Resolves `agent:` references; a miss fails the step `UNAVAILABLE`. */
  readonly agents?: AgentResolver;
  /** Registered execution backends. */
  readonly backends?: BackendRegistry | readonly Backend[];
  /** The `env` template root and handler environment. Default: empty (never `process.env` implicitly). */
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: SecretSource;
  readonly logger?: Logger;
  readonly limits?: Partial<EngineLimits>;
  readonly defaults?: EngineDefaults;
  /** Transform languages beyond the built-in template/jsonpath/jsonata (e.g. `jq`, `javascript`). */
  readonly transforms?: Readonly<Record<string, TransformLanguagePlugin>>;
  readonly approvals?: ApprovalHooks;
  readonly redact?: RedactHook;
  /** Masks or refuses secret material in step and workflow outputs (the secrets package's policy). */
  readonly outputPolicy?: OutputPolicy;
  /** Validate action outputs against the action's `output` schema (`VALIDATION` on mismatch). */
  readonly strictOutputs?: boolean;
  /** This engine's lease owner id. Default: a generated id. */
  readonly owner?: string;
}

/** Per-run options of `engine.start`. */
export interface StartOptions {
  /** Use this run id instead of a generated one. */
  readonly runId?: string;
  /** Trigger data: the `trigger` template root (`trigger.payload`, `trigger.event`, …). */
  readonly trigger?: JsonValue;
  /** The other workflows of the same file: searched first for subworkflow steps. */
  readonly siblings?: readonly Workflow[];
  /** Id of the request that started the run (`request_id` of its events). Default: generated. */
  readonly requestId?: string;
  /** What caused the run (an event or directive id): `causation_id` of `run.started`. */
  readonly causationId?: string;
  /** Aborting it cancels the run. */
  readonly signal?: AbortSignal;
  /** Return `testing.dryRun.mockData` for actions instead of calling handlers (also on when the workflow enables it). */
  readonly dryRun?: boolean;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

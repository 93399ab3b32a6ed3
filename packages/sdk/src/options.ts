import type { ModelPrice, ModelProvider } from '@openworkflow/agents';
import type { EgressGuardOptions, HttpClientOptions } from '@openworkflow/backend-native';
import {
  type AgentResolver,
  type Backend,
  type Clock,
  type EngineLimits,
  type ExecutionMode,
  type IdGenerator,
  OpenWorkflowError,
  type RunStore,
  type TransformLanguagePlugin,
} from '@openworkflow/core';
import type {
  EventTracerOptions,
  LoggerOptions,
  LogLevel,
  WorkflowMetricsOptions,
} from '@openworkflow/observability';
import type { BackoffKind, RetryPolicy } from '@openworkflow/schemas';
import type {
  SecretAccessRecord,
  SecretDefinition,
  SecretRedactionOptions,
  SecretsProvider,
} from '@openworkflow/secrets';
import type { ActionInterceptor } from './interceptor.js';
import type { ObservabilityExporter } from './observability-exporters.js';

/**
 * The SDK's default retry behaviour (the seed's `retry_config`). Both spellings of the seed
 * (`max_attempts`, `backoff_factor`) and camelCase are accepted.
 */
export interface RetryConfig {
  /** Total attempts including the first (at least 1). */
  readonly maxAttempts?: number;
  readonly max_attempts?: number;
  /** Default `exponential`. */
  readonly backoff?: BackoffKind;
  readonly backoffFactor?: number;
  readonly backoff_factor?: number;
  /** Delay before the first retry. Default 1000 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound on any delay. Default 30 000 ms. */
  readonly maxDelayMs?: number;
  readonly jitter?: boolean;
  /** Codes that may be retried (default: the engine's retryable set). */
  readonly retryOn?: readonly string[];
}

/**
 * Spec §12.4 / §16 observability settings. Each part is off unless asked for; `enabled: true` (or
 * `observability: true`) turns on all three with their defaults.
 */
export interface ObservabilitySettings {
  /** `true`: logs, metrics and tracing unless one is set to `false`; `false`: everything off. */
  readonly enabled?: boolean;
  /** Structured logs (default format: JSON lines at `info` on standard output). */
  readonly logs?: false | (LoggerOptions & { readonly events?: boolean });
  /** Shorthands for `logs.level` / `logs.format` (the seed's `log_level`, `log_format`). */
  readonly logLevel?: LogLevel;
  readonly logFormat?: 'json' | 'text';
  /** Prometheus metrics (`true`: a private registry, read with `openworkflow.metrics()`). Default off. */
  readonly metrics?: boolean | WorkflowMetricsOptions;
  /**
   * OpenTelemetry spans. `true`: the global tracer provider's tracer; or pass `{ tracer }`.
   * Default off (an `OpenTelemetryExporter` turns it on).
   */
  readonly tracing?: boolean | EventTracerOptions;
}

/** Where commands of `command` handlers may run (spec/handlers.md). */
export interface CommandSettings {
  /** Default: the process's working directory. */
  readonly workspaceRoot?: string;
  readonly allowedCommands?: readonly string[];
  readonly passEnvironment?: readonly string[];
}

/**
 * Settings of `kind: mcp-server` connectors (spec/sdk.md#mcp-server-connectors). Secure by default:
 * no stdio command may start unless listed; HTTP endpoints pass the `egress` guard.
 */
export interface McpSettings {
  /** Exact `mcp.command` values a stdio connector may start (e.g. `node`, `npx`). Default: none. */
  readonly allowedCommands?: readonly string[];
  /** Working directory of stdio servers (relative `mcp.args` resolve against it). Default: the process's. */
  readonly workingDirectory?: string;
  /** Variables for stdio servers besides the manifest's `mcp.env` (never the process environment). */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Options of `new OpenWorkflow()`: the seed's initialisation options in camelCase, plus the
 * injection points tests and hosts need. Every field is optional.
 */
export interface OpenWorkflowOptions {
  /**
   * Default action timeout in **seconds** (the seed's `timeout`, default 300): applied to connectors
   * that declare no `runtime.timeout`, and the per-attempt limit of agent steps.
   */
  readonly timeout?: number;
  /** Default retry policy of steps that declare none (default: no retry). */
  readonly retryConfig?: RetryConfig;
  /**
   * Variables for connectors and workflows: the `env` template root and `${env.X}` / bare `${X}`
   * in handler configs. Default: empty — the process environment is never exposed implicitly.
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Where secrets come from: any object with `get(name)` (sync or async). Default: the process
   * environment (`EnvSecretsProvider`).
   */
  readonly secretsManager?: SecretsProvider;
  /** Declared secrets (key and scope per name) and redaction settings of spec §13.4. */
  readonly secrets?: {
    readonly definitions?: Readonly<Record<string, SecretDefinition>>;
    readonly redaction?: SecretRedactionOptions;
    /** Every access decision (names and outcomes, never values): the audit trail of spec §13.4. */
    readonly onAccess?: (record: SecretAccessRecord) => void;
  };
  /** `true` for logs, metrics and tracing with defaults; an object to pick; default off (no cost). */
  readonly observability?: boolean | ObservabilitySettings;
  /** A `PrometheusExporter`, an `OpenTelemetryExporter`, or several. */
  readonly observabilityExporter?: ObservabilityExporter | readonly ObservabilityExporter[];
  /** `local` (default) and `hybrid` run in-process; `cloud` and `self_hosted` are not available here. */
  readonly executionMode?: ExecutionMode;
  /** Outbound HTTP policy of `http` handlers (the SSRF guard). Default: the secure default profile. */
  readonly egress?: EgressGuardOptions;
  /** Caps and timeouts of the HTTP client of `http` handlers. */
  readonly http?: Omit<HttpClientOptions, 'guard'>;
  /** Settings of `command` handlers; `false` disables them (`UNAVAILABLE`). */
  readonly commands?: false | CommandSettings;
  /** `kind: mcp-server` connectors: the stdio command allowlist and server settings. */
  readonly mcp?: McpSettings;
  /** Fail actions whose output does not match the action's `output` schema. Default false. */
  readonly strictOutputs?: boolean;
  /**
   * Execution backends besides `native` actions. Agent steps get the native agent backend
   * (`@openworkflow/agents`, loaded on first need) unless one named `native` is given here.
   */
  readonly backends?: readonly Backend[];
  /**
   * Resolves the `agent:` references that `registerAgent` did not register (e.g. `agentsFrom([...])`,
   * a registry lookup).
   */
  readonly agents?: AgentResolver;
  /**
   * Model providers of the default native agent backend, by `model.provider` (added to, or
   * replacing, `scripted`, `openai` and `anthropic`). Their API keys are read from `secretsManager`.
   */
  readonly agentProviders?: readonly ModelProvider[];
  /** Prices by `<provider>/<model>` or `<model>` for the default agent backend's cost accounting. */
  readonly agentPricing?: Readonly<Record<string, ModelPrice>>;
  /** Extra transform languages. */
  readonly transforms?: Readonly<Record<string, TransformLanguagePlugin>>;
  /** Runs around every action call: mocks, recording, middleware. Outermost first. */
  readonly interceptors?: readonly ActionInterceptor[];
  /** Use only handlers registered on this instance, not those of `action()` without an instance. */
  readonly isolated?: boolean;
  /** Where run events are kept. Default: in memory. */
  readonly store?: RunStore;
  /** Default: the system clock. Tests pass a `FakeClock`. */
  readonly clock?: Clock;
  readonly idGenerator?: IdGenerator;
  readonly limits?: Partial<EngineLimits>;
}

const BACKOFF_KINDS: readonly BackoffKind[] = ['fixed', 'linear', 'exponential'];

function invalid(field: string, message: string, constraint: string): OpenWorkflowError {
  return new OpenWorkflowError('VALIDATION', `${field}: ${message}`, { details: { field, constraint } });
}

/** `retryConfig` as the engine's retry policy; bad values are `VALIDATION` naming the field. */
export function toRetryPolicy(config: RetryConfig): RetryPolicy {
  const maxAttempts = config.maxAttempts ?? config.max_attempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw invalid('retryConfig.maxAttempts', 'must be an integer of at least 1', 'minimum');
  }
  const backoff = config.backoff ?? 'exponential';
  if (!BACKOFF_KINDS.includes(backoff)) {
    throw invalid('retryConfig.backoff', `must be one of ${BACKOFF_KINDS.join(', ')}`, 'enum');
  }
  const factor = config.backoffFactor ?? config.backoff_factor;
  if (factor !== undefined && !(factor > 0)) {
    throw invalid('retryConfig.backoffFactor', 'must be a positive number', 'minimum');
  }
  for (const key of ['initialDelayMs', 'maxDelayMs'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw invalid(`retryConfig.${key}`, 'must be a non-negative number', 'minimum');
    }
  }
  return {
    maxAttempts,
    backoff,
    ...(factor === undefined ? {} : { backoffFactor: factor }),
    ...(config.initialDelayMs === undefined ? {} : { initialDelayMs: config.initialDelayMs }),
    ...(config.maxDelayMs === undefined ? {} : { maxDelayMs: config.maxDelayMs }),
    ...(config.jitter === undefined ? {} : { jitter: config.jitter }),
    ...(config.retryOn === undefined ? {} : { retryOn: config.retryOn.map((code) => code.toUpperCase()) }),
  };
}

/** `timeout` (seconds) in milliseconds; `undefined` when not set. */
export function timeoutMs(timeout: number | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  if (!(Number.isFinite(timeout) && timeout > 0)) {
    throw invalid('timeout', 'must be a positive number of seconds', 'minimum');
  }
  return Math.round(timeout * 1000);
}

import { randomUUID } from 'node:crypto';
import {
  createCommandHandler,
  createEgressGuard,
  createFunctionHandler,
  createHttpHandler,
} from '@openworkflow/backend-native';
import {
  type ActionInvocation,
  type AgentResolver,
  agentsFrom,
  type Backend,
  type ConnectorResolver,
  connectorsFrom,
  createEngine,
  type Engine,
  type ExecutionMode,
  type HandlerExecutor,
  type Logger,
  OpenWorkflowError,
  type RunEvent,
  type RunHandle,
  type SecretAccessor,
  systemClock,
  type ValidationReport,
} from '@openworkflow/core';
import {
  createObservability,
  type Observability,
  type ObservabilityOptions,
} from '@openworkflow/observability';
import {
  type Agent,
  type Connector,
  childStepLists,
  type Handler,
  type JsonObject,
  type JsonValue,
  type Step,
  type Workflow,
} from '@openworkflow/schemas';
import { createSecretsRuntime, EnvSecretsProvider, type SecretsRuntime } from '@openworkflow/secrets';
import { type ActionHandler, withSecrets } from './action-context.js';
import { type AgentSource, type ConnectorSource, loadAgentSource, loadConnectorSource } from './documents.js';
import {
  defaultHandlers,
  type HandlerOptions,
  LayeredHandlerRegistry,
  registerIn,
} from './handler-registry.js';
import type { ActionInterceptor } from './interceptor.js';
import { type InvokeOptions, invokeAction } from './invoke.js';
import type { ExporterContribution, ObservabilityExporter } from './observability-exporters.js';
import { type ObservabilitySettings, type OpenWorkflowOptions, timeoutMs, toRetryPolicy } from './options.js';
import {
  failedResult,
  maskResult,
  settledRun,
  toWorkflowResult,
  type WorkflowResult,
  type WorkflowRun,
} from './result.js';

/** Per-run options of `execute` and `start`. */
export interface RunOptions {
  /** Use this run id instead of a generated one. */
  readonly runId?: string;
  /** Return `testing.dryRun.mockData` instead of calling handlers. */
  readonly dryRun?: boolean;
  /** Aborting it cancels the run. */
  readonly signal?: AbortSignal;
  /** The `trigger` template root. */
  readonly trigger?: JsonValue;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
  /** The other workflows of the same file (subworkflow lookup). */
  readonly siblings?: readonly Workflow[];
  /**
   * Per-run execution mode (the seed's `execute(mode=...)`): `local` and `hybrid` run here; `cloud`
   * and `self_hosted` resolve with `UNAVAILABLE`. Default: the instance's `executionMode`.
   */
  readonly mode?: ExecutionMode;
}

/** Options of `registerConnector`. */
export interface RegisterConnectorOptions {
  /** Relative paths are resolved against this directory. Default: the working directory. */
  readonly baseDir?: string;
  /** Replace a connector already registered under the same id instead of failing `VALIDATION`. */
  readonly replace?: boolean;
}

/** Options of `registerAgent`. */
export interface RegisterAgentOptions {
  /** Relative paths are resolved against this directory. Default: the working directory. */
  readonly baseDir?: string;
  /** Replace an agent already registered under the same id instead of failing `VALIDATION`. */
  readonly replace?: boolean;
}

/** What `@openworkflow/mcp` provides once an MCP connector is registered. */
interface McpRuntime {
  readonly discover: (connector: Connector) => Promise<Connector>;
  readonly executor: HandlerExecutor;
  readonly close: () => Promise<void>;
}

interface Runtime {
  readonly engine: Engine;
  readonly observability: Observability;
  /** The intercepted executors, by handler type (what direct invocations use). */
  readonly executors: ReadonlyMap<string, HandlerExecutor>;
}

const HANDLER_TYPES: readonly Handler['type'][] = ['function', 'http', 'command', 'kafka', 'mcp'];

/**
 * The SDK's entry point (the seed contract's `OpenWorkflow`): registers connectors and handlers,
 * and runs workflows on an engine built from `@openworkflow/core`, the native handlers, the
 * secrets runtime and observability. Runs resolve with a {@link WorkflowResult}; they never throw.
 *
 * @example
 * const openworkflow = new OpenWorkflow({ timeout: 30, retryConfig: { maxAttempts: 3 } });
 * await openworkflow.registerConnector('./connectors/calculator.yaml');
 * openworkflow.registerHandler('calculator.add', ({ a, b }) => ({ result: a + b }));
 * const workflows = await Workflows.fromFile('./workflows.yaml', { openworkflow });
 * const result = await workflows.execute('Calculator Chain');
 */
export class OpenWorkflow {
  readonly options: OpenWorkflowOptions;
  /** The secrets runtime: provider, scoping and the masker every sink uses. */
  readonly secrets: SecretsRuntime;
  readonly executionMode: ExecutionMode;
  readonly #connectors = new Map<string, Connector>();
  #resolver: ConnectorResolver | undefined;
  readonly #agents = new Map<string, Agent>();
  #agentResolver: AgentResolver | undefined;
  #agentBackend: Promise<void> | undefined;
  #mcp: Promise<McpRuntime> | undefined;
  readonly #handlers: LayeredHandlerRegistry;
  readonly #backends: Backend[];
  readonly #interceptors: ActionInterceptor[];
  readonly #exporters: readonly ObservabilityExporter[];
  readonly #closers: Array<() => unknown> = [];
  readonly #timeoutMs: number | undefined;
  #runtime: Promise<Runtime> | undefined;
  #closed = false;

  constructor(options: OpenWorkflowOptions = {}) {
    this.options = options;
    this.executionMode = options.executionMode ?? 'local';
    this.#timeoutMs = timeoutMs(options.timeout);
    if (options.retryConfig !== undefined) toRetryPolicy(options.retryConfig); // fail fast on bad values
    this.secrets = createSecretsRuntime(
      options.secretsManager ?? new EnvSecretsProvider({ env: process.env }),
      {
        ...(options.secrets?.definitions === undefined ? {} : { definitions: options.secrets.definitions }),
        ...(options.secrets?.redaction === undefined ? {} : { redaction: options.secrets.redaction }),
        ...(options.secrets?.onAccess === undefined ? {} : { onAccess: options.secrets.onAccess }),
      },
    );
    this.#handlers = new LayeredHandlerRegistry(options.isolated === true ? undefined : defaultHandlers);
    this.#backends = [...(options.backends ?? [])];
    this.#interceptors = [...(options.interceptors ?? [])];
    const exporters = options.observabilityExporter;
    this.#exporters =
      exporters === undefined
        ? []
        : Array.isArray(exporters)
          ? [...exporters]
          : [exporters as ObservabilityExporter];
  }

  /**
   * Registers a connector from a YAML/JSON file path or URL, or from an object in either document
   * shape. A document with errors is `VALIDATION` quoting the first diagnostic with its position.
   */
  async registerConnector(
    source: ConnectorSource,
    options: RegisterConnectorOptions = {},
  ): Promise<Connector> {
    const loaded = await loadConnectorSource(source, options.baseDir);
    let connector = loaded.connector;
    if (!loaded.declaresTimeout && this.#timeoutMs !== undefined) {
      connector = { ...connector, runtime: { ...connector.runtime, timeoutMs: this.#timeoutMs } };
    }
    if (this.#connectors.has(connector.id) && options.replace !== true) {
      throw new OpenWorkflowError('VALIDATION', `Connector ${connector.id} is already registered`, {
        details: { field: 'connector', constraint: 'unique', connector: connector.id },
      });
    }
    // MCP tools are discovered now, so lookups, `invoke` and validation see them as actions.
    if (connector.kind === 'mcp-server') connector = await (await this.#mcpRuntime()).discover(connector);
    this.#connectors.set(connector.id, connector);
    this.#resolver = undefined;
    return connector;
  }

  /** The registered connectors, in registration order. */
  get connectors(): readonly Connector[] {
    return [...this.#connectors.values()];
  }

  /** Finds a registered connector by id (with or without version), `namespace/name` or name. */
  connector(reference: string): Connector | undefined {
    this.#resolver ??= connectorsFrom(this.#connectors.values());
    return this.#resolver(reference) as Connector | undefined;
  }

  /**
   * Registers an agent from a YAML/JSON file path or URL, or from an object in either manifest
   * form (the schemas loader normalises both). Agent and handoff steps find it by id (with or
   * without version), `namespace/name` or name, before the `agents` resolver option is asked. A
   * document with errors is `VALIDATION` quoting the first diagnostic with its position.
   *
   * @example
   * await openworkflow.registerAgent('./agents/triage-bot.yaml');
   */
  async registerAgent(source: AgentSource, options: RegisterAgentOptions = {}): Promise<Agent> {
    const agent = await loadAgentSource(source, options.baseDir);
    const key = agent.id ?? agent.name;
    if (this.#agents.has(key) && options.replace !== true) {
      throw new OpenWorkflowError('VALIDATION', `Agent ${key} is already registered`, {
        details: { field: 'agent', constraint: 'unique', agent: key },
      });
    }
    this.#agents.set(key, agent);
    this.#agentResolver = undefined;
    return agent;
  }

  /** The agents registered with `registerAgent`, in registration order. */
  get agents(): readonly Agent[] {
    return [...this.#agents.values()];
  }

  /** Finds an agent: the registered ones first, then the `agents` resolver option. */
  async agent(reference: string): Promise<Agent | undefined> {
    this.#agentResolver ??= agentsFrom(this.#agents.values());
    return (await this.#agentResolver(reference)) ?? (await this.options.agents?.(reference));
  }

  /**
   * Registers the function behind `handler: { function: name }`. It receives the action's
   * validated input and an {@link ActionContext}; what it returns is the step output, what it
   * throws becomes the taxonomy envelope.
   */
  registerHandler<Input = JsonObject, Output = unknown>(
    name: string,
    handler: ActionHandler<Input, Output>,
    options: HandlerOptions = {},
  ): this {
    registerIn(this.#handlers, name, handler as ActionHandler<never, unknown>, options);
    return this;
  }

  /** Names of every handler this instance can call (its own, then the shared `action()` ones). */
  handlerNames(): string[] {
    return this.#handlers.names();
  }

  /** Adds an execution backend (e.g. LangChain for agent steps). */
  registerBackend(backend: Backend): this {
    this.#backends.push(backend);
    if (this.#runtime !== undefined)
      void this.#runtime.then((runtime) => runtime.engine.backends.register(backend));
    return this;
  }

  /** Adds an interceptor around every action call (outermost last-added). */
  intercept(interceptor: ActionInterceptor): this {
    this.#interceptors.push(interceptor);
    return this;
  }

  /** Runs `fn` on `close()` (stop a local service the project started). */
  onClose(fn: () => unknown): this {
    this.#closers.push(fn);
    return this;
  }

  /** Starts exporters and builds the engine; runs do this themselves on first use. */
  async ready(): Promise<void> {
    await this.#ensureRuntime();
  }

  /** The engine, built on first use. */
  async engine(): Promise<Engine> {
    return (await this.#ensureRuntime()).engine;
  }

  /** The logger handlers get (silent unless observability logs are on). */
  async logger(): Promise<Logger> {
    return (await this.#ensureRuntime()).observability.logger;
  }

  /** The Prometheus text exposition, or `undefined` when metrics are off. */
  async metrics(): Promise<string | undefined> {
    return (await this.#ensureRuntime()).observability.metrics?.exposition();
  }

  /** The observability projections (logger, metrics, tracer) as built. */
  async observability(): Promise<Observability> {
    return (await this.#ensureRuntime()).observability;
  }

  /** Checks what the loader cannot: connectors, actions, handler types, backends, plans. */
  async validate(workflow: Workflow, siblings: readonly Workflow[] = []): Promise<ValidationReport> {
    const runtime = await this.#ensureRuntime();
    await this.#ensureAgentBackend(runtime, [workflow, ...siblings]);
    return runtime.engine.validate(workflow, { siblings });
  }

  /** Starts a run of a loaded workflow. */
  start(workflow: Workflow, inputs: JsonObject = {}, options: RunOptions = {}): WorkflowRun {
    const runId = options.runId ?? this.options.idGenerator?.() ?? randomUUID();
    const redactor = this.secrets.redactor;
    const redact = (result: WorkflowResult) => maskResult(result, (value) => redactor.value(value));
    const mode = options.mode ?? this.executionMode;
    if (mode === 'cloud' || mode === 'self_hosted') {
      const unavailable = new OpenWorkflowError(
        'UNAVAILABLE',
        `Execution mode '${mode}' is not available in this SDK`,
        {
          details: { execution_mode: mode, suggestion: "Use executionMode 'local'" },
        },
      );
      return settledRun(runId, failedResult(runId, unavailable));
    }
    const handle: Promise<RunHandle> = this.#ensureRuntime().then(async (runtime) => {
      await this.#ensureAgentBackend(runtime, [workflow, ...(options.siblings ?? [])]);
      return runtime.engine.start(workflow, inputs, {
        runId,
        ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.trigger === undefined ? {} : { trigger: options.trigger }),
        ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
        ...(options.siblings === undefined ? {} : { siblings: options.siblings }),
      });
    });
    const result = handle
      .then((run) => run.result)
      .then(
        (outcome) => redact(toWorkflowResult(outcome)),
        (error: unknown) => redact(failedResult(runId, error)),
      );
    return {
      id: runId,
      result,
      events: (fromSequence = 0) => lateEvents(handle, fromSequence),
      cancel: async (reason) => (await handle.catch(() => undefined))?.cancel(reason) ?? false,
      signal: async (name, payload = null) => (await handle).signal(name, payload),
      resolveInterrupt: async (interruptId, decision) =>
        (await handle).resolveInterrupt(interruptId, decision),
    };
  }

  /** Runs a loaded workflow to its end. */
  execute(workflow: Workflow, inputs: JsonObject = {}, options: RunOptions = {}): Promise<WorkflowResult> {
    return this.start(workflow, inputs, options).result;
  }

  /**
   * Calls one action of a registered connector directly, outside any workflow: the input is
   * defaulted and validated against the action's `input` schema, the handler config's secrets are
   * resolved for the connector, and the call goes through the interceptors and the native
   * executor with the connector's timeout. Throws an `OpenWorkflowError` (masked) on failure; the
   * output is masked as a step output would be. The HTTP integration is built on this.
   */
  async invoke(
    connector: string,
    actionName: string,
    input: JsonObject = {},
    options: InvokeOptions = {},
  ): Promise<JsonValue> {
    const runtime = await this.#ensureRuntime();
    return invokeAction(
      {
        connector: (reference) => this.connector(reference),
        executors: runtime.executors,
        secrets: this.secrets,
        environment: this.options.environment ?? {},
        logger: runtime.observability.logger,
        executionMode: this.executionMode,
        newId: () => this.options.idGenerator?.() ?? randomUUID(),
        now: () => (this.options.clock ?? systemClock).now(),
      },
      connector,
      actionName,
      input,
      options,
    );
  }

  /** Stops the engine (unfinished runs stay resumable in a durable store), exporters and services. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const runtime = await this.#runtime?.catch(() => undefined);
    await runtime?.engine.close();
    await (await this.#mcp?.catch(() => undefined))?.close();
    await Promise.allSettled(this.#exporters.map((exporter) => exporter.shutdown()));
    for (const fn of this.#closers.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {});
  }

  #ensureRuntime(): Promise<Runtime> {
    if (this.#closed)
      return Promise.reject(new OpenWorkflowError('UNAVAILABLE', 'This OpenWorkflow is closed'));
    this.#runtime ??= this.#buildRuntime();
    return this.#runtime;
  }

  async #buildRuntime(): Promise<Runtime> {
    const options = this.options;
    const redaction = this.secrets.redactor;
    const contributions: ExporterContribution[] = [];
    for (const exporter of this.#exporters) contributions.push(await exporter.start({ redaction }));
    const observability = createObservability(
      observabilityOptions(options.observability, contributions, redaction),
    );
    if (observability.metrics !== undefined) {
      for (const [index, exporter] of this.#exporters.entries()) {
        if (contributions[index]?.metrics === true) await exporter.attach?.(observability.metrics);
      }
    }
    const retry = options.retryConfig === undefined ? undefined : toRetryPolicy(options.retryConfig);
    const executors = this.#executors(observability);
    const engine = createEngine({
      ...(options.store === undefined ? {} : { store: options.store }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.idGenerator === undefined ? {} : { idGenerator: options.idGenerator }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(options.transforms === undefined ? {} : { transforms: options.transforms }),
      handlers: executors,
      connectors: (reference) => this.connector(reference),
      agents: (reference) => this.agent(reference),
      backends: this.#backends,
      environment: { ...options.environment },
      secrets: this.secrets.source,
      redact: observability.hook(this.secrets.redact),
      outputPolicy: this.secrets.outputPolicy,
      logger: observability.logger,
      strictOutputs: options.strictOutputs ?? false,
      defaults: {
        ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
        ...(retry === undefined ? {} : { retry }),
      },
    });
    return {
      engine,
      observability,
      executors: new Map(executors.map((executor) => [executor.type, executor])),
    };
  }

  /**
   * Registers the native agent backend when a run needs one and none named `native` is there. The
   * agents package is imported only then, so runs without agent steps never load it.
   */
  #ensureAgentBackend(runtime: Runtime, workflows: readonly Workflow[]): Promise<void> | undefined {
    if (runtime.engine.backends.get('native') !== undefined) return undefined;
    if (!workflows.some((workflow) => usesAgents(workflow.steps))) return undefined;
    this.#agentBackend ??= import('@openworkflow/agents').then(({ createNativeAgentBackend }) => {
      const options = this.options;
      if (runtime.engine.backends.get('native') !== undefined) return;
      runtime.engine.backends.register(
        createNativeAgentBackend({
          // Bring your own key: provider API keys are read through this instance's secrets manager.
          credentials: this.secrets.source,
          ...(options.agentProviders === undefined ? {} : { providers: options.agentProviders }),
          ...(options.agentPricing === undefined ? {} : { pricing: options.agentPricing }),
        }),
      );
    }, agentsUnavailable);
    return this.#agentBackend;
  }

  /**
   * The MCP session pool and executor, built when the first `kind: mcp-server` connector is
   * registered: `@openworkflow/mcp` (and the MCP SDK) are imported only then.
   */
  #mcpRuntime(): Promise<McpRuntime> {
    if (this.#closed)
      return Promise.reject(new OpenWorkflowError('UNAVAILABLE', 'This OpenWorkflow is closed'));
    this.#mcp ??= import('@openworkflow/mcp').then(
      ({ McpSessionPool, createMcpHandler, discoverMcpConnector }) => {
        const { egress, mcp = {} } = this.options;
        const pool = new McpSessionPool({
          allowedCommands: mcp.allowedCommands ?? [],
          egressGuard: createEgressGuard(egress ?? {}),
          ...(mcp.workingDirectory === undefined ? {} : { workingDirectory: mcp.workingDirectory }),
          ...(mcp.environment === undefined ? {} : { environment: () => mcp.environment }),
        });
        return {
          discover: (connector: Connector) => discoverMcpConnector(connector, pool),
          executor: createMcpHandler(pool),
          close: () => pool.close(),
        };
      },
      mcpUnavailable,
    );
    return this.#mcp;
  }

  #executors(observability: Observability): HandlerExecutor[] {
    const options = this.options;
    const native: HandlerExecutor[] = [
      createFunctionHandler({ registry: this.#handlers }),
      createHttpHandler({
        guard: createEgressGuard(options.egress ?? {}),
        requestHeaders: observability.requestHeaders,
        ...(options.http === undefined ? {} : { client: options.http }),
      }),
    ];
    if (options.commands !== false) {
      const commands = options.commands ?? {};
      native.push(
        createCommandHandler({
          workspaceRoot: commands.workspaceRoot ?? process.cwd(),
          ...(commands.allowedCommands === undefined ? {} : { allowedCommands: commands.allowedCommands }),
          ...(commands.passEnvironment === undefined ? {} : { passEnvironment: commands.passEnvironment }),
        }),
      );
    }
    const byType = new Map(native.map((executor) => [executor.type, executor]));
    return HANDLER_TYPES.map((type) => {
      const inner = byType.get(type);
      const call = (invocation: ActionInvocation): Promise<JsonValue> => {
        if (inner !== undefined) return inner.execute(invocation);
        const mcp = type === 'mcp' ? this.#mcp : undefined;
        if (mcp !== undefined) return mcp.then((runtime) => runtime.executor.execute(invocation));
        return Promise.reject(unavailableHandler(type, invocation));
      };
      return {
        type,
        execute: (invocation) => {
          // Most handlers declare no secrets: no extra promise on that path.
          const declared = this.#declaredSecrets(invocation);
          if (declared.length === 0) return this.#intercepted(invocation, call);
          return this.#withDeclaredSecrets(invocation, declared).then((withSecrets) =>
            this.#intercepted(withSecrets, call),
          );
        },
      };
    });
  }

  /** Adds the secrets a function handler declared (`registerHandler(…, { secrets })`) to its context. */
  #declaredSecrets(invocation: ActionInvocation): readonly string[] {
    const { action, context } = invocation;
    if (action.handler.type !== 'function') return [];
    const declared = this.#handlers.secretsOf(action.handler.function);
    return declared.length === 0 ? declared : declared.filter((name) => !context.secrets.has(name));
  }

  async #withDeclaredSecrets(
    invocation: ActionInvocation,
    missing: readonly string[],
  ): Promise<ActionInvocation> {
    const { connector, context } = invocation;
    const values: Record<string, string> = {};
    const requester = {
      kind: 'connector',
      connector: connector.id,
      workflow: context.workflowName === '' ? connector.id : context.workflowName,
    } as const;
    for (const name of missing) {
      const secret = await this.secrets.read(name, requester, { runId: context.runId });
      if (secret !== undefined) values[name] = secret.reveal();
    }
    const base = context.secrets;
    const secrets: SecretAccessor = {
      get: (name) => (Object.hasOwn(values, name) ? values[name] : base.get(name)),
      has: (name) => Object.hasOwn(values, name) || base.has(name),
      names: () => [...new Set([...base.names(), ...Object.keys(values)])],
    };
    return { ...invocation, context: withSecrets(context, secrets) };
  }

  #intercepted(
    invocation: ActionInvocation,
    call: (invocation: ActionInvocation) => Promise<JsonValue>,
  ): Promise<JsonValue> {
    const interceptors = this.#interceptors;
    if (interceptors.length === 0) return call(invocation);
    const at = (index: number): Promise<JsonValue> => {
      const interceptor = interceptors[index];
      if (interceptor === undefined) return call(invocation);
      return interceptor(invocation, () => at(index + 1));
    };
    return at(0);
  }
}

/** The agents package could not be imported: agent steps are `UNAVAILABLE`, with the fix. */
function agentsUnavailable(cause: unknown): never {
  throw new OpenWorkflowError(
    'UNAVAILABLE',
    'The native agent backend (@openworkflow/agents) cannot be loaded',
    {
      details: {
        backend: 'native',
        suggestion: 'Install @openworkflow/agents, or register an agent backend',
      },
      cause,
    },
  );
}

/** The MCP package could not be imported: MCP connectors cannot be registered, with the fix. */
function mcpUnavailable(cause: unknown): never {
  throw new OpenWorkflowError(
    'UNAVAILABLE',
    'MCP-server connectors need @openworkflow/mcp, which cannot be loaded',
    {
      details: { suggestion: 'Install @openworkflow/mcp', connector_kind: 'mcp-server' },
      cause,
    },
  );
}

/** Whether any step of the list, at any depth, is an agent or a handoff step. */
function usesAgents(steps: readonly Step[]): boolean {
  return steps.some(
    (step) =>
      step.type === 'agent' ||
      step.type === 'handoff' ||
      childStepLists(step).some((child) => usesAgents(child.steps)),
  );
}

function unavailableHandler(type: string, invocation: ActionInvocation): OpenWorkflowError {
  const suggestion =
    type === 'command'
      ? 'Command handlers are disabled (commands: false)'
      : `Install a backend for '${type}' handlers`;
  return new OpenWorkflowError('UNAVAILABLE', `No executor for '${type}' handlers in this SDK`, {
    details: {
      handler: type,
      connector: invocation.connector.id,
      action: invocation.action.name,
      suggestion,
    },
  });
}

/**
 * The SDK's observability settings and exporter contributions as the observability package's
 * options. Nothing asked for: `enabled: false`, which costs nothing per event.
 */
function observabilityOptions(
  settings: boolean | ObservabilitySettings | undefined,
  contributions: readonly ExporterContribution[],
  redaction: NonNullable<ObservabilityOptions['redaction']>,
): ObservabilityOptions {
  const tracer = contributions.find((contribution) => contribution.tracer !== undefined)?.tracer;
  const exporterMetrics = contributions.some((contribution) => contribution.metrics === true);
  const object: ObservabilitySettings = typeof settings === 'object' ? settings : {};
  if (settings === false || object.enabled === false) return { enabled: false };
  const all = settings === true || (typeof settings === 'object' && object.enabled === true);
  const logsOn =
    object.logs !== undefined
      ? object.logs !== false
      : all || object.logLevel !== undefined || object.logFormat !== undefined;
  const metricsOn = exporterMetrics || (object.metrics ?? all) !== false;
  const tracingOn = tracer !== undefined || (object.tracing ?? all) !== false;
  if (!logsOn && !metricsOn && !tracingOn) return { enabled: false };
  return {
    logs: logsOn
      ? {
          ...(typeof object.logs === 'object' ? object.logs : {}),
          ...(object.logLevel === undefined ? {} : { level: object.logLevel }),
          ...(object.logFormat === undefined ? {} : { format: object.logFormat }),
        }
      : false,
    metrics: metricsOn ? (typeof object.metrics === 'object' ? object.metrics : {}) : false,
    tracing:
      tracer !== undefined
        ? { tracer }
        : tracingOn
          ? typeof object.tracing === 'object'
            ? object.tracing
            : {}
          : false,
    redaction,
  };
}

async function* lateEvents(
  handle: Promise<RunHandle>,
  fromSequence: number,
): AsyncIterableIterator<RunEvent> {
  let run: RunHandle;
  try {
    run = await handle;
  } catch {
    return;
  }
  yield* run.events(fromSequence);
}

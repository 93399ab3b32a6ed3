/**
 * Writes models back as documents in the canonical authoring form (spec/loader.md#serialisation):
 * `workflows:` lists, explicit step `type`s, `id`s, `input`, the spec's key spelling at each location
 * and durations in seconds. Loading the output gives back the same model (a property test holds this).
 */
import { stringify } from 'yaml';
import { formatDuration } from './duration.js';
import type {
  Action,
  Agent,
  AuthDescriptor,
  Bundle,
  Connector,
  Deprecation,
  Guardrails,
  Handler,
  JsonObject,
  JsonValue,
  ResourceMetadata,
  RetryPolicy,
  Step,
  Trigger,
  Workflow,
} from './model.js';
import { cloneJson } from './normalize-context.js';
import { createRecord } from './parse-source.js';
import { formatResourceId } from './resource-id.js';

/** The text format of a serialised document. */
export type SerializeFormat = 'yaml' | 'json';

/** Options of the `serialize*` functions. */
export interface SerializeOptions {
  /** Default `yaml`. */
  readonly format?: SerializeFormat;
}

/** Options of `serializeConnector`. */
export interface SerializeConnectorOptions extends SerializeOptions {
  /** `nested` (default): a `connector:` block beside `actions:`; `flat`: the registry manifest. */
  readonly shape?: 'nested' | 'flat';
}

type Entries = Record<string, JsonValue | undefined>;

/** Builds an object from entries, dropping `undefined` values, with no prototype. */
function compact(entries: Entries): JsonObject {
  const object: JsonObject = createRecord();
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) object[key] = value;
  return object;
}

const nonEmpty = <T>(list: readonly T[] | undefined): readonly T[] | undefined =>
  list === undefined || list.length === 0 ? undefined : list;

const json = (value: unknown): JsonValue | undefined =>
  value === undefined ? undefined : cloneJson(value as JsonValue);

/**
 * A mapping whose key order matters (switch cases, parallel branches). Plain objects cannot hold it:
 * JavaScript lists integer-like keys first.
 */
function orderedMap(entries: [string, JsonValue][]): JsonValue {
  return new Map(entries) as unknown as JsonValue;
}

/** Renders a document as YAML or JSON text, keeping the order of ordered maps. */
function formatDocument(document: JsonObject, format: SerializeFormat = 'yaml'): string {
  if (format === 'json') return `${toJsonText(document, '')}\n`;
  // Repeated objects must not become anchors and aliases: the loader rejects aliases by default.
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0, version: '1.2' });
}

/** JSON.stringify with two-space indentation that also writes `Map`s, in their order. */
function toJsonText(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  const entries =
    value instanceof Map
      ? [...value.entries()]
      : value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value)
        : undefined;
  if (entries !== undefined) {
    if (entries.length === 0) return '{}';
    const body = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${toJsonText(item, inner)}`);
    return `{\n${body.join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${toJsonText(item, inner)}`).join(',\n')}\n${indent}]`;
  }
  return JSON.stringify(value);
}

// --- workflows ---------------------------------------------------------------------------------

/** The `workflows:` document of a list of workflows. */
function workflowsToDocument(workflows: readonly Workflow[]): JsonObject {
  return compact({ workflows: workflows.map(workflowToDocument) });
}

/** Serialises workflows as one `workflows:` file. */
export function serializeWorkflows(workflows: readonly Workflow[], options: SerializeOptions = {}): string {
  return formatDocument(workflowsToDocument(workflows), options.format);
}

function workflowToDocument(workflow: Workflow): JsonObject {
  const inputs = createRecord<JsonValue>();
  for (const [name, input] of Object.entries(workflow.inputs)) {
    inputs[name] = compact({
      type: input.type,
      description: input.description,
      default: json(input.default),
      required: input.required ? true : undefined,
      enum: json(input.enum),
    });
  }
  const outputs = createRecord<JsonValue>();
  for (const [name, output] of Object.entries(workflow.outputs)) {
    outputs[name] = compact({ value: json(output.value), description: output.description });
  }
  const { authorization, testing } = workflow;
  return compact({
    schemaVersion: workflow.schemaVersion,
    name: workflow.name,
    namespace: workflow.namespace,
    version: workflow.version,
    displayName: workflow.displayName,
    description: workflow.description,
    categories: json(nonEmpty(workflow.categories)),
    requires: json(workflow.requires),
    strategy: workflow.strategy === 'dag' ? 'dag' : undefined,
    maxConcurrency: workflow.maxConcurrency,
    backend: workflow.backend,
    timeout: workflow.timeoutMs === undefined ? undefined : formatDuration(workflow.timeoutMs),
    inputs: Object.keys(inputs).length > 0 ? inputs : undefined,
    triggers: json(nonEmpty(workflow.triggers.map(triggerToDocument))),
    steps: workflow.steps.map(stepToDocument),
    outputs: Object.keys(outputs).length > 0 ? outputs : undefined,
    authorization:
      authorization === undefined
        ? undefined
        : compact({
            enabled: authorization.enabled,
            roles: json(authorization.roles),
            permissions: json(authorization.permissions),
            approval:
              authorization.approval === undefined
                ? undefined
                : compact({
                    required: authorization.approval.required,
                    approvers: json(authorization.approval.approvers),
                    timeout: formatDuration(authorization.approval.timeoutMs),
                  }),
          }),
    testing:
      testing === undefined
        ? undefined
        : compact({
            dryRun: testing.dryRun === undefined ? undefined : json(testing.dryRun),
            fixtures: json(testing.fixtures),
          }),
  });
}

function triggerToDocument(trigger: Trigger): JsonObject {
  return compact({ ...(cloneJson(trigger as unknown as JsonObject) as JsonObject) });
}

function retryToDocument(retry: RetryPolicy | undefined, casing: 'snake' | 'camel'): JsonObject | undefined {
  if (retry === undefined) return undefined;
  const key = (snake: string, camel: string): string => (casing === 'snake' ? snake : camel);
  return compact({
    [key('max_attempts', 'maxAttempts')]: retry.maxAttempts,
    backoff: retry.backoff,
    [key('backoff_factor', 'backoffFactor')]: retry.backoffFactor,
    [key('initial_delay', 'initialDelay')]:
      retry.initialDelayMs === undefined ? undefined : formatDurationOrZero(retry.initialDelayMs),
    [key('max_delay', 'maxDelay')]:
      retry.maxDelayMs === undefined ? undefined : formatDurationOrZero(retry.maxDelayMs),
    jitter: retry.jitter,
    [key('retry_on', 'retryOn')]: json(retry.retryOn),
  });
}

/** Delays may be zero, which a number of seconds expresses directly. */
function formatDurationOrZero(ms: number): number | string {
  return ms === 0 ? 0 : formatDuration(ms);
}

function guardrailsToDocument(guardrails: Guardrails | undefined): JsonObject | undefined {
  if (guardrails === undefined) return undefined;
  const { timeLimitMs, outputSchema, ...rest } = guardrails;
  return compact({
    ...(cloneJson(rest as unknown as JsonObject) as JsonObject),
    timeLimit: timeLimitMs === undefined ? undefined : formatDuration(timeLimitMs),
    outputSchema: json(outputSchema),
  });
}

function stepsToDocument(steps: readonly Step[]): JsonValue[] {
  return steps.map(stepToDocument);
}

function stepToDocument(step: Step): JsonObject {
  const loop = step.loop;
  const execution =
    step.executionMode !== undefined
      ? step.executionMode
      : step.runtimeHint !== undefined
        ? compact({ backend: step.backend, runtime: step.runtimeHint })
        : undefined;
  const common: Entries = {
    id: step.id,
    name: step.label,
    type: step.type === 'parallel-group' ? undefined : step.type,
    condition: step.condition,
    for_each: json(loop?.items),
    parallel: loop?.parallel ? true : undefined,
    maxConcurrency: loop?.maxConcurrency,
    retry: retryToDocument(step.retry, step.type === 'try' ? 'camel' : 'snake'),
    timeout: step.timeoutMs === undefined ? undefined : formatDuration(step.timeoutMs),
    continue_on_error: step.continueOnError ? true : undefined,
    backend: step.runtimeHint !== undefined && step.executionMode === undefined ? undefined : step.backend,
    execution,
    needs: json(nonEmpty(step.needs)),
    guardrails: guardrailsToDocument(step.guardrails),
    authorization: json(step.authorization),
  };
  const input = (value: Readonly<Record<string, JsonValue>>): JsonValue | undefined =>
    Object.keys(value).length > 0 ? json(value) : undefined;
  switch (step.type) {
    case 'action':
      return compact({
        ...common,
        ...(step.connector.startsWith('connector:')
          ? { connector: step.connector }
          : { plugin: step.connector }),
        action: step.action,
        input: input(step.input),
      });
    case 'agent':
      return compact({ ...common, agent: step.agent, input: input(step.input) });
    case 'workflow':
      return compact({ ...common, workflow: step.workflow, version: step.version, input: input(step.input) });
    case 'if':
      return compact({
        ...common,
        condition: step.test,
        // biome-ignore lint/suspicious/noThenProperty: `then` is the if step's branch key in documents.
        then: stepsToDocument(step.then),
        else: step.else.length > 0 ? stepsToDocument(step.else) : undefined,
      });
    case 'switch':
      return compact({
        ...common,
        value: json(step.value),
        cases: orderedMap(step.cases.map((item) => [item.key, stepsToDocument(item.steps)])),
        default: step.default === undefined ? undefined : stepsToDocument(step.default),
      });
    case 'forEach':
      return compact({
        ...common,
        items: json(step.items),
        maxConcurrency: step.maxConcurrency,
        ordered: step.ordered ? true : undefined,
        continueOnError: step.continueOnItemError ? true : undefined,
        steps: stepsToDocument(step.steps),
      });
    case 'parallel':
      return compact({
        ...common,
        join: step.join.type === 'count' ? compact({ count: step.join.count }) : step.join.type,
        continueOnError: step.continueOnBranchError ? true : undefined,
        branches: orderedMap(step.branches.map((branch) => [branch.name, stepsToDocument(branch.steps)])),
      });
    case 'parallel-group':
      return compact({ ...common, parallel: stepsToDocument(step.steps) });
    case 'wait': {
      const { wait } = step;
      if (wait.kind === 'duration')
        return compact({ ...common, duration: formatDurationOrZero(wait.durationMs) });
      if (wait.kind === 'time') return compact({ ...common, until: compact({ time: json(wait.time) }) });
      return compact({
        ...common,
        until: compact({
          event: wait.event,
          timeout: wait.timeoutMs === undefined ? undefined : formatDuration(wait.timeoutMs),
          channel: wait.channel,
          filter: json(wait.filter),
        }),
      });
    }
    case 'try':
      return compact({
        ...common,
        steps: stepsToDocument(step.steps),
        catch: step.catch === undefined ? undefined : stepsToDocument(step.catch),
        finally: step.finally === undefined ? undefined : stepsToDocument(step.finally),
      });
    case 'transform':
      return compact({
        ...common,
        language: step.language,
        expression: step.expression,
        input: json(step.input),
      });
    case 'handoff':
      return compact({
        ...common,
        agent: step.agent,
        selectAgent:
          step.selectAgent === undefined
            ? undefined
            : step.selectAgent.map((choice) =>
                choice.isDefault
                  ? compact({ default: choice.agent })
                  : compact({ condition: choice.condition, agent: choice.agent }),
              ),
        reason: json(step.reason),
        context: json(step.context),
        resumeAfter: step.resumeAfter ? undefined : false,
      });
    case 'approval':
      return compact({
        ...common,
        approvers: json(step.approvers),
        message: json(step.message),
        timeout: formatDuration(step.approvalTimeoutMs),
        onTimeout: step.onTimeout,
      });
  }
}

// --- connectors --------------------------------------------------------------------------------

/** The document of a connector in the requested shape. */
function connectorToDocument(connector: Connector, shape: 'nested' | 'flat' = 'nested'): JsonObject {
  const { runtime } = connector;
  const defaultRuntime =
    runtime.timeoutMs === 300_000 &&
    runtime.environment.length === 0 &&
    !runtime.memory &&
    !runtime.resources;
  const meta = compact({
    schemaVersion: connector.schemaVersion,
    type: 'connector',
    kind: connector.kind,
    name: connector.name,
    namespace: connector.namespace,
    version: connector.version,
    displayName: connector.displayName,
    description: connector.description,
    ...metadataEntries(connector.metadata),
    supports: json(connector.supports),
    auth: connector.auth === undefined ? undefined : authToDocument(connector.auth),
    runtime: defaultRuntime
      ? undefined
      : compact({
          memory: runtime.memory,
          timeout: formatDuration(runtime.timeoutMs),
          environment: json(nonEmpty(runtime.environment)),
          resources: json(runtime.resources),
        }),
    approval:
      connector.approval === undefined
        ? undefined
        : compact({
            required: connector.approval.required,
            approvers: json(connector.approval.approvers),
            timeout: formatDuration(connector.approval.timeoutMs),
            onTimeout: connector.approval.onTimeout,
          }),
    security: json(connector.security),
    capabilities: json(connector.capabilities),
    mcp: json(connector.mcp),
    ...deprecationEntries(connector.deprecated),
    requires: json(connector.requires),
  });
  const actions = connector.actions.length > 0 ? connector.actions.map(actionToDocument) : undefined;
  return shape === 'flat' ? compact({ ...meta, actions }) : compact({ connector: meta, actions });
}

/** Serialises a connector. */
export function serializeConnector(connector: Connector, options: SerializeConnectorOptions = {}): string {
  return formatDocument(connectorToDocument(connector, options.shape), options.format);
}

function authToDocument(auth: AuthDescriptor): JsonObject {
  return compact({ ...(cloneJson(auth as unknown as JsonObject) as JsonObject) });
}

function actionToDocument(action: Action): JsonObject {
  return compact({
    name: action.name,
    description: action.description,
    input: json(action.input),
    output: json(action.output),
    handler: handlerToDocument(action.handler),
  });
}

function handlerToDocument(handler: Handler): JsonObject {
  switch (handler.type) {
    case 'http':
      return compact({
        http: compact({
          url: handler.url,
          method: handler.method,
          headers: Object.keys(handler.headers).length > 0 ? json(handler.headers) : undefined,
          body: json(handler.body),
          timeout: handler.timeoutMs === undefined ? undefined : formatDuration(handler.timeoutMs),
          retry: retryToDocument(handler.retry, 'snake'),
          urlValidation: json(handler.urlValidation),
        }),
      });
    case 'function':
      return compact({ function: handler.function });
    case 'command':
      return compact({
        command: handler.command,
        args: json(nonEmpty(handler.args)),
        env: Object.keys(handler.env).length > 0 ? json(handler.env) : undefined,
        working_dir: handler.workingDir,
        timeout: handler.timeoutMs === undefined ? undefined : formatDuration(handler.timeoutMs),
        security:
          handler.security !== undefined
            ? json(handler.security)
            : handler.allowedCommands === undefined
              ? undefined
              : compact({ allowedCommands: json(handler.allowedCommands) }),
      });
    case 'kafka':
      return compact({
        kafka: compact({
          topic: handler.topic,
          response_topic: handler.responseTopic,
          timeout: handler.timeoutMs === undefined ? undefined : formatDuration(handler.timeoutMs),
          key: handler.key,
        }),
      });
    case 'mcp':
      return compact({ mcp: compact({ endpoint: handler.endpoint, tool: handler.tool }) });
  }
}

function metadataEntries(metadata: ResourceMetadata): Entries {
  return {
    author: metadata.author,
    homepage: metadata.homepage,
    icon: metadata.icon,
    repository: metadata.repository,
    license: metadata.license,
    categories: json(nonEmpty(metadata.categories)),
    tags: json(metadata.tags),
  };
}

function deprecationEntries(deprecated: Deprecation | undefined): Entries {
  if (deprecated === undefined) return {};
  return { deprecated: true, deprecationReason: deprecated.reason, replacement: deprecated.replacement };
}

// --- agents and bundles ------------------------------------------------------------------------

const FORMAL_RUNTIMES = new Set(['langchain', 'agentkit', 'vertexai', 'anthropic']);

/** The document of an agent, in the form it was loaded from. */
function agentToDocument(agent: Agent): JsonObject {
  return agent.form === 'formal' ? formalAgentToDocument(agent) : manifestAgentToDocument(agent);
}

/** Serialises an agent. */
export function serializeAgent(agent: Agent, options: SerializeOptions = {}): string {
  return formatDocument(agentToDocument(agent), options.format);
}

function modelParameters(agent: Agent): Entries {
  const { model } = agent;
  return {
    temperature: model.temperature,
    maxTokens: model.maxTokens,
    topP: model.topP,
    topK: model.topK,
    presencePenalty: model.presencePenalty,
    frequencyPenalty: model.frequencyPenalty,
    stopSequences: json(model.stopSequences),
  };
}

function manifestAgentToDocument(agent: Agent): JsonObject {
  const { execution, model } = agent;
  const personalityPrompt = agent.personality?.systemPrompt;
  return compact({
    schemaVersion: agent.schemaVersion,
    type: 'agent',
    name: agent.name,
    namespace: agent.namespace,
    version: agent.version,
    displayName: agent.displayName,
    description: agent.description,
    execution: compact({
      backend: execution.backend,
      runtimeHint: execution.runtime,
      compatibility: json(execution.compatibility),
      config: Object.keys(execution.config).length > 0 ? json(execution.config) : undefined,
    }),
    model: compact({
      provider: model.provider,
      id: model.id,
      ...modelParameters(agent),
      fallback: json(model.fallback),
      providerConfig: json(model.providerConfig),
    }),
    systemPrompt: agent.systemPrompt !== personalityPrompt ? agent.systemPrompt : undefined,
    personality: json(agent.personality),
    knowledge: json(agent.knowledge),
    toolset: json(
      nonEmpty(
        agent.toolset.map((entry) =>
          Object.keys(entry).length === 1
            ? entry.connector
            : (cloneJson(entry as unknown as JsonObject) as JsonValue),
        ),
      ),
    ),
    memory: json(agent.memory),
    guardrails: json(agent.guardrails),
    policies: json(agent.policies),
    io: Object.keys(agent.io).length > 0 ? json(agent.io) : undefined,
    planner: json(agent.planner),
    ...metadataEntries(agent.metadata),
    ...deprecationEntries(agent.deprecated),
    requires: json(agent.requires),
  });
}

function formalAgentToDocument(agent: Agent): JsonObject {
  const backend = agent.execution.backend;
  return compact({
    registryMode: agent.registryMode ? true : undefined,
    agent: compact({ id: agent.id ?? agent.name }),
    model: compact({
      provider: agent.model.provider,
      name: agent.model.id,
      params: compact({ ...(agent.model.providerConfig ?? {}), ...modelParameters(agent) }),
    }),
    instructions: compact({ system: agent.systemPrompt, goals: json(agent.goals) }),
    tools: agent.toolset.map((tool) => compact({ name: tool.connector, input_schema: tool.inputSchema })),
    runtime: FORMAL_RUNTIMES.has(backend) ? backend : 'smartify',
    io:
      agent.io.outputSchemaRef === undefined
        ? undefined
        : compact({ output_schema: agent.io.outputSchemaRef }),
    extensions: json(agent.extensions),
  });
}

/** The document of a bundle. */
function bundleToDocument(bundle: Bundle): JsonObject {
  return compact({
    schemaVersion: bundle.schemaVersion,
    type: 'bundle',
    name: bundle.name,
    namespace: bundle.namespace,
    version: bundle.version,
    displayName: bundle.displayName,
    description: bundle.description,
    includes: bundle.includes.map(formatResourceId),
    ...metadataEntries(bundle.metadata),
    ...deprecationEntries(bundle.deprecated),
    requires: json(bundle.requires),
  });
}

/** Serialises a bundle. */
export function serializeBundle(bundle: Bundle, options: SerializeOptions = {}): string {
  return formatDocument(bundleToDocument(bundle), options.format);
}

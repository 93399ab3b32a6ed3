import {
  type BackendContext,
  OpenWorkflowError,
  type SecretSource,
  toOpenWorkflowError,
} from '@openworkflow/core';
import type { Agent, Guardrails, JsonObject, JsonValue } from '@openworkflow/schemas';
import { validateJsonSchema } from '@openworkflow/schemas';
import { type AgentPolicy, readAgentPolicy, systemPromptOf } from './agent-policy.js';
import { MAX_REPAIR_ATTEMPTS, MAX_REPAIR_ISSUE_CHARS, MAX_TOOL_RESULT_CHARS } from './limits.js';
import type {
  ChatMessage,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ModelSettings,
  TokenUsage,
  ToolCall,
} from './model-provider.js';
import { toolResultText } from './model-provider.js';
import { createAnthropicProvider } from './providers/anthropic-provider.js';
import { createOpenAIProvider } from './providers/openai-provider.js';
import { createScriptedProvider } from './scripted-provider.js';
import { checkStructuredOutput } from './structured-output.js';
import { TokenBucket } from './token-bucket.js';
import { type AgentTool, buildToolset, type Toolset } from './toolset.js';

/**
 * What the tool loop needs from its host: a `BackendContext` when an engine runs the agent, or
 * anything shaped like one (tests, `RunnableAgent.execute` outside a workflow).
 */
export type AgentHost = Pick<
  BackendContext,
  | 'signal'
  | 'clock'
  | 'secrets'
  | 'runId'
  | 'workflowName'
  | 'connector'
  | 'invokeAction'
  | 'emit'
  | 'requestConfirmation'
>;

/** Price of a model in US dollars per million tokens. */
export interface ModelPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** Options of {@link AgentRuntime}. */
export interface AgentRuntimeOptions {
  /**
   * Model providers by `model.provider`. `scripted`, `openai` and `anthropic` are always there
   * (the last two need their SDK installed); these replace them by name.
   */
  readonly providers?: readonly ModelProvider[];
  /** Prices by `<provider>/<model>` or `<model>`, for the cost in `agent.usage` and `maxCost`. */
  readonly pricing?: Readonly<Record<string, ModelPrice>>;
  /**
   * Where API keys come from when the run's secrets do not hold them (bring your own key):
   * asked for `providerConfig.apiKeySecret` or the provider's default name (`OPENAI_API_KEY`).
   */
  readonly credentials?: SecretSource;
}

/** Options of one agent execution. */
export interface AgentExecuteOptions {
  /** The step's guardrails, which take precedence over the agent's. */
  readonly guardrails?: Guardrails;
  /** The agent reference as written (`agent:ns/name@1.0.0`), for events and errors. */
  readonly agentRef?: string;
}

/** Error codes after which the fallback model is tried (the primary is unhealthy, not the request). */
const FALLBACK_CODES = new Set(['UNAVAILABLE', 'RATE_LIMITED', 'BACKEND_ERROR', 'TIMEOUT']);

interface ModelChoice {
  readonly provider: ModelProvider;
  readonly model: string;
}

/** Mutable state of one execution. */
interface LoopState {
  turn: number;
  toolCalls: number;
  tokens: number;
  cost: number;
  confirmations: number;
  usedFallback: boolean;
}

/** The sampling settings of an agent's `model` block. */
export function settingsOf(agent: Agent): ModelSettings {
  const { temperature, maxTokens, topP, topK, presencePenalty, frequencyPenalty, stopSequences } =
    agent.model;
  const settings: { -readonly [K in keyof ModelSettings]: ModelSettings[K] } = {};
  if (temperature !== undefined) settings.temperature = temperature;
  if (maxTokens !== undefined) settings.maxTokens = maxTokens;
  if (topP !== undefined) settings.topP = topP;
  if (topK !== undefined) settings.topK = topK;
  if (presencePenalty !== undefined) settings.presencePenalty = presencePenalty;
  if (frequencyPenalty !== undefined) settings.frequencyPenalty = frequencyPenalty;
  if (stopSequences !== undefined) settings.stopSequences = stopSequences;
  return settings;
}

function policyError(message: string, limit: string, value: number): OpenWorkflowError {
  return new OpenWorkflowError('POLICY_VIOLATION', message, { details: { limit, value } });
}

/**
 * Runs agents: the native tool loop over pluggable model providers (spec/agents-execution.md).
 * One runtime holds the rate-limit buckets of every agent it runs, so limits hold across steps
 * and runs of the same process.
 *
 * @example
 * const runtime = new AgentRuntime({ providers: [createScriptedProvider()] });
 * const output = await runtime.execute(agent, { issueUrl: 'https://example.test/1' }, context);
 */
export class AgentRuntime {
  readonly #providers = new Map<string, ModelProvider>();
  readonly #pricing: Readonly<Record<string, ModelPrice>>;
  readonly #credentials: SecretSource | undefined;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: AgentRuntimeOptions = {}) {
    this.#providers.set('scripted', createScriptedProvider());
    // The SDK-backed providers cost nothing until used: they import their SDK on the first call.
    this.#providers.set('openai', createOpenAIProvider());
    this.#providers.set('anthropic', createAnthropicProvider());
    for (const provider of options.providers ?? []) this.#providers.set(provider.name, provider);
    this.#pricing = options.pricing ?? {};
    this.#credentials = options.credentials;
  }

  /** Adds or replaces a model provider. */
  registerProvider(provider: ModelProvider): this {
    this.#providers.set(provider.name, provider);
    return this;
  }

  /** The provider registered as `name`, or `UNAVAILABLE` naming `field` (other backends reuse the registry). */
  resolveProvider(name: string, field = 'model.provider'): ModelProvider {
    return this.#provider(name, field);
  }

  /** The API key for `provider` as the agent configures it: run secrets, then `credentials`. */
  apiKeyFor(provider: ModelProvider, agent: Agent, host: AgentHost): Promise<string | undefined> {
    return this.#apiKey(provider, agent, host);
  }

  #provider(name: string, field: string): ModelProvider {
    const provider = this.#providers.get(name);
    if (provider === undefined) {
      throw new OpenWorkflowError('UNAVAILABLE', `Model provider '${name}' is not available`, {
        details: {
          provider: name,
          field,
          suggestion: `Register a ModelProvider named '${name}' (openai and anthropic need their SDK installed)`,
        },
      });
    }
    return provider;
  }

  #bucket(key: string, perMinute: number, host: AgentHost): TokenBucket {
    const full = `${key}|${perMinute}`;
    let bucket = this.#buckets.get(full);
    if (bucket === undefined) {
      bucket = new TokenBucket(perMinute, host.clock);
      this.#buckets.set(full, bucket);
    }
    return bucket;
  }

  #price(provider: string, model: string, config: JsonObject): ModelPrice | undefined {
    const own = config.pricing;
    if (own !== null && typeof own === 'object' && !Array.isArray(own)) {
      const input = own.inputPerMillion;
      const output = own.outputPerMillion;
      if (typeof input === 'number' && typeof output === 'number')
        return { inputPerMillion: input, outputPerMillion: output };
    }
    return this.#pricing[`${provider}/${model}`] ?? this.#pricing[model];
  }

  async #apiKey(provider: ModelProvider, agent: Agent, host: AgentHost): Promise<string | undefined> {
    const configured = agent.model.providerConfig?.apiKeySecret;
    const name = typeof configured === 'string' ? configured : provider.defaultApiKeySecret;
    if (name === undefined) return undefined;
    const known = host.secrets.get(name);
    if (known !== undefined) return known;
    if (this.#credentials === undefined) return undefined;
    const resolved = await this.#credentials.resolve([name], {
      runId: host.runId,
      workflowName: host.workflowName,
      workflowResource: host.workflowName,
      requesters: { [name]: [{ kind: 'workflow', workflow: host.workflowName }] },
    });
    return resolved[name];
  }

  /**
   * Executes an agent: builds its tools, runs the loop until the model answers without tool calls
   * (or a limit ends it), and returns the answer — the JSON value validated against the output
   * schema when there is one, else `{response: <text>}`.
   */
  async execute(
    agent: Agent,
    input: JsonObject,
    host: AgentHost,
    options: AgentExecuteOptions = {},
  ): Promise<JsonValue> {
    const agentRef = options.agentRef ?? agent.id ?? agent.name;
    if (agent.io.inputSchema !== undefined) {
      const checked = validateJsonSchema(agent.io.inputSchema, input, { applyDefaults: true });
      if (!checked.valid) {
        const issue = checked.issues[0]!;
        throw new OpenWorkflowError(
          'VALIDATION',
          `Invalid input for agent '${agentRef}': ${issue.field} ${issue.message}`,
          {
            details: {
              field: issue.field,
              constraint: issue.keyword,
              pointer: issue.pointer,
              agent: agentRef,
            },
          },
        );
      }
      input = checked.value as JsonObject;
    }
    const policy = readAgentPolicy(agent, options.guardrails);
    const primary = {
      provider: this.#provider(agent.model.provider, 'model.provider'),
      model: agent.model.id,
    };
    const fallbackModel = agent.model.fallback;
    const fallback =
      fallbackModel === undefined
        ? undefined
        : {
            provider: this.#provider(fallbackModel.provider, 'model.fallback.provider'),
            model: fallbackModel.id,
          };
    const toolset = await buildToolset(agent.toolset, (reference) => host.connector(reference));
    const loop = new ToolLoop(this, agent, agentRef, policy, toolset, host, primary, fallback);
    return await loop.run(input);
  }

  /** @internal The pieces the loop borrows from the runtime. */
  services() {
    return {
      apiKey: (provider: ModelProvider, agent: Agent, host: AgentHost) => this.#apiKey(provider, agent, host),
      bucket: (key: string, perMinute: number, host: AgentHost) => this.#bucket(key, perMinute, host),
      price: (provider: string, model: string, config: JsonObject) => this.#price(provider, model, config),
    };
  }
}

/** One execution of the tool loop. */
class ToolLoop {
  readonly #services: ReturnType<AgentRuntime['services']>;
  readonly #messages: ChatMessage[] = [];
  readonly #state: LoopState = {
    turn: 0,
    toolCalls: 0,
    tokens: 0,
    cost: 0,
    confirmations: 0,
    usedFallback: false,
  };
  readonly #system: string | undefined;
  readonly #settings: ModelSettings;

  constructor(
    runtime: AgentRuntime,
    private readonly agent: Agent,
    private readonly agentRef: string,
    private readonly policy: AgentPolicy,
    private readonly toolset: Toolset,
    private readonly host: AgentHost,
    private readonly primary: ModelChoice,
    private readonly fallback: ModelChoice | undefined,
  ) {
    this.#services = runtime.services();
    this.#system = systemPromptOf(agent, policy.outputSchema);
    this.#settings = settingsOf(agent);
  }

  async run(input: JsonObject): Promise<JsonValue> {
    this.#messages.push({ role: 'user', content: JSON.stringify(input) });
    const { policy } = this;
    let repairs = 0;
    for (;;) {
      if (this.#state.turn >= policy.maxTurns + repairs) {
        throw policyError(
          `Agent '${this.agentRef}' reached its limit of ${policy.maxTurns} turns without a final answer`,
          'maxTurns',
          policy.maxTurns,
        );
      }
      const response = await this.#callModel();
      this.#messages.push({
        role: 'assistant',
        content: response.text,
        ...(response.toolCalls.length > 0 ? { toolCalls: response.toolCalls } : {}),
      });
      if (response.toolCalls.length === 0) {
        if (policy.outputSchema === undefined) return { response: response.text };
        const checked = checkStructuredOutput(response.text, policy.outputSchema);
        if (checked.ok) return checked.value;
        if (repairs >= MAX_REPAIR_ATTEMPTS) {
          throw new OpenWorkflowError(
            'VALIDATION',
            `Agent '${this.agentRef}' answered with output that does not match its output schema: ${checked.problem}`,
            {
              details: {
                agent: this.agentRef,
                constraint: 'outputSchema',
                repair_attempts: repairs,
                ...(checked.pointer === undefined ? {} : { pointer: checked.pointer }),
              },
            },
          );
        }
        repairs++;
        this.#messages.push({
          role: 'user',
          content: `Your answer does not match the required JSON Schema (${checked.problem.slice(0, MAX_REPAIR_ISSUE_CHARS)}). Reply again with only the corrected JSON value.`,
        });
        continue;
      }
      for (const call of response.toolCalls) await this.#runTool(call);
    }
  }

  async #callModel(): Promise<ModelResponse> {
    const state = this.#state;
    state.turn++;
    const { policy, host } = this;
    const bucketKey = `agent:${this.agentRef}`;
    if (policy.requestsPerMinute !== undefined) {
      await this.#services.bucket(`${bucketKey}:rpm`, policy.requestsPerMinute, host).take(1, host.signal);
    }
    const tokenBucket =
      policy.tokensPerMinute === undefined
        ? undefined
        : this.#services.bucket(`${bucketKey}:tpm`, policy.tokensPerMinute, host);
    // Tokens are known only afterwards: wait while the bucket is in debt, charge the real count later.
    if (tokenBucket !== undefined) await tokenBucket.take(0, host.signal);
    let choice = state.usedFallback && this.fallback !== undefined ? this.fallback : this.primary;
    let response: ModelResponse;
    try {
      response = await this.#generate(choice);
    } catch (error) {
      const failure = toOpenWorkflowError(error, 'BACKEND_ERROR');
      if (
        this.fallback === undefined ||
        choice === this.fallback ||
        host.signal.aborted ||
        !FALLBACK_CODES.has(failure.code)
      ) {
        throw failure;
      }
      // Sticky: once the primary failed, the rest of this execution talks to the fallback.
      state.usedFallback = true;
      choice = this.fallback;
      response = await this.#generate(choice);
    }
    this.#account(choice, response.usage, tokenBucket);
    return response;
  }

  async #generate(choice: ModelChoice): Promise<ModelResponse> {
    const { host, agent } = this;
    const providerConfig = agent.model.providerConfig ?? {};
    const apiKey = await this.#services.apiKey(choice.provider, agent, host);
    const turn = this.#state.turn;
    const request: { -readonly [K in keyof ModelRequest]: ModelRequest[K] } = {
      model: choice.model,
      messages: [...this.#messages],
      tools: [...this.toolset.tools.values()].map((tool) => tool.spec),
      settings: this.#settings,
      stream: this.policy.streaming,
      signal: host.signal,
      providerConfig,
    };
    if (this.#system !== undefined) request.system = this.#system;
    if (this.policy.outputSchema !== undefined) request.outputSchema = this.policy.outputSchema;
    if (apiKey !== undefined) request.apiKey = apiKey;
    if (this.policy.streaming) {
      let index = 0;
      request.onDelta = (text) => {
        host.emit('agent.delta', { turn, index: index++, text, model: choice.model });
      };
    }
    try {
      return await choice.provider.generate(request);
    } catch (error) {
      if (host.signal.aborted) throw host.signal.reason ?? error;
      throw toOpenWorkflowError(error, 'BACKEND_ERROR', {
        provider: choice.provider.name,
        model: choice.model,
        ...(error instanceof Error ? { original_error: error.message } : {}),
      });
    }
  }

  #account(choice: ModelChoice, usage: TokenUsage | undefined, tokenBucket: TokenBucket | undefined): void {
    const state = this.#state;
    const inputTokens = usage?.inputTokens ?? 0;
    const outputTokens = usage?.outputTokens ?? 0;
    const total = inputTokens + outputTokens;
    state.tokens += total;
    tokenBucket?.charge(total);
    const price = this.#services.price(
      choice.provider.name,
      choice.model,
      this.agent.model.providerConfig ?? {},
    );
    const data: JsonObject = {
      turn: state.turn,
      provider: choice.provider.name,
      model: choice.model,
      inputTokens,
      outputTokens,
      totalTokens: total,
      cumulativeTokens: state.tokens,
      fallback: choice === this.fallback,
    };
    if (price !== undefined) {
      const cost = (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
      state.cost += cost;
      data.costUsd = cost;
      data.cumulativeCostUsd = state.cost;
    }
    this.host.emit('agent.usage', data);
    const { maxTokens, maxCost } = this.policy;
    if (maxTokens !== undefined && state.tokens > maxTokens) {
      throw policyError(
        `Agent '${this.agentRef}' used ${state.tokens} tokens, over its limit of ${maxTokens}`,
        'maxTokens',
        maxTokens,
      );
    }
    if (maxCost !== undefined && state.cost > maxCost) {
      throw policyError(
        `Agent '${this.agentRef}' spent $${state.cost.toFixed(6)}, over its limit of $${maxCost}`,
        'maxCost',
        maxCost,
      );
    }
  }

  #needsConfirmation(tool: AgentTool): boolean {
    const names = this.policy.requireConfirmation;
    return (
      names.includes(tool.action.name) ||
      names.includes(tool.spec.name) ||
      names.includes(`${tool.connector.name}.${tool.action.name}`) ||
      names.includes(`${tool.connector.id}.${tool.action.name}`)
    );
  }

  #reply(call: ToolCall, content: JsonValue, isError: boolean): void {
    let text = toolResultText(content);
    if (text.length > MAX_TOOL_RESULT_CHARS) text = `${text.slice(0, MAX_TOOL_RESULT_CHARS)}…[truncated]`;
    this.#messages.push({
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content: text,
      ...(isError ? { isError } : {}),
    });
  }

  async #runTool(call: ToolCall): Promise<void> {
    const state = this.#state;
    const { host, policy } = this;
    const event: JsonObject = { turn: state.turn, callId: call.id, tool: call.name };
    const tool = this.toolset.tools.get(call.name);
    if (tool === undefined) {
      const status = this.toolset.denied.has(call.name) ? 'denied' : 'unknown';
      host.emit('agent.tool-call', { ...event, status });
      this.#reply(
        call,
        { error: { code: 'NOT_FOUND', message: `There is no tool named '${call.name}'` } },
        true,
      );
      return;
    }
    event.connector = tool.connector.id;
    event.action = tool.action.name;
    state.toolCalls++;
    if (policy.maxToolCalls !== undefined && state.toolCalls > policy.maxToolCalls) {
      host.emit('agent.tool-call', { ...event, status: 'refused' });
      throw policyError(
        `Agent '${this.agentRef}' tried more than ${policy.maxToolCalls} tool calls`,
        'maxToolCalls',
        policy.maxToolCalls,
      );
    }
    if (tool.entry.rateLimit?.rpm !== undefined) {
      await this.#services
        .bucket(`agent:${this.agentRef}:tool:${tool.entry.connector}`, tool.entry.rateLimit.rpm, host)
        .take(1, host.signal);
    }
    if (this.#needsConfirmation(tool)) {
      state.confirmations++;
      const decision = await host.requestConfirmation({
        key: `tool-${state.confirmations}`,
        message: {
          agent: this.agentRef,
          tool: call.name,
          connector: tool.connector.id,
          action: tool.action.name,
          arguments: call.arguments,
        },
      });
      if (!decision.approved) {
        const reason = decision.timedOut ? 'timeout' : 'rejected';
        host.emit('agent.tool-call', {
          ...event,
          status: 'rejected',
          interruptId: decision.interruptId,
          reason,
        });
        this.#reply(
          call,
          {
            error: {
              code: 'APPROVAL_REJECTED',
              message: decision.timedOut
                ? 'Nobody confirmed this tool call in time; it was not run'
                : 'A person declined this tool call; it was not run',
            },
          },
          true,
        );
        return;
      }
      event.interruptId = decision.interruptId;
    }
    try {
      const output = await host.invokeAction({
        connector: tool.connector,
        action: tool.action,
        input: call.arguments,
        key: `tool-${state.toolCalls}`,
      });
      host.emit('agent.tool-call', { ...event, status: 'success' });
      this.#reply(call, output, false);
    } catch (error) {
      if (host.signal.aborted) throw host.signal.reason ?? error;
      const failure = toOpenWorkflowError(error, 'BACKEND_ERROR');
      host.emit('agent.tool-call', {
        ...event,
        status: 'failed',
        error: { code: failure.code, message: failure.message },
      });
      // The model sees the failure and may recover (retry differently, or explain).
      this.#reply(call, { error: { code: failure.code, message: failure.message } }, true);
    }
  }
}

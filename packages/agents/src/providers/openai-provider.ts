import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import type { ChatMessage, ModelProvider, ModelRequest, ModelResponse, ToolCall } from '../model-provider.js';
import { missingSdk, providerError } from './provider-errors.js';

/** Options of {@link createOpenAIProvider}; `providerConfig` of an agent may override each. */
export interface OpenAIProviderOptions {
  /** Registered name. Default `openai`. */
  readonly name?: string;
  /** API base URL (`providerConfig.baseURL`). Default: the SDK's. */
  readonly baseURL?: string;
  /** SDK retries for 408/409/429/5xx and connection errors, honouring `retry-after`. Default 2. */
  readonly maxRetries?: number;
  /** Per-request time limit in ms. Default: the SDK's. */
  readonly timeoutMs?: number;
  readonly organization?: string;
}

type OpenAIModule = typeof import('openai');
type OpenAIClient = InstanceType<OpenAIModule['default']>;
type ChatParams = import('openai/resources/chat/completions').ChatCompletionCreateParamsNonStreaming;
type ChatMessageParam = import('openai/resources/chat/completions').ChatCompletionMessageParam;

let sdk: Promise<OpenAIModule> | undefined;

function loadSdk(): Promise<OpenAIModule> {
  sdk ??= import('openai').catch((error: unknown) => {
    sdk = undefined;
    throw missingSdk('openai', 'openai', error);
  });
  return sdk;
}

function toMessages(request: ModelRequest): ChatMessageParam[] {
  const messages: ChatMessageParam[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages as ChatMessage[]) {
    if (message.role === 'user') messages.push({ role: 'user', content: message.content });
    else if (message.role === 'tool')
      messages.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.content });
    else if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
      messages.push({
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      });
    } else messages.push({ role: 'assistant', content: message.content });
  }
  return messages;
}

function parseArguments(text: string): JsonObject {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as JsonObject)
      : { value: value as JsonValue };
  } catch {
    // The model wrote broken JSON: hand it to the tool as text, whose input validation reports it.
    return { _raw: text };
  }
}

function stringOption(config: JsonObject, key: string, fallback: string | undefined): string | undefined {
  const value = config[key];
  return typeof value === 'string' ? value : fallback;
}

function numberOption(config: JsonObject, key: string, fallback: number | undefined): number | undefined {
  const value = config[key];
  return typeof value === 'number' ? value : fallback;
}

/**
 * The `openai` model provider: Chat Completions with function tools through the official `openai`
 * SDK (an optional peer dependency, imported on first use). Streams with usage when the agent
 * streams. The API key comes from the secret `OPENAI_API_KEY` (or `providerConfig.apiKeySecret`).
 *
 * @example
 * const runtime = new AgentRuntime({ providers: [createOpenAIProvider()] });
 */
export function createOpenAIProvider(options: OpenAIProviderOptions = {}): ModelProvider {
  const name = options.name ?? 'openai';
  const clients = new Map<string, OpenAIClient>();

  async function clientFor(request: ModelRequest): Promise<OpenAIClient> {
    const config = request.providerConfig;
    const baseURL = stringOption(config, 'baseURL', options.baseURL);
    const maxRetries = numberOption(config, 'maxRetries', options.maxRetries);
    const timeout = numberOption(config, 'timeoutMs', options.timeoutMs);
    const organization = stringOption(config, 'organization', options.organization);
    const key = JSON.stringify([request.apiKey ?? '', baseURL, maxRetries, timeout, organization]);
    let client = clients.get(key);
    if (client === undefined) {
      const { default: OpenAI } = await loadSdk();
      client = new OpenAI({
        apiKey: request.apiKey ?? 'missing-api-key',
        ...(baseURL === undefined ? {} : { baseURL }),
        ...(maxRetries === undefined ? {} : { maxRetries }),
        ...(timeout === undefined ? {} : { timeout }),
        ...(organization === undefined ? {} : { organization }),
      });
      clients.set(key, client);
    }
    return client;
  }

  return {
    name,
    defaultApiKeySecret: 'OPENAI_API_KEY',
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const client = await clientFor(request);
      const { settings } = request;
      const params: ChatParams = {
        model: request.model,
        messages: toMessages(request),
        ...(request.tools.length === 0
          ? {}
          : {
              tools: request.tools.map((tool) => ({
                type: 'function' as const,
                function: { name: tool.name, description: tool.description, parameters: tool.parameters },
              })),
            }),
        ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
        ...(settings.maxTokens === undefined ? {} : { max_tokens: settings.maxTokens }),
        ...(settings.topP === undefined ? {} : { top_p: settings.topP }),
        ...(settings.presencePenalty === undefined ? {} : { presence_penalty: settings.presencePenalty }),
        ...(settings.frequencyPenalty === undefined ? {} : { frequency_penalty: settings.frequencyPenalty }),
        ...(settings.stopSequences === undefined ? {} : { stop: [...settings.stopSequences] }),
      };
      try {
        if (!request.stream) {
          const completion = await client.chat.completions.create(params, { signal: request.signal });
          const choice = completion.choices[0];
          const toolCalls: ToolCall[] = (choice?.message.tool_calls ?? []).flatMap((call) =>
            call.type === 'function'
              ? [
                  {
                    id: call.id,
                    name: call.function.name,
                    arguments: parseArguments(call.function.arguments),
                  },
                ]
              : [],
          );
          return {
            text: choice?.message.content ?? '',
            toolCalls,
            ...(completion.usage === undefined
              ? {}
              : {
                  usage: {
                    inputTokens: completion.usage.prompt_tokens,
                    outputTokens: completion.usage.completion_tokens,
                  },
                }),
            ...(choice?.finish_reason === undefined ? {} : { stopReason: choice.finish_reason }),
          };
        }
        const stream = await client.chat.completions.create(
          { ...params, stream: true, stream_options: { include_usage: true } },
          { signal: request.signal },
        );
        let text = '';
        let stopReason: string | undefined;
        let usage: ModelResponse['usage'];
        const partial = new Map<number, { id: string; name: string; args: string }>();
        for await (const chunk of stream) {
          if (chunk.usage)
            usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
          const choice = chunk.choices[0];
          if (choice === undefined) continue;
          if (choice.finish_reason) stopReason = choice.finish_reason;
          const delta = choice.delta;
          if (typeof delta.content === 'string' && delta.content !== '') {
            text += delta.content;
            request.onDelta?.(delta.content);
          }
          for (const call of delta.tool_calls ?? []) {
            const entry = partial.get(call.index) ?? { id: '', name: '', args: '' };
            if (call.id) entry.id = call.id;
            if (call.function?.name) entry.name += call.function.name;
            if (call.function?.arguments) entry.args += call.function.arguments;
            partial.set(call.index, entry);
          }
        }
        const toolCalls = [...partial.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, call]) => ({
            id: call.id || `call-${index}`,
            name: call.name,
            arguments: parseArguments(call.args),
          }));
        return {
          text,
          toolCalls,
          ...(usage === undefined ? {} : { usage }),
          ...(stopReason === undefined ? {} : { stopReason }),
        };
      } catch (error) {
        throw providerError(error, name, request.model);
      }
    },
  };
}

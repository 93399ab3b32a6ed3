import type { JsonObject } from '@openworkflow/schemas';
import type { ChatMessage, ModelProvider, ModelRequest, ModelResponse, ToolCall } from '../model-provider.js';
import { missingSdk, providerError } from './provider-errors.js';

/** Options of {@link createAnthropicProvider}; `providerConfig` of an agent may override each. */
export interface AnthropicProviderOptions {
  /** Registered name. Default `anthropic`. */
  readonly name?: string;
  readonly baseURL?: string;
  /** SDK retries for 408/409/429/5xx and connection errors, honouring `retry-after`. Default 2. */
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
  /** `max_tokens` when the agent sets no `model.maxTokens` (the Messages API requires one). Default 4096. */
  readonly defaultMaxTokens?: number;
}

type AnthropicModule = typeof import('@anthropic-ai/sdk');
type AnthropicClient = InstanceType<AnthropicModule['default']>;
type CreateParams = import('@anthropic-ai/sdk/resources/messages').MessageCreateParamsNonStreaming;
type MessageParam = import('@anthropic-ai/sdk/resources/messages').MessageParam;
type StreamEvent = import('@anthropic-ai/sdk/resources/messages').RawMessageStreamEvent;

let sdk: Promise<AnthropicModule> | undefined;

function loadSdk(): Promise<AnthropicModule> {
  sdk ??= import('@anthropic-ai/sdk').catch((error: unknown) => {
    sdk = undefined;
    throw missingSdk('anthropic', '@anthropic-ai/sdk', error);
  });
  return sdk;
}

type Block = Exclude<MessageParam['content'], string>[number];

/** Our messages in the Messages API's shape: tool results are user blocks, consecutive ones merged. */
function toMessages(messages: readonly ChatMessage[]): MessageParam[] {
  const result: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    const last = result.at(-1);
    if (last !== undefined && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else result.push({ role, content: blocks });
  };
  for (const message of messages) {
    if (message.role === 'user') push('user', [{ type: 'text', text: message.content }]);
    else if (message.role === 'tool')
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: message.toolCallId,
          content: message.content,
          ...(message.isError === true ? { is_error: true } : {}),
        },
      ]);
    else {
      const blocks: Block[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
      for (const call of message.toolCalls ?? [])
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
      push('assistant', blocks.length === 0 ? [{ type: 'text', text: '' }] : blocks);
    }
  }
  return result;
}

function option<T extends string | number>(
  config: JsonObject,
  key: string,
  fallback: T | undefined,
  kind: 'string' | 'number',
): T | undefined {
  const value = config[key];
  return typeof value === kind ? (value as T) : fallback;
}

function parseInput(text: string): JsonObject {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
  } catch {
    return { _raw: text };
  }
}

/**
 * The `anthropic` model provider: the Messages API with tools through the official
 * `@anthropic-ai/sdk` (an optional peer dependency, imported on first use), streaming with raw
 * stream events when the agent streams. The API key comes from the secret `ANTHROPIC_API_KEY`
 * (or `providerConfig.apiKeySecret`).
 *
 * @example
 * const runtime = new AgentRuntime({ providers: [createAnthropicProvider()] });
 */
export function createAnthropicProvider(options: AnthropicProviderOptions = {}): ModelProvider {
  const name = options.name ?? 'anthropic';
  const clients = new Map<string, AnthropicClient>();

  async function clientFor(request: ModelRequest): Promise<AnthropicClient> {
    const config = request.providerConfig;
    const baseURL = option<string>(config, 'baseURL', options.baseURL, 'string');
    const maxRetries = option<number>(config, 'maxRetries', options.maxRetries, 'number');
    const timeout = option<number>(config, 'timeoutMs', options.timeoutMs, 'number');
    const key = JSON.stringify([request.apiKey ?? '', baseURL, maxRetries, timeout]);
    let client = clients.get(key);
    if (client === undefined) {
      const { default: Anthropic } = await loadSdk();
      client = new Anthropic({
        apiKey: request.apiKey ?? 'missing-api-key',
        ...(baseURL === undefined ? {} : { baseURL }),
        ...(maxRetries === undefined ? {} : { maxRetries }),
        ...(timeout === undefined ? {} : { timeout }),
      });
      clients.set(key, client);
    }
    return client;
  }

  return {
    name,
    defaultApiKeySecret: 'ANTHROPIC_API_KEY',
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const client = await clientFor(request);
      const { settings } = request;
      const params = {
        model: request.model,
        max_tokens: settings.maxTokens ?? options.defaultMaxTokens ?? 4096,
        messages: toMessages(request.messages),
        ...(request.system === undefined ? {} : { system: request.system }),
        ...(request.tools.length === 0
          ? {}
          : {
              tools: request.tools.map((tool) => ({
                name: tool.name,
                description: tool.description,
                input_schema: tool.parameters as { type: 'object' },
              })),
            }),
        ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
        ...(settings.topP === undefined ? {} : { top_p: settings.topP }),
        ...(settings.topK === undefined ? {} : { top_k: settings.topK }),
        ...(settings.stopSequences === undefined ? {} : { stop_sequences: [...settings.stopSequences] }),
      } as CreateParams;
      try {
        if (!request.stream) {
          const message = await client.messages.create(params, { signal: request.signal });
          let text = '';
          const toolCalls: ToolCall[] = [];
          for (const block of message.content) {
            if (block.type === 'text') text += block.text;
            else if (block.type === 'tool_use')
              toolCalls.push({
                id: block.id,
                name: block.name,
                arguments: (block.input ?? {}) as JsonObject,
              });
          }
          return {
            text,
            toolCalls,
            usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
            ...(message.stop_reason == null ? {} : { stopReason: message.stop_reason }),
          };
        }
        const stream = (await client.messages.create(
          { ...params, stream: true },
          { signal: request.signal },
        )) as AsyncIterable<StreamEvent>;
        let text = '';
        let inputTokens = 0;
        let outputTokens = 0;
        let stopReason: string | undefined;
        const blocks = new Map<number, { id: string; name: string; json: string }>();
        for await (const event of stream) {
          switch (event.type) {
            case 'message_start':
              inputTokens = event.message.usage.input_tokens;
              outputTokens = event.message.usage.output_tokens;
              break;
            case 'content_block_start':
              if (event.content_block.type === 'tool_use')
                blocks.set(event.index, {
                  id: event.content_block.id,
                  name: event.content_block.name,
                  json: '',
                });
              break;
            case 'content_block_delta':
              if (event.delta.type === 'text_delta') {
                text += event.delta.text;
                request.onDelta?.(event.delta.text);
              } else if (event.delta.type === 'input_json_delta') {
                const block = blocks.get(event.index);
                if (block !== undefined) block.json += event.delta.partial_json;
              }
              break;
            case 'message_delta':
              if (event.delta.stop_reason != null) stopReason = event.delta.stop_reason;
              outputTokens = event.usage.output_tokens;
              break;
            default:
              break;
          }
        }
        const toolCalls = [...blocks.entries()]
          .sort(([a], [b]) => a - b)
          .map(([, block]) => ({ id: block.id, name: block.name, arguments: parseInput(block.json) }));
        return {
          text,
          toolCalls,
          usage: { inputTokens, outputTokens },
          ...(stopReason === undefined ? {} : { stopReason }),
        };
      } catch (error) {
        throw providerError(error, name, request.model);
      }
    },
  };
}

import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import type {
  ChatMessage,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ToolCall,
  ToolSpec,
} from '@openworkflow/agents';
import type { JsonObject } from '@openworkflow/schemas';

type CoreMessages = typeof import('@langchain/core/messages');
type CoreChatModels = typeof import('@langchain/core/language_models/chat_models');

/** LangChain modules, imported on first use so that loading this package stays cheap. */
export async function loadLangChainCore(): Promise<{ messages: CoreMessages; chatModels: CoreChatModels }> {
  const [messages, chatModels] = await Promise.all([
    import('@langchain/core/messages'),
    import('@langchain/core/language_models/chat_models'),
  ]);
  return { messages, chatModels };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === 'string'
          ? part
          : (part as { type?: string; text?: string }).type === 'text'
            ? ((part as { text?: string }).text ?? '')
            : '',
      )
      .join('');
  }
  return '';
}

/** LangChain messages → our provider-neutral conversation (system text returned apart). */
export function fromLangChainMessages(messages: readonly BaseMessage[]): {
  system?: string;
  messages: ChatMessage[];
} {
  const result: ChatMessage[] = [];
  const system: string[] = [];
  for (const message of messages) {
    const type = message.getType();
    const text = textOf(message.content);
    if (type === 'system') system.push(text);
    else if (type === 'human') result.push({ role: 'user', content: text });
    else if (type === 'tool') {
      const tool = message as BaseMessage & { tool_call_id: string; name?: string; status?: string };
      result.push({
        role: 'tool',
        toolCallId: tool.tool_call_id,
        name: tool.name ?? '',
        content: text,
        ...(tool.status === 'error' ? { isError: true } : {}),
      });
    } else if (type === 'ai') {
      const calls =
        (message as BaseMessage & { tool_calls?: { id?: string; name: string; args: JsonObject }[] })
          .tool_calls ?? [];
      const toolCalls: ToolCall[] = calls.map((call, index) => ({
        id: call.id ?? `call-${index + 1}`,
        name: call.name,
        arguments: call.args,
      }));
      result.push({ role: 'assistant', content: text, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
    }
  }
  return system.length === 0 ? { messages: result } : { system: system.join('\n\n'), messages: result };
}

/** Our conversation → LangChain messages. */
export function toLangChainMessages(
  core: CoreMessages,
  system: string | undefined,
  messages: readonly ChatMessage[],
): BaseMessage[] {
  const result: BaseMessage[] = [];
  if (system !== undefined) result.push(new core.SystemMessage(system));
  for (const message of messages) {
    if (message.role === 'user') result.push(new core.HumanMessage(message.content));
    else if (message.role === 'tool')
      result.push(
        new core.ToolMessage({
          content: message.content,
          tool_call_id: message.toolCallId,
          name: message.name,
          ...(message.isError === true ? { status: 'error' as const } : {}),
        }),
      );
    else
      result.push(
        new core.AIMessage({
          content: message.content,
          tool_calls: (message.toolCalls ?? []).map((call) => ({
            id: call.id,
            name: call.name,
            args: call.arguments,
            type: 'tool_call' as const,
          })),
        }),
      );
  }
  return result;
}

/** What a LangChain tool bound to a chat model carries: a name, a description and a JSON Schema. */
function toolSpecOf(tool: unknown): ToolSpec {
  const candidate = tool as {
    name?: string;
    description?: string;
    schema?: unknown;
    function?: { name: string; description?: string; parameters?: unknown };
  };
  if (candidate.function !== undefined) {
    return {
      name: candidate.function.name,
      description: candidate.function.description ?? '',
      parameters: (candidate.function.parameters ?? { type: 'object' }) as JsonObject,
    };
  }
  const schema = candidate.schema;
  const parameters =
    schema !== null && typeof schema === 'object' && !('_def' in schema) && !('_zod' in schema)
      ? (schema as JsonObject)
      : { type: 'object' };
  return { name: candidate.name ?? 'tool', description: candidate.description ?? '', parameters };
}

/** The request fields a provider-backed chat model fixes for every call. */
export type ProviderCallBase = Omit<ModelRequest, 'messages' | 'tools' | 'system' | 'signal' | 'onDelta'>;

interface ProviderModelFields {
  readonly provider: ModelProvider;
  readonly base: ProviderCallBase;
  readonly tools?: readonly ToolSpec[];
}

let ProviderChatModelClass: (new (fields: ProviderModelFields) => BaseChatModel) | undefined;

/**
 * A LangChain chat model that answers through one of our `ModelProvider`s (scripted, OpenAI,
 * Anthropic…): how the LangChain backend runs an agent manifest's own model inside LangChain's
 * agent loop. `bindTools` accepts LangChain tools and OpenAI-style tool definitions.
 */
export async function providerChatModel(
  provider: ModelProvider,
  base: ProviderCallBase,
): Promise<BaseChatModel> {
  if (ProviderChatModelClass === undefined) {
    const { messages: core, chatModels } = await loadLangChainCore();
    class ProviderChatModel extends chatModels.BaseChatModel {
      // Plain fields, not `#private`: LangChain copies models into new objects (bindings, configs).
      readonly owProvider: ModelProvider;
      readonly owBase: ProviderCallBase;
      readonly owTools: readonly ToolSpec[];

      // One fields object, handed to `super` too: LangChain may rebuild a model from its fields.
      constructor(fields: ProviderModelFields) {
        super(fields as never);
        this.owProvider = fields.provider;
        this.owBase = fields.base;
        this.owTools = fields.tools ?? [];
      }

      // Called by the base constructor, before this class's fields exist.
      _llmType(): string {
        return 'openworkflow-provider';
      }

      override bindTools(tools: unknown[]) {
        return new ProviderChatModel({
          provider: this.owProvider,
          base: this.owBase,
          tools: tools.map(toolSpecOf),
        }) as never;
      }

      async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']) {
        const conversation = fromLangChainMessages(messages);
        const request: ModelRequest = {
          ...this.owBase,
          messages: conversation.messages,
          tools: this.owTools,
          signal: options.signal ?? new AbortController().signal,
          stream: false,
          ...(conversation.system === undefined ? {} : { system: conversation.system }),
        };
        const response: ModelResponse = await this.owProvider.generate(request);
        const usage = response.usage;
        const message = new core.AIMessage({
          content: response.text,
          tool_calls: response.toolCalls.map((call) => ({
            id: call.id,
            name: call.name,
            args: call.arguments,
            type: 'tool_call' as const,
          })),
          ...(usage === undefined
            ? {}
            : {
                usage_metadata: {
                  input_tokens: usage.inputTokens,
                  output_tokens: usage.outputTokens,
                  total_tokens: usage.inputTokens + usage.outputTokens,
                },
              }),
        } as ConstructorParameters<typeof core.AIMessage>[0]);
        return { generations: [{ text: response.text, message }] };
      }
    }
    ProviderChatModelClass = ProviderChatModel as never;
  }
  return new ProviderChatModelClass!({ provider, base });
}

/**
 * A `ModelProvider` over any LangChain chat model (the native loop with a LangChain model): tools
 * are bound with `bindTools` as OpenAI-style function definitions; usage comes from
 * `usage_metadata`.
 *
 * @example
 * runtime.registerProvider(langChainModelProvider('lc-openai', new ChatOpenAI({ model: 'gpt-4o' })));
 */
export function langChainModelProvider(name: string, model: BaseChatModel): ModelProvider {
  return {
    name,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const { messages: core } = await loadLangChainCore();
      const bound =
        request.tools.length === 0 || model.bindTools === undefined
          ? model
          : model.bindTools(
              request.tools.map((tool) => ({
                type: 'function' as const,
                function: { name: tool.name, description: tool.description, parameters: tool.parameters },
              })),
            );
      const reply = (await bound.invoke(toLangChainMessages(core, request.system, request.messages), {
        signal: request.signal,
      })) as unknown as BaseMessage & {
        tool_calls?: { id?: string; name: string; args: JsonObject }[];
        usage_metadata?: { input_tokens: number; output_tokens: number };
      };
      const text = textOf(reply.content);
      if (request.stream && text !== '') request.onDelta?.(text);
      return {
        text,
        toolCalls: (reply.tool_calls ?? []).map((call, index) => ({
          id: call.id ?? `call-${index + 1}`,
          name: call.name,
          arguments: call.args,
        })),
        ...(reply.usage_metadata === undefined
          ? {}
          : {
              usage: {
                inputTokens: reply.usage_metadata.input_tokens,
                outputTokens: reply.usage_metadata.output_tokens,
              },
            }),
      };
    },
  };
}

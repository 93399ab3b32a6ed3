/** LangChain modules, imported on first use so that loading this package stays cheap. */
export async function loadLangChainCore() {
  const [messages, chatModels] = await Promise.all([
    import('@langchain/core/messages'),
    import('@langchain/core/language_models/chat_models'),
  ]);
  return { messages, chatModels };
}
function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'string' ? part : part.type === 'text' ? (part.text ?? '') : ''))
      .join('');
  }
  return '';
}
/** LangChain messages → our provider-neutral conversation (system text returned apart). */
export function fromLangChainMessages(messages) {
  const result = [];
  const system = [];
  for (const message of messages) {
    const type = message.getType();
    const text = textOf(message.content);
    if (type === 'system') system.push(text);
    else if (type === 'human') result.push({ role: 'user', content: text });
    else if (type === 'tool') {
      const tool = message;
      result.push({
        role: 'tool',
        toolCallId: tool.tool_call_id,
        name: tool.name ?? '',
        content: text,
        ...(tool.status === 'error' ? { isError: true } : {}),
      });
    } else if (type === 'ai') {
      const calls = message.tool_calls ?? [];
      const toolCalls = calls.map((call, index) => ({
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
export function toLangChainMessages(core, system, messages) {
  const result = [];
  if (system !== undefined) result.push(new core.SystemMessage(system));
  for (const message of messages) {
    if (message.role === 'user') result.push(new core.HumanMessage(message.content));
    else if (message.role === 'tool')
      result.push(
        new core.ToolMessage({
          content: message.content,
          tool_call_id: message.toolCallId,
          name: message.name,
          ...(message.isError === true ? { status: 'error' } : {}),
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
            type: 'tool_call',
          })),
        }),
      );
  }
  return result;
}
/** What a LangChain tool bound to a chat model carries: a name, a description and a JSON Schema. */
function toolSpecOf(tool) {
  const candidate = tool;
  if (candidate.function !== undefined) {
    return {
      name: candidate.function.name,
      description: candidate.function.description ?? '',
      parameters: candidate.function.parameters ?? { type: 'object' },
    };
  }
  const schema = candidate.schema;
  const parameters =
    schema !== null && typeof schema === 'object' && !('_def' in schema) && !('_zod' in schema)
      ? schema
      : { type: 'object' };
  return { name: candidate.name ?? 'tool', description: candidate.description ?? '', parameters };
}
let ProviderChatModelClass;
/**
 * A LangChain chat model that answers through one of our `ModelProvider`s (scripted, OpenAI,
 * Anthropic…): how the LangChain backend runs an agent manifest's own model inside LangChain's
 * agent loop. `bindTools` accepts LangChain tools and OpenAI-style tool definitions.
 */
export async function providerChatModel(provider, base) {
  if (ProviderChatModelClass === undefined) {
    const { messages: core, chatModels } = await loadLangChainCore();
    class ProviderChatModel extends chatModels.BaseChatModel {
      // Plain fields, not `#private`: LangChain copies models into new objects (bindings, configs).
      owProvider;
      owBase;
      owTools;
      // One fields object, handed to `super` too: LangChain may rebuild a model from its fields.
      constructor(fields) {
        super(fields);
        this.owProvider = fields.provider;
        this.owBase = fields.base;
        this.owTools = fields.tools ?? [];
      }
      // Called by the base constructor, before this class's fields exist.
      _llmType() {
        return 'openworkflow-provider';
      }
      bindTools(tools) {
        return new ProviderChatModel({
          provider: this.owProvider,
          base: this.owBase,
          tools: tools.map(toolSpecOf),
        });
      }
      async _generate(messages, options) {
        const conversation = fromLangChainMessages(messages);
        const request = {
          ...this.owBase,
          messages: conversation.messages,
          tools: this.owTools,
          signal: options.signal ?? new AbortController().signal,
          stream: false,
          ...(conversation.system === undefined ? {} : { system: conversation.system }),
        };
        const response = await this.owProvider.generate(request);
        const usage = response.usage;
        const message = new core.AIMessage({
          content: response.text,
          tool_calls: response.toolCalls.map((call) => ({
            id: call.id,
            name: call.name,
            args: call.arguments,
            type: 'tool_call',
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
        });
        return { generations: [{ text: response.text, message }] };
      }
    }
    ProviderChatModelClass = ProviderChatModel;
  }
  return new ProviderChatModelClass({ provider, base });
}
/**
 * A `ModelProvider` over any LangChain chat model (the native loop with a LangChain model): tools
 * are bound with `bindTools` as OpenAI-style function definitions; usage comes from
 * `usage_metadata`.
 *
 * @example
 * runtime.registerProvider(langChainModelProvider('lc-openai', new ChatOpenAI({ model: 'gpt-4o' })));
 */
export function langChainModelProvider(name, model) {
  return {
    name,
    async generate(request) {
      const { messages: core } = await loadLangChainCore();
      const bound =
        request.tools.length === 0 || model.bindTools === undefined
          ? model
          : model.bindTools(
              request.tools.map((tool) => ({
                type: 'function',
                function: { name: tool.name, description: tool.description, parameters: tool.parameters },
              })),
            );
      const reply = await bound.invoke(toLangChainMessages(core, request.system, request.messages), {
        signal: request.signal,
      });
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

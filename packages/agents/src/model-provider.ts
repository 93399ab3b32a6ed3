import type { JsonObject, JsonSchema, JsonValue } from '@openworkflow/schemas';

/** A tool the model may call: a connector action under its tool name (spec/agents-execution.md). */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments (always an object schema). */
  readonly parameters: JsonObject;
}

/** One tool call the model asked for. */
export interface ToolCall {
  /** The provider's call id, or `call-<turn>-<index>` when it gives none. */
  readonly id: string;
  readonly name: string;
  readonly arguments: JsonObject;
}

/** Messages of a conversation, provider-neutral. */
export type ChatMessage =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | {
      readonly role: 'tool';
      readonly toolCallId: string;
      readonly name: string;
      /** The tool's result (or its error) as JSON text. */
      readonly content: string;
      readonly isError?: boolean;
    };

/** Token counts of one model call. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Sampling settings from the agent's `model` block. */
export interface ModelSettings {
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
  readonly stopSequences?: readonly string[];
}

/** Everything a provider needs for one model call. */
export interface ModelRequest {
  /** The model id (`model.id`, or the fallback's). */
  readonly model: string;
  readonly system?: string;
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ToolSpec[];
  readonly settings: ModelSettings;
  /** Present when the agent declares `io.outputSchema`: providers that can may ask for JSON. */
  readonly outputSchema?: JsonSchema;
  /** Stream the answer; text arrives through `onDelta` as it is generated. */
  readonly stream: boolean;
  readonly onDelta?: (text: string) => void;
  readonly signal: AbortSignal;
  /** The API key from the secrets provider, when the provider needs one. */
  readonly apiKey?: string;
  /** The agent's `model.providerConfig` (base URL, organisation, scripts, …). */
  readonly providerConfig: JsonObject;
}

/** What one model call returned. */
export interface ModelResponse {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage?: TokenUsage;
  /** The provider's stop reason, as it reports it. */
  readonly stopReason?: string;
}

/**
 * A model provider (`model.provider`): scripted, OpenAI, Anthropic, a LangChain chat model…
 * `generate` throws an `OpenWorkflowError` (`RATE_LIMITED`, `UNAVAILABLE`, `TIMEOUT`,
 * `BACKEND_ERROR`, `VALIDATION`) on failure.
 *
 * @example
 * const echo: ModelProvider = {
 *   name: 'echo',
 *   async generate(request) {
 *     const last = request.messages.at(-1);
 *     return { text: last?.content ?? '', toolCalls: [] };
 *   },
 * };
 */
export interface ModelProvider {
  readonly name: string;
  /** Secret name read for the API key when `providerConfig.apiKeySecret` names none. */
  readonly defaultApiKeySecret?: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
}

/** Turns a JSON value into the text a tool message carries. */
export function toolResultText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

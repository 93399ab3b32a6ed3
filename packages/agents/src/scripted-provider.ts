import { isErrorCode, OpenWorkflowError } from '@openworkflow/core';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import { CHARS_PER_ESTIMATED_TOKEN } from './limits.js';
import type { ModelProvider, ModelRequest, ModelResponse, ToolCall } from './model-provider.js';

/** One scripted model turn (spec/agents-execution.md, "The scripted provider"). */
export interface ScriptedTurn {
  /** The answer text (a final answer when there are no tool calls). */
  readonly text?: string;
  readonly toolCalls?: readonly {
    readonly tool: string;
    readonly arguments?: JsonObject;
    readonly id?: string;
  }[];
  /** Reported token usage; default: an estimate from the characters in and out. */
  readonly usage?: { readonly inputTokens: number; readonly outputTokens: number };
  /** How the text streams; default: word by word. */
  readonly deltas?: readonly string[];
  /** Fail this call instead of answering. */
  readonly fail?: { readonly code: string; readonly message?: string };
}

/** Options of {@link createScriptedProvider}. */
export interface ScriptedProviderOptions {
  /** The provider name agents select (`model.provider`). Default `scripted`. */
  readonly name?: string;
  /** Scripts by model id, used before the agent's own `providerConfig.script(s)`. */
  readonly scripts?: Readonly<Record<string, readonly ScriptedTurn[]>>;
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** The turns for this model: code-given scripts, then `providerConfig.scripts[model]`, then `providerConfig.script`. */
function scriptFor(request: ModelRequest, options: ScriptedProviderOptions): readonly ScriptedTurn[] {
  const given = options.scripts?.[request.model];
  if (given !== undefined) return given;
  const byModel = asObject(request.providerConfig.scripts)?.[request.model];
  const turns = Array.isArray(byModel) ? byModel : request.providerConfig.script;
  if (!Array.isArray(turns)) {
    throw new OpenWorkflowError(
      'VALIDATION',
      `The scripted provider has no script for model '${request.model}'`,
      {
        details: { field: 'model.providerConfig.script', constraint: 'required', model: request.model },
      },
    );
  }
  return turns as unknown as readonly ScriptedTurn[];
}

function estimate(text: string): number {
  return Math.ceil(text.length / CHARS_PER_ESTIMATED_TOKEN);
}

function wordsOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * A deterministic model: call _n_ of a conversation (the number of assistant messages already in
 * it) answers with turn _n_ of the script. Used by tests, benchmarks and the conformance suite,
 * so no test ever needs a real model.
 *
 * @example
 * const provider = createScriptedProvider({
 *   scripts: { 'triage-v1': [{ toolCalls: [{ tool: 'github_get_issue', arguments: { number: 1 } }] }, { text: '{"category":"bug"}' }] },
 * });
 */
export function createScriptedProvider(options: ScriptedProviderOptions = {}): ModelProvider {
  return {
    name: options.name ?? 'scripted',
    async generate(request: ModelRequest): Promise<ModelResponse> {
      if (request.signal.aborted) throw request.signal.reason;
      const turns = scriptFor(request, options);
      const index = request.messages.filter((message) => message.role === 'assistant').length;
      const turn = turns[index];
      if (turn === undefined) {
        throw new OpenWorkflowError(
          'BACKEND_ERROR',
          `The script of model '${request.model}' has no turn ${index + 1}`,
          {
            details: { model: request.model, turn: index + 1, turns: turns.length },
          },
        );
      }
      if (turn.fail !== undefined) {
        const code = isErrorCode(turn.fail.code) ? turn.fail.code : 'BACKEND_ERROR';
        throw new OpenWorkflowError(code, turn.fail.message ?? `Scripted failure (${turn.fail.code})`, {
          details: { model: request.model, turn: index + 1, provider_code: turn.fail.code },
        });
      }
      const text = turn.text ?? '';
      if (request.stream && request.onDelta !== undefined && text !== '') {
        for (const delta of turn.deltas ?? wordsOf(text)) request.onDelta(delta);
      }
      const toolCalls: ToolCall[] = (turn.toolCalls ?? []).map((call, position) => ({
        id: call.id ?? `call-${index + 1}-${position + 1}`,
        name: call.tool,
        arguments: call.arguments ?? {},
      }));
      const inputChars = JSON.stringify(request.messages).length + (request.system?.length ?? 0);
      return {
        text,
        toolCalls,
        usage: turn.usage ?? {
          inputTokens: Math.ceil(inputChars / CHARS_PER_ESTIMATED_TOKEN),
          outputTokens: estimate(text) + estimate(JSON.stringify(toolCalls)),
        },
        stopReason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      };
    },
  };
}

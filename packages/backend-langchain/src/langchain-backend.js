import {
  AgentRuntime,
  buildToolset,
  checkStructuredOutput,
  MAX_REPAIR_ATTEMPTS,
  readAgentPolicy,
  settingsOf,
  systemPromptOf,
  toolResultText,
} from '@openworkflow/agents';
import { OpenWorkflowError, toOpenWorkflowError } from '@openworkflow/core';
import { providerChatModel } from './chat-model-adapters.js';

/** LangChain's error of a graph that ran out of steps (its agent loop's turn limit). */
function isRecursionLimit(error) {
  return (
    error instanceof Error && (error.name === 'GraphRecursionError' || /recursion limit/i.test(error.message))
  );
}
function langChainFailure(error, backend, agentRef) {
  if (error instanceof OpenWorkflowError) return error;
  const original = error instanceof Error ? error.message : String(error);
  return new OpenWorkflowError('BACKEND_ERROR', `LangChain failed running agent '${agentRef}': ${original}`, {
    details: {
      backend,
      agent: agentRef,
      original_error: original,
      error_type: error instanceof Error ? error.name : typeof error,
    },
    cause: error,
  });
}
function lastText(messages) {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message.getType() !== 'ai') continue;
    const content = message.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content))
      return content
        .map((part) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : ''))
        .join('');
  }
  return '';
}
/**
 * The `langchain` backend: agent steps run through LangChain's own agent loop (`createAgent` from
 * `langchain`), with the agent's toolset connector actions wrapped as LangChain tools that call
 * the engine's handlers, and a LangChain chat model (yours, or the agent's provider wrapped as
 * one). Errors LangChain raises become `BACKEND_ERROR` with `details.original_error`. LangChain is
 * imported on the first agent step.
 *
 * @example
 * const engine = createEngine({ agents, connectors, handlers, backends: [createLangChainBackend({ chatModel: () => myChatModel })] });
 */
export function createLangChainBackend(options = {}) {
  const name = options.name ?? 'langchain';
  const runtime = options.runtime ?? new AgentRuntime(options);
  async function chatModelFor(agent, context) {
    const chosen = await options.chatModel?.(agent, context);
    if (chosen !== undefined) return chosen;
    const provider = runtime.resolveProvider(agent.model.provider);
    const apiKey = await runtime.apiKeyFor(provider, agent, context);
    return await providerChatModel(provider, {
      model: agent.model.id,
      settings: settingsOf(agent),
      stream: false,
      providerConfig: agent.model.providerConfig ?? {},
      ...(apiKey === undefined ? {} : { apiKey }),
    });
  }
  return {
    name,
    version: '0.1.0',
    capabilities: ['agent'],
    async execute(request, context) {
      if (request.kind !== 'agent') {
        throw new OpenWorkflowError('UNAVAILABLE', `The ${name} backend runs agent steps only`, {
          details: { backend: name, capability: request.kind },
        });
      }
      const { agent, agentRef } = request;
      const input =
        request.handoff === undefined
          ? request.input
          : { reason: request.handoff.reason, context: request.handoff.context };
      const policy = readAgentPolicy(agent, request.guardrails);
      const toolset = await buildToolset(agent.toolset, (reference) => context.connector(reference));
      const model = await chatModelFor(agent, context);
      const [{ createAgent }, { tool }, core] = await Promise.all([
        import('langchain'),
        import('@langchain/core/tools'),
        import('@langchain/core/messages'),
      ]);
      // A policy stop from inside a tool must end LangChain's loop, whose tool node would otherwise
      // turn the error into a message and carry on: record it and abort the run.
      const inner = new AbortController();
      const abortInner = () => inner.abort(context.signal.reason);
      context.signal.addEventListener('abort', abortInner, { once: true });
      let stopped;
      let toolCalls = 0;
      let confirmations = 0;
      let turn = 0;
      let tokens = 0;
      const wrap = (entry) =>
        tool(
          async (args) => {
            const event = {
              turn,
              callId: `lc-${toolCalls + 1}`,
              tool: entry.spec.name,
              connector: entry.connector.id,
              action: entry.action.name,
            };
            toolCalls++;
            if (policy.maxToolCalls !== undefined && toolCalls > policy.maxToolCalls) {
              context.emit('agent.tool-call', { ...event, status: 'refused' });
              stopped = new OpenWorkflowError(
                'POLICY_VIOLATION',
                `Agent '${agentRef}' tried more than ${policy.maxToolCalls} tool calls`,
                {
                  details: { limit: 'maxToolCalls', value: policy.maxToolCalls },
                },
              );
              inner.abort(stopped);
              throw stopped;
            }
            const confirm = policy.requireConfirmation;
            if (
              [entry.action.name, entry.spec.name, `${entry.connector.name}.${entry.action.name}`].some(
                (key) => confirm.includes(key),
              )
            ) {
              confirmations++;
              const decision = await context.requestConfirmation({
                key: `tool-${confirmations}`,
                message: {
                  agent: agentRef,
                  tool: entry.spec.name,
                  connector: entry.connector.id,
                  action: entry.action.name,
                  arguments: args,
                },
              });
              if (!decision.approved) {
                context.emit('agent.tool-call', {
                  ...event,
                  status: 'rejected',
                  interruptId: decision.interruptId,
                  reason: decision.timedOut ? 'timeout' : 'rejected',
                });
                return JSON.stringify({
                  error: {
                    code: 'APPROVAL_REJECTED',
                    message: 'A person declined this tool call; it was not run',
                  },
                });
              }
            }
            try {
              const output = await context.invokeAction({
                connector: entry.connector,
                action: entry.action,
                input: args,
                key: `tool-${toolCalls}`,
              });
              context.emit('agent.tool-call', { ...event, status: 'success' });
              return toolResultText(output);
            } catch (error) {
              if (context.signal.aborted) throw error;
              const failure = toOpenWorkflowError(error, 'BACKEND_ERROR');
              context.emit('agent.tool-call', {
                ...event,
                status: 'failed',
                error: { code: failure.code, message: failure.message },
              });
              return JSON.stringify({ error: { code: failure.code, message: failure.message } });
            }
          },
          {
            name: entry.spec.name,
            description: entry.spec.description,
            schema: entry.spec.parameters,
          },
        );
      const system = systemPromptOf(agent, policy.outputSchema);
      const graph = createAgent({
        model,
        tools: [...toolset.tools.values()].map(wrap),
        ...(system === undefined ? {} : { systemPrompt: system }),
      });
      const callbacks = [
        {
          handleLLMEnd(output) {
            turn++;
            const usage = output.generations?.[0]?.[0]?.message?.usage_metadata;
            const inputTokens = usage?.input_tokens ?? 0;
            const outputTokens = usage?.output_tokens ?? 0;
            tokens += inputTokens + outputTokens;
            context.emit('agent.usage', {
              turn,
              provider: agent.model.provider,
              model: agent.model.id,
              inputTokens,
              outputTokens,
              totalTokens: inputTokens + outputTokens,
              cumulativeTokens: tokens,
              fallback: false,
              backend: name,
            });
          },
        },
      ];
      // Each turn of LangChain's agent graph is a model node and a tools node.
      const recursionLimit = policy.maxTurns * 2 + 1;
      let messages = [new core.HumanMessage(JSON.stringify(input))];
      try {
        for (let repairs = 0; ; repairs++) {
          const state = await graph.invoke({ messages }, { signal: inner.signal, recursionLimit, callbacks });
          messages = state.messages;
          const text = lastText(messages);
          if (policy.outputSchema === undefined) return { response: text };
          const checked = checkStructuredOutput(text, policy.outputSchema);
          if (checked.ok) return checked.value;
          if (repairs >= MAX_REPAIR_ATTEMPTS) {
            throw new OpenWorkflowError(
              'VALIDATION',
              `Agent '${agentRef}' answered with output that does not match its output schema: ${checked.problem}`,
              {
                details: {
                  agent: agentRef,
                  constraint: 'outputSchema',
                  repair_attempts: repairs,
                  backend: name,
                },
              },
            );
          }
          messages = [
            ...messages,
            new core.HumanMessage(
              `Your answer does not match the required JSON Schema (${checked.problem}). Reply again with only the corrected JSON value.`,
            ),
          ];
        }
      } catch (error) {
        if (stopped !== undefined) throw stopped;
        if (context.signal.aborted) throw context.signal.reason ?? error;
        if (isRecursionLimit(error)) {
          throw new OpenWorkflowError(
            'POLICY_VIOLATION',
            `Agent '${agentRef}' reached its limit of ${policy.maxTurns} turns without a final answer`,
            {
              details: { limit: 'maxTurns', value: policy.maxTurns, backend: name },
            },
          );
        }
        throw langChainFailure(error, name, agentRef);
      } finally {
        context.signal.removeEventListener('abort', abortInner);
      }
    },
  };
}

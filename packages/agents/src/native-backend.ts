import {
  type Backend,
  type BackendContext,
  type BackendRequest,
  OpenWorkflowError,
} from '@openworkflow/core';
import type { Agent, JsonObject, JsonValue } from '@openworkflow/schemas';
import {
  type AgentExecuteOptions,
  type AgentHost,
  AgentRuntime,
  type AgentRuntimeOptions,
} from './agent-runtime.js';

/** Options of {@link createNativeAgentBackend}: a runtime, or the options to make one. */
export interface NativeAgentBackendOptions extends AgentRuntimeOptions {
  readonly runtime?: AgentRuntime;
  /** Registered name. Default `native`. */
  readonly name?: string;
}

/**
 * The `native` backend for agent and handoff steps: the tool loop of {@link AgentRuntime}, whose
 * tools run on the engine's own handlers. Register it with the engine
 * (`backends: [createNativeAgentBackend({providers})]`); native action steps never reach it.
 *
 * @example
 * const engine = createEngine({ agents, connectors, handlers, backends: [createNativeAgentBackend()] });
 */
export function createNativeAgentBackend(options: NativeAgentBackendOptions = {}): Backend & {
  readonly runtime: AgentRuntime;
} {
  const runtime = options.runtime ?? new AgentRuntime(options);
  const name = options.name ?? 'native';
  return {
    name,
    version: '0.1.0',
    capabilities: ['agent'],
    runtime,
    async execute(request: BackendRequest, context: BackendContext): Promise<JsonValue> {
      if (request.kind !== 'agent') {
        throw new OpenWorkflowError('UNAVAILABLE', `The ${name} agent backend runs agent steps only`, {
          details: { backend: name, capability: request.kind },
        });
      }
      const input: JsonObject =
        request.handoff === undefined
          ? request.input
          : { reason: request.handoff.reason, context: request.handoff.context };
      const options: { -readonly [K in keyof AgentExecuteOptions]: AgentExecuteOptions[K] } = {
        agentRef: request.agentRef,
      };
      if (request.guardrails !== undefined) options.guardrails = request.guardrails;
      return await runtime.execute(request.agent, input, context, options);
    },
  };
}

/** An agent manifest bound to a runtime: `execute(input, host)`. */
export interface RunnableAgent {
  readonly agent: Agent;
  execute(input: JsonObject, host: AgentHost, options?: AgentExecuteOptions): Promise<JsonValue>;
}

/**
 * Binds a loaded agent (either manifest form, as `@openworkflow/schemas` normalises it) to a
 * runtime, for use outside a workflow step.
 */
export function createRunnableAgent(agent: Agent, runtime: AgentRuntime = new AgentRuntime()): RunnableAgent {
  return {
    agent,
    execute: (input, host, options) => runtime.execute(agent, input, host, options),
  };
}

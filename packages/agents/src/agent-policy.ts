import type { Agent, Guardrails, JsonObject, JsonSchema, JsonValue } from '@openworkflow/schemas';
import { DEFAULT_MAX_TURNS, MAX_TURNS_CEILING } from './limits.js';

/** What the tool loop enforces, read once from the manifest and the step's guardrails. */
export interface AgentPolicy {
  readonly maxTurns: number;
  readonly maxToolCalls?: number;
  /** Action names (`action`, `connector.action` or tool names) that need a person's confirmation. */
  readonly requireConfirmation: readonly string[];
  /** Total tokens the step may use (`guardrails.maxTokens` of the step). */
  readonly maxTokens?: number;
  /** US dollars the step may spend (`guardrails.maxCost`, else `policies.cost.maxCostPerRequest`). */
  readonly maxCost?: number;
  /** Model requests per minute (`policies.rateLimit.rpm` / `requestsPerMinute`). */
  readonly requestsPerMinute?: number;
  /** Model tokens per minute (`policies.rateLimit.tokensPerMinute`). */
  readonly tokensPerMinute?: number;
  readonly streaming: boolean;
  readonly outputSchema?: JsonSchema;
}

function objectAt(value: JsonValue | undefined, ...keys: string[]): JsonObject | undefined {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current !== null && typeof current === 'object' && !Array.isArray(current) ? current : undefined;
}

function positive(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function firstDefined<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined);
}

/**
 * Reads the loop's limits (spec/agents-execution.md, "Policies"): `planner.maxTurns` and
 * `execution.config.maxIterations` (the smaller wins; default 10, never above 100),
 * `guardrails.behavior`, `policies.rateLimit` and `policies.cost`, with the step's guardrails
 * taking precedence over the agent's.
 */
export function readAgentPolicy(agent: Agent, step: Guardrails | undefined): AgentPolicy {
  const config = agent.execution.config;
  const turnLimits = [
    positive(agent.planner?.maxTurns),
    positive(config.maxIterations),
    positive(config.max_iterations),
  ].filter((value): value is number => value !== undefined);
  const maxTurns = Math.min(
    MAX_TURNS_CEILING,
    Math.floor(turnLimits.length === 0 ? DEFAULT_MAX_TURNS : Math.min(...turnLimits)),
  );
  const guardrails = agent.guardrails ?? {};
  const behavior = objectAt(guardrails, 'behavior') ?? {};
  const rateLimit = objectAt(agent.policies ?? {}, 'rateLimit') ?? {};
  const cost = objectAt(agent.policies ?? {}, 'cost') ?? {};
  const confirm = behavior.requireConfirmation;
  const outputSchema = firstDefined<JsonSchema>(
    step?.outputSchema,
    agent.io.outputSchema,
    objectAt(guardrails, 'output', 'schema') as JsonSchema | undefined,
  );
  const policy: { -readonly [K in keyof AgentPolicy]: AgentPolicy[K] } = {
    maxTurns,
    requireConfirmation: Array.isArray(confirm) ? confirm.filter((name) => typeof name === 'string') : [],
    streaming: config.streaming === true,
  };
  const maxToolCalls = firstDefined(step?.maxToolCalls, positive(behavior.maxToolCalls));
  if (maxToolCalls !== undefined) policy.maxToolCalls = maxToolCalls;
  if (step?.maxTokens !== undefined) policy.maxTokens = step.maxTokens;
  const maxCost = firstDefined(step?.maxCost, positive(cost.maxCostPerRequest));
  if (maxCost !== undefined) policy.maxCost = maxCost;
  const rpm = firstDefined(positive(rateLimit.rpm), positive(rateLimit.requestsPerMinute));
  if (rpm !== undefined) policy.requestsPerMinute = rpm;
  const tpm = positive(rateLimit.tokensPerMinute);
  if (tpm !== undefined) policy.tokensPerMinute = tpm;
  if (outputSchema !== undefined) policy.outputSchema = outputSchema;
  return policy;
}

/** The system prompt: `systemPrompt` (or `personality.systemPrompt`), goals and constraints, and the output contract. */
export function systemPromptOf(agent: Agent, outputSchema: JsonSchema | undefined): string | undefined {
  const personality = agent.personality ?? {};
  const parts: string[] = [];
  const base =
    agent.systemPrompt ??
    (typeof personality.systemPrompt === 'string' ? personality.systemPrompt : undefined);
  if (base !== undefined) parts.push(base);
  if (agent.goals !== undefined && agent.goals.length > 0)
    parts.push(`Goals:\n- ${agent.goals.join('\n- ')}`);
  const constraints = Array.isArray(personality.constraints) ? personality.constraints : [];
  if (constraints.length > 0) parts.push(`Constraints:\n- ${constraints.map(String).join('\n- ')}`);
  if (outputSchema !== undefined) {
    parts.push(
      `When you give your final answer, reply with only one JSON value that matches this JSON Schema:\n${JSON.stringify(outputSchema)}`,
    );
  }
  return parts.length === 0 ? undefined : parts.join('\n\n');
}

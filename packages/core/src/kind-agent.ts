import type { Agent, AgentStep, HandoffStep, JsonObject, JsonValue } from '@openworkflow/schemas';
import { type Backend, canonicalBackendName } from './backend.js';
import { OpenWorkflowError, toOpenWorkflowError } from './errors.js';
import type { Frame } from './frame.js';
import { WORK_TRAITS } from './kind-traits.js';
import type { RunExecution } from './run-execution.js';
import { validateOutput } from './step-helpers.js';
import type { StepKind } from './step-kinds.js';

interface PreparedAgent {
  readonly agentRef: string;
  readonly agent: Agent;
  readonly backendName: string;
  readonly backend: Backend;
  readonly input: JsonObject;
  readonly reason?: JsonValue;
  readonly context?: JsonValue;
}

async function resolveAgent(exec: RunExecution, reference: string, stepId: string): Promise<Agent> {
  const agent = await exec.services.agents?.(reference);
  if (agent === undefined) {
    throw new OpenWorkflowError('UNAVAILABLE', `Agent '${reference}' is not available`, {
      details: {
        agent: reference,
        step_id: stepId,
        suggestion: 'Register or install the agent before running the workflow',
      },
    });
  }
  return agent;
}

/** Backend resolution (spec §14.1): step override → agent `execution.backend` → workflow default → runtime default. */
function agentBackend(
  exec: RunExecution,
  stepBackend: string | undefined,
  agent: Agent,
  frame: Frame,
): [string, Backend] {
  const name = canonicalBackendName(
    stepBackend ??
      agent.execution.backend ??
      frame.context.workflow.backend ??
      exec.services.defaults.backend ??
      'native',
  );
  return [name, exec.services.backends.require(name, 'agent')];
}

/** The agent and its backend, for a step that names `agentRef`. */
async function agentTarget(
  exec: RunExecution,
  agentRef: string,
  step: AgentStep | HandoffStep,
  frame: Frame,
): Promise<Pick<PreparedAgent, 'agentRef' | 'agent' | 'backendName' | 'backend'>> {
  const agent = await resolveAgent(exec, agentRef, step.id);
  const [backendName, backend] = agentBackend(exec, step.backend, agent, frame);
  return { agentRef, agent, backendName, backend };
}

function agentLimit(exec: RunExecution): number {
  return exec.services.defaults.timeoutMs ?? exec.services.limits.defaultTimeoutMs;
}

async function invoke(
  exec: RunExecution,
  prepared: PreparedAgent,
  call: Parameters<StepKind['execute']>[1],
  handoff: boolean,
) {
  try {
    const output = await prepared.backend.execute(
      {
        kind: 'agent',
        agentRef: prepared.agentRef,
        agent: prepared.agent,
        input: prepared.input,
        ...(call.step.guardrails === undefined ? {} : { guardrails: call.step.guardrails }),
        ...(handoff
          ? { handoff: { reason: prepared.reason ?? null, context: prepared.context ?? null } }
          : {}),
      },
      exec.backendContext(call, prepared.backendName),
    );
    return output === undefined ? null : output;
  } catch (thrown) {
    throw toOpenWorkflowError(thrown, 'BACKEND_ERROR', {
      backend: prepared.backendName,
      agent: prepared.agentRef,
      ...(thrown instanceof Error ? { original_error: thrown.message } : {}),
    });
  }
}

/** An agent step: the agent runs on its resolved backend; its return value is the step output. */
export const agentKind: StepKind<AgentStep> = {
  ...WORK_TRAITS,

  async prepare(exec, step, frame): Promise<PreparedAgent> {
    const target = await agentTarget(exec, step.agent, step, frame);
    return {
      ...target,
      input: exec.renderIn(frame, step.input as JsonObject, `${step.id}.input`) as JsonObject,
    };
  },

  attemptLimitMs: (exec) => agentLimit(exec),

  async execute(exec, call) {
    const prepared = call.prepared as PreparedAgent;
    const output = await invoke(exec, prepared, call, false);
    const schema = prepared.agent.io.outputSchema;
    // The agent's declared output shape is enforced in strict mode, like action outputs.
    if (exec.services.strictOutputs && schema !== undefined)
      return validateOutput(schema, output, `${prepared.agentRef} output`);
    return output;
  },
};

/** The agent a handoff goes to: `agent`, or the first `selectAgent` entry whose condition holds, else `default`. */
function chooseAgent(exec: RunExecution, step: HandoffStep, frame: Frame): string {
  if (step.agent !== undefined) return step.agent;
  let fallback: string | undefined;
  for (const [index, choice] of (step.selectAgent ?? []).entries()) {
    if (choice.isDefault) {
      fallback ??= choice.agent;
      continue;
    }
    if (choice.condition === undefined) continue;
    if (exec.conditionIn(frame.scope, choice.condition, `${step.id}.selectAgent[${index}].condition`))
      return choice.agent;
  }
  if (fallback !== undefined) return fallback;
  throw new OpenWorkflowError(
    'VALIDATION',
    `No agent matched in handoff '${step.id}' and there is no default`,
    {
      details: { field: `${step.id}.selectAgent`, constraint: 'match' },
    },
  );
}

/**
 * A handoff: hand the conversation to an agent through its backend. Output
 * `{handoffTo, reason, agentResponse, conversationId}`; with `resumeAfter: false` the run ends
 * successfully after it.
 */
export const handoffKind: StepKind<HandoffStep> = {
  ...WORK_TRAITS,

  async prepare(exec, step, frame): Promise<PreparedAgent> {
    const target = await agentTarget(exec, chooseAgent(exec, step, frame), step, frame);
    const reason = step.reason === undefined ? null : exec.renderIn(frame, step.reason, `${step.id}.reason`);
    const context =
      step.context === undefined ? null : exec.renderIn(frame, step.context, `${step.id}.context`);
    return { ...target, input: { reason, context }, reason, context };
  },

  attemptLimitMs: (exec) => agentLimit(exec),

  async execute(exec, call) {
    const prepared = call.prepared as PreparedAgent;
    const response = await invoke(exec, prepared, call, true);
    const supplied =
      response !== null && typeof response === 'object' && !Array.isArray(response)
        ? response.conversationId
        : undefined;
    const conversationId = typeof supplied === 'string' ? supplied : exec.services.idGenerator();
    if (!call.step.resumeAfter) exec.requestEnd();
    return {
      handoffTo: prepared.agentRef,
      reason: prepared.reason ?? null,
      agentResponse: response,
      conversationId,
    };
  },
};

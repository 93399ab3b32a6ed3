import type { RunEvent } from '@openworkflow/core';
import type { JsonObject } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { createNativeAgentBackend } from '../src/native-backend.js';
import { agentOf, agentWorkflow, createAgentEngine, eventsOf, workflowOf } from '../src/testing.js';

/** A triage agent on the scripted provider; `extra` is appended YAML at the top level. */
function triageAgent(script: unknown[], extra = '', model = ''): ReturnType<typeof agentOf> {
  return agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model:
  provider: scripted
  id: triage-v1
  providerConfig:
    script: ${JSON.stringify(script)}
${model}
toolset:
  - connector:test/github@1.0.0
systemPrompt: You triage GitHub issues.
${extra}
`);
}

const OUTPUT_SCHEMA = `
io:
  outputSchema:
    type: object
    properties:
      category: { type: string, enum: [bug, feature, question] }
      priority: { type: string }
    required: [category, priority]
`;

const ofType = (events: RunEvent[], type: string) => events.filter((event) => event.type === type);

async function runAgent(
  agent: ReturnType<typeof agentOf>,
  options: { backend?: Parameters<typeof createNativeAgentBackend>[0]; guardrails?: string } = {},
) {
  const { engine, clock, calls } = createAgentEngine({
    agents: [agent],
    backends: [createNativeAgentBackend(options.backend)],
  });
  const run = engine.start(
    agentWorkflow('agent:test/triage-bot@0.2.0', { issue: 7 }, options.guardrails ?? ''),
    {},
  );
  await clock.runUntilIdle();
  const result = await run.result;
  return { result, events: await eventsOf(run), calls, clock };
}

describe('the native tool loop', () => {
  it('calls connector actions as tools and returns the validated structured answer', async () => {
    const agent = triageAgent(
      [
        { toolCalls: [{ tool: 'github_get_issue', arguments: { number: 7 } }] },
        { toolCalls: [{ tool: 'github_add_label', arguments: { number: 7, label: 'bug' } }] },
        { text: '```json\n{"category": "bug", "priority": "high"}\n```' },
      ],
      OUTPUT_SCHEMA,
    );
    const { result, events, calls } = await runAgent(agent);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.answer).toEqual({ category: 'bug', priority: 'high' });
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['github.get_issue', { number: 7 }],
      ['github.add_label', { number: 7, label: 'bug' }],
    ]);
    // Each tool call has its own idempotency key, derived from the step's.
    expect(new Set(calls.map((call) => call.idempotencyKey)).size).toBe(2);
    // A tool call's context answers `canceled` from the step's attempt.
    expect(calls.map((call) => call.canceled)).toEqual([false, false]);
    const toolEvents = ofType(events, 'agent.tool-call');
    expect(toolEvents.map((event) => [event.data.tool, event.data.status, event.stepId])).toEqual([
      ['github_get_issue', 'success', 'think'],
      ['github_add_label', 'success', 'think'],
    ]);
    const usage = ofType(events, 'agent.usage');
    expect(usage).toHaveLength(3);
    expect(
      usage.every((event) => event.data.provider === 'scripted' && Number(event.data.totalTokens) > 0),
    ).toBe(true);
    // Agent events sit between the step's start and its end.
    const started = events.find((event) => event.type === 'step.started')!.sequence;
    const completed = events.find((event) => event.type === 'step.completed')!.sequence;
    expect(
      [...toolEvents, ...usage].every((event) => event.sequence > started && event.sequence < completed),
    ).toBe(true);
  });

  it('answers {response} without an output schema', async () => {
    const { result } = await runAgent(triageAgent([{ text: 'Looks like a crash.' }]));
    expect(result.outputs.answer).toEqual({ response: 'Looks like a crash.' });
  });

  it('offers only allowlisted, undenied actions; a call to a denied one is reported and refused', async () => {
    const agent = agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model:
  provider: scripted
  id: m
  providerConfig:
    script:
      - toolCalls: [{ tool: github_close_issue, arguments: { number: 7 } }]
      - toolCalls: [{ tool: github_get_issue, arguments: { number: 7 } }]
      - text: done
toolset:
  - connector: connector:test/github@1.0.0
    actions: [get_issue, close_issue]
    deny: [close_issue]
`);
    const { result, events, calls } = await runAgent(agent);
    expect(result.status).toBe('success');
    expect(calls.map((call) => call.name)).toEqual(['github.get_issue']);
    expect(ofType(events, 'agent.tool-call').map((event) => [event.data.tool, event.data.status])).toEqual([
      ['github_close_issue', 'denied'],
      ['github_get_issue', 'success'],
    ]);
  });

  it('fails POLICY_VIOLATION when the model is still calling tools after maxTurns', async () => {
    const loop = Array.from({ length: 5 }, () => ({
      toolCalls: [{ tool: 'github_get_issue', arguments: { number: 1 } }],
    }));
    const agent = triageAgent(loop, 'planner: { strategy: react, maxTurns: 3 }');
    const { result, calls } = await runAgent(agent);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { limit: 'maxTurns', value: 3 },
    });
    expect(calls).toHaveLength(3);
  });

  it('takes the smaller of planner.maxTurns and execution.config.maxIterations', async () => {
    const loop = Array.from({ length: 5 }, () => ({
      toolCalls: [{ tool: 'github_get_issue', arguments: { number: 1 } }],
    }));
    const agent = triageAgent(
      loop,
      'planner: { strategy: react, maxTurns: 4 }\nexecution: { backend: native, config: { maxIterations: 2 } }',
    );
    const { result, calls } = await runAgent(agent);
    expect(result.error).toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { limit: 'maxTurns', value: 2 },
    });
    expect(calls).toHaveLength(2);
  });

  it('enforces guardrails.behavior.maxToolCalls, and the step guardrail over it', async () => {
    const script = [
      {
        toolCalls: [
          { tool: 'github_get_issue', arguments: { number: 1 } },
          { tool: 'github_get_issue', arguments: { number: 2 } },
          { tool: 'github_get_issue', arguments: { number: 3 } },
        ],
      },
      { text: 'done' },
    ];
    const agent = triageAgent(script, 'guardrails: { behavior: { maxToolCalls: 2 } }');
    const limited = await runAgent(agent);
    expect(limited.result.error).toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { limit: 'maxToolCalls', value: 2 },
    });
    expect(limited.calls).toHaveLength(2);
    const relaxed = await runAgent(agent, { guardrails: '    guardrails: { maxToolCalls: 5 }' });
    expect(relaxed.result.status).toBe('success');
    expect(relaxed.calls).toHaveLength(3);
  });

  it('repairs a structured answer once, then gives up with VALIDATION', async () => {
    const repaired = await runAgent(
      triageAgent([{ text: 'It is a bug.' }, { text: '{"category":"bug","priority":"low"}' }], OUTPUT_SCHEMA),
    );
    expect(repaired.result.outputs.answer).toEqual({ category: 'bug', priority: 'low' });
    const broken = await runAgent(
      triageAgent(
        [
          { text: '{"category":"spam"}' },
          { text: '{"category":"spam"}' },
          { text: '{"category":"bug","priority":"x"}' },
        ],
        OUTPUT_SCHEMA,
      ),
    );
    expect(broken.result.status).toBe('failed');
    expect(broken.result.error).toMatchObject({
      code: 'VALIDATION',
      details: { constraint: 'outputSchema', repair_attempts: 1 },
    });
    expect(ofType(broken.events, 'agent.usage')).toHaveLength(2);
  });

  it('streams the answer as agent.delta events when execution.config.streaming is on', async () => {
    const agent = triageAgent(
      [{ text: 'A crash on start, priority high.' }],
      'execution: { backend: native, config: { streaming: true } }',
    );
    const { result, events } = await runAgent(agent);
    const deltas = ofType(events, 'agent.delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((event) => event.data.text).join('')).toBe('A crash on start, priority high.');
    expect(deltas.map((event) => event.data.index)).toEqual(deltas.map((_, index) => index));
    expect(result.outputs.answer).toEqual({ response: 'A crash on start, priority high.' });
  });

  it('no deltas without streaming', async () => {
    const { events } = await runAgent(triageAgent([{ text: 'quiet' }]));
    expect(ofType(events, 'agent.delta')).toHaveLength(0);
  });

  it('switches to model.fallback when the primary fails, for the rest of the execution', async () => {
    const agent = agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model:
  provider: scripted
  id: primary
  fallback: { provider: scripted, id: backup }
  providerConfig:
    scripts:
      primary: [{ fail: { code: UNAVAILABLE, message: overloaded } }]
      backup:
        - toolCalls: [{ tool: github_get_issue, arguments: { number: 7 } }]
        - text: from the backup
toolset: [connector:test/github@1.0.0]
`);
    const { result, events } = await runAgent(agent);
    expect(result.outputs.answer).toEqual({ response: 'from the backup' });
    expect(ofType(events, 'agent.usage').map((event) => [event.data.model, event.data.fallback])).toEqual([
      ['backup', true],
      ['backup', true],
    ]);
  });

  it('fails with the primary error when there is no fallback', async () => {
    const { result } = await runAgent(
      triageAgent([{ fail: { code: 'RATE_LIMITED', message: 'slow down' } }]),
    );
    expect(result.error).toMatchObject({ code: 'RATE_LIMITED', message: 'slow down' });
  });

  it('records cost from pricing and stops at policies.cost.maxCostPerRequest', async () => {
    const script = [
      {
        toolCalls: [{ tool: 'github_get_issue', arguments: { number: 7 } }],
        usage: { inputTokens: 1000, outputTokens: 100 },
      },
      { text: 'done', usage: { inputTokens: 2000, outputTokens: 100 } },
    ];
    const pricing = { 'scripted/triage-v1': { inputPerMillion: 3, outputPerMillion: 15 } };
    const cheap = await runAgent(triageAgent(script), { backend: { pricing } });
    const usage = ofType(cheap.events, 'agent.usage');
    expect(usage.map((event) => event.data.costUsd)).toEqual([0.0045, 0.0075]);
    expect(usage[1]!.data.cumulativeCostUsd).toBeCloseTo(0.012, 10);
    const capped = await runAgent(triageAgent(script, 'policies: { cost: { maxCostPerRequest: 0.01 } }'), {
      backend: { pricing },
    });
    expect(capped.result.error).toMatchObject({ code: 'POLICY_VIOLATION', details: { limit: 'maxCost' } });
  });

  it('stops at the step guardrail maxTokens', async () => {
    const script = [
      {
        toolCalls: [{ tool: 'github_get_issue', arguments: { number: 7 } }],
        usage: { inputTokens: 60, outputTokens: 10 },
      },
      { text: 'done', usage: { inputTokens: 60, outputTokens: 10 } },
    ];
    const { result } = await runAgent(triageAgent(script), {
      guardrails: '    guardrails: { maxTokens: 100 }',
    });
    expect(result.error).toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { limit: 'maxTokens', value: 100 },
    });
  });

  it('rejects input that does not match io.inputSchema', async () => {
    const agent = triageAgent([{ text: 'x' }], 'io: { inputSchema: { type: object, required: [issueUrl] } }');
    const { result } = await runAgent(agent);
    expect(result.error).toMatchObject({ code: 'VALIDATION', details: { field: 'issueUrl' } });
  });

  it('fails UNAVAILABLE for an unknown model provider or toolset connector', async () => {
    const unknownProvider = triageAgent([], '').model.provider;
    expect(unknownProvider).toBe('scripted');
    const noProvider = agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model: { provider: mystery, id: m }
`);
    expect((await runAgent(noProvider)).result.error).toMatchObject({
      code: 'UNAVAILABLE',
      details: { provider: 'mystery' },
    });
    const noConnector = agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model: { provider: scripted, id: m, providerConfig: { script: [{ text: x }] } }
toolset: [connector:test/missing@1.0.0]
`);
    expect((await runAgent(noConnector)).result.error).toMatchObject({
      code: 'UNAVAILABLE',
      details: { connector: 'connector:test/missing@1.0.0' },
    });
  });

  it('gives the model a failed tool call as an error result and carries on', async () => {
    const agent = triageAgent([
      { toolCalls: [{ tool: 'github_get_issue', arguments: { number: 'seven' } }] },
      { text: 'the tool refused' },
    ]);
    const { result, events } = await runAgent(agent);
    expect(result.outputs.answer).toEqual({ response: 'the tool refused' });
    const [event] = ofType(events, 'agent.tool-call');
    expect(event!.data).toMatchObject({ status: 'failed', error: { code: 'VALIDATION' } });
  });

  it('reads the API key from the run secrets, else from the credentials source', async () => {
    const seen: (string | undefined)[] = [];
    const keyed = {
      name: 'keyed',
      defaultApiKeySecret: 'KEYED_API_KEY',
      async generate(request: { apiKey?: string }) {
        seen.push(request.apiKey);
        return { text: 'ok', toolCalls: [] };
      },
    };
    const agent = agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model: { provider: keyed, id: m }
`);
    const asked: string[][] = [];
    const { result } = await runAgent(agent, {
      backend: {
        providers: [keyed],
        credentials: {
          async resolve(names) {
            asked.push([...names]);
            return { KEYED_API_KEY: 'sk-from-provider' } as JsonObject as Record<string, string>;
          },
        },
      },
    });
    expect(result.status).toBe('success');
    expect(seen).toEqual(['sk-from-provider']);
    expect(asked).toEqual([['KEYED_API_KEY']]);
  });

  it('runs handoff steps through the agent with {reason, context} as its input', async () => {
    const agent = triageAgent([{ text: 'I will take it from here.' }]);
    const { engine, clock } = createAgentEngine({ agents: [agent], backends: [createNativeAgentBackend()] });
    const workflow = workflowOf(`
name: escalate
steps:
  - id: hand
    type: handoff
    agent: agent:test/triage-bot@0.2.0
    reason: customer is angry
    context: { ticket: 9 }
outputs:
  out: { value: "{{ steps.hand.output }}" }
`);
    const run = engine.start(workflow, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.out).toMatchObject({
      handoffTo: 'agent:test/triage-bot@0.2.0',
      reason: 'customer is angry',
      agentResponse: { response: 'I will take it from here.' },
    });
  });
});

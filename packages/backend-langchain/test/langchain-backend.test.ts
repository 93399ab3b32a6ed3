import { AIMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { createNativeAgentBackend } from '@openworkflow/agents';
import {
  agentOf,
  agentWorkflow,
  connectorOf,
  createAgentEngine,
  eventsOf,
  GITHUB,
  workflowOf,
} from '@openworkflow/agents/testing';
import { OpenWorkflowError, type RunEvent, systemClock } from '@openworkflow/core';
import type { Agent } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { langChainModelProvider } from '../src/chat-model-adapters.js';
import { type ChatModelResolver, createLangChainBackend } from '../src/langchain-backend.js';
import { actionAsTool, workflowAsRunnable, workflowAsTool } from '../src/runnable-adapters.js';

function langchainAgent(extra = '', script: unknown[] = []): Agent {
  return agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
execution: { backend: langchain, runtimeHint: node }
model:
  provider: scripted
  id: triage-v1
  providerConfig: { script: ${JSON.stringify(script)} }
toolset: [connector:test/github@1.0.0]
systemPrompt: You triage issues.
${extra}
`);
}

const OUTPUT = `
io:
  outputSchema:
    type: object
    properties: { category: { type: string } }
    required: [category]
`;

async function run(agent: Agent, chatModel?: ChatModelResolver) {
  const { engine, calls } = createAgentEngine({
    agents: [agent],
    backends: [createLangChainBackend(chatModel === undefined ? {} : { chatModel })],
    // Real time: LangChain's loop awaits real I/O (module loading) that a fake clock would skip past.
    engine: { clock: systemClock },
  });
  const handle = engine.start(agentWorkflow('agent:test/triage-bot@0.2.0'), {});
  const result = await handle.result;
  return { result, events: await eventsOf(handle), calls };
}

const ofType = (events: RunEvent[], type: string) => events.filter((event) => event.type === type);

describe('the LangChain backend', () => {
  it("runs an agent step through LangChain's agent loop with LangChain's fake tool-calling model", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: 'github_get_issue', args: { number: 7 }, id: 'lc_1' }])
      .respondWithTools([{ name: 'github_add_label', args: { number: 7, label: 'bug' }, id: 'lc_2' }])
      .respond(new AIMessage('{"category": "bug"}'));
    const { result, events, calls } = await run(langchainAgent(OUTPUT), () => model);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.answer).toEqual({ category: 'bug' });
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['github.get_issue', { number: 7 }],
      ['github.add_label', { number: 7, label: 'bug' }],
    ]);
    expect(model.callCount).toBe(3);
    // LangChain's loop fed our connector's result back to the model as a tool message.
    const lastCall = model.calls[2]!.messages;
    const toolMessages = lastCall.filter((message) => message.getType() === 'tool');
    expect(toolMessages).toHaveLength(2);
    expect(JSON.parse(String(toolMessages[0]!.content))).toMatchObject({
      number: 7,
      title: 'Crash on start',
    });
    expect(lastCall[0]!.getType()).toBe('system');
    expect(ofType(events, 'agent.tool-call').map((event) => event.data.status)).toEqual([
      'success',
      'success',
    ]);
    expect(ofType(events, 'agent.usage').map((event) => event.data.backend)).toEqual([
      'langchain',
      'langchain',
      'langchain',
    ]);
  });

  it('runs the manifest’s own model (the scripted provider) inside LangChain, with the same output as native', async () => {
    const script = [
      { toolCalls: [{ tool: 'github_get_issue', arguments: { number: 7 } }] },
      { text: '{"category": "feature"}' },
    ];
    const viaLangChain = await run(langchainAgent(OUTPUT, script));
    expect(viaLangChain.result.status, JSON.stringify(viaLangChain.result.error)).toBe('success');
    const nativeAgent = {
      ...langchainAgent(OUTPUT, script),
      execution: { backend: 'native', config: {} },
    } as Agent;
    const { engine, clock } = createAgentEngine({
      agents: [nativeAgent],
      backends: [createNativeAgentBackend()],
    });
    const handle = engine.start(agentWorkflow('agent:test/triage-bot@0.2.0'), {});
    await clock.runUntilIdle();
    const native = await handle.result;
    expect(viaLangChain.result.outputs).toEqual(native.outputs);
    expect(viaLangChain.calls.map((call) => call.input)).toEqual([{ number: 7 }]);
  });

  it('maps a LangChain failure to BACKEND_ERROR with the original error in details', async () => {
    const model = fakeModel().alwaysThrow(new TypeError('model exploded'));
    const { result } = await run(langchainAgent(), () => model);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      code: 'BACKEND_ERROR',
      details: { backend: 'langchain', original_error: 'model exploded', error_type: 'TypeError' },
    });
  });

  it("ends LangChain's loop at maxTurns with POLICY_VIOLATION", async () => {
    const model = fakeModel();
    for (let index = 0; index < 10; index++)
      model.respondWithTools([{ name: 'github_get_issue', args: { number: index } }]);
    const { result, calls } = await run(
      langchainAgent('planner: { strategy: react, maxTurns: 2 }'),
      () => model,
    );
    expect(result.error).toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { limit: 'maxTurns', value: 2 },
    });
    expect(calls.length).toBeLessThanOrEqual(2);
  });

  it('stops at maxToolCalls even though LangChain catches tool errors', async () => {
    const model = fakeModel()
      .respondWithTools([
        { name: 'github_get_issue', args: { number: 1 } },
        { name: 'github_get_issue', args: { number: 2 } },
      ])
      .respond(new AIMessage('done'));
    const { result, calls } = await run(
      langchainAgent('guardrails: { behavior: { maxToolCalls: 1 } }'),
      () => model,
    );
    expect(result.error).toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { limit: 'maxToolCalls', value: 1 },
    });
    expect(calls).toHaveLength(1);
  });

  it("asks a person before a requireConfirmation tool, inside LangChain's loop", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: 'github_close_issue', args: { number: 7 }, id: 'c1' }])
      .respond(new AIMessage('closed'));
    const agent = langchainAgent('guardrails: { behavior: { requireConfirmation: [close_issue] } }');
    const requested: string[] = [];
    const { engine, calls } = createAgentEngine({
      agents: [agent],
      backends: [createLangChainBackend({ chatModel: () => model })],
      engine: {
        clock: systemClock,
        approvals: { requested: (request) => void requested.push(request.interruptId) },
      },
    });
    const handle = engine.start(agentWorkflow('agent:test/triage-bot@0.2.0'), {});
    for await (const event of handle.events()) if (event.type === 'run.suspended') break;
    expect(calls).toHaveLength(0);
    expect(requested).toHaveLength(1);
    await handle.resolveInterrupt(requested[0]!, { approved: true });
    const result = await handle.result;
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(calls.map((call) => call.name)).toEqual(['github.close_issue']);
  });

  it('lets the native loop use any LangChain chat model as a provider', async () => {
    const model = fakeModel()
      .respondWithTools([{ name: 'github_get_issue', args: { number: 5 }, id: 't1' }])
      .respond(new AIMessage('Labelled.'));
    const agent = {
      ...langchainAgent(),
      execution: { backend: 'native', config: {} },
      model: { provider: 'lc', id: 'fake' },
    } as Agent;
    const { engine, clock, calls } = createAgentEngine({
      agents: [agent],
      backends: [createNativeAgentBackend({ providers: [langChainModelProvider('lc', model)] })],
    });
    const handle = engine.start(agentWorkflow('agent:test/triage-bot@0.2.0'), {});
    await clock.runUntilIdle();
    const result = await handle.result;
    expect(result.outputs.answer).toEqual({ response: 'Labelled.' });
    expect(calls.map((call) => call.input)).toEqual([{ number: 5 }]);
    expect(model.calls[1]!.messages.some((message) => message.getType() === 'tool')).toBe(true);
  });
});

describe('reverse adapters', () => {
  const echoWorkflow = workflowOf(`
name: issue-summary
description: Summarises an issue
inputs:
  number: { type: integer, required: true }
steps:
  - id: read
    connector: connector:test/github@1.0.0
    action: get_issue
    input: { number: "{{ inputs.number }}" }
outputs:
  title: { value: "{{ steps.read.output.title }}" }
  number: { value: "{{ steps.read.output.number }}" }
`);

  it('runs a workflow as a Runnable and as a tool', async () => {
    const { engine } = createAgentEngine({ agents: [], backends: [] });
    const runnable = await workflowAsRunnable(engine, echoWorkflow);
    expect(await runnable.invoke({ number: 3 })).toEqual({ title: 'Crash on start', number: 3 });
    const tool = await workflowAsTool(engine, echoWorkflow);
    expect(tool.name).toBe('issue_summary');
    expect(JSON.parse(String(await tool.invoke({ number: 4 })))).toEqual({
      title: 'Crash on start',
      number: 4,
    });
  });

  it('rejects with the run error when the workflow fails', async () => {
    const { engine } = createAgentEngine({ agents: [], backends: [] });
    const runnable = await workflowAsRunnable(engine, echoWorkflow);
    const error = await runnable.invoke({}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenWorkflowError);
    expect((error as OpenWorkflowError).code).toBe('VALIDATION');
  });

  it('runs a connector action as a LangChain tool named by the tool rule', async () => {
    const { engine, calls } = createAgentEngine({ agents: [], backends: [] });
    const connector = connectorOf(GITHUB);
    const tool = await actionAsTool(
      engine,
      connector,
      connector.actions.find((action) => action.name === 'add_label')!,
    );
    expect(tool.name).toBe('github_add_label');
    expect(JSON.parse(String(await tool.invoke({ number: 9, label: 'triage' })))).toEqual({
      labeled: 'triage',
    });
    expect(calls.map((call) => call.input)).toEqual([{ number: 9, label: 'triage' }]);
  });
});

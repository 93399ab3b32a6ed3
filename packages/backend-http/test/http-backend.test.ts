import { AIMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { createNativeAgentBackend } from '@openworkflow/agents';
import { agentOf, createAgentEngine, eventsOf, workflowOf } from '@openworkflow/agents/testing';
import { createLangChainBackend } from '@openworkflow/backend-langchain';
import { type Backend, systemClock } from '@openworkflow/core';
import type { Agent, Workflow } from '@openworkflow/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpBackend, type HttpBackendOptions } from '../src/http-backend.js';
import { type RemoteCall, type RemoteReply, startRemoteRuntime } from './remote-runtime.js';

const remotes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const remote of remotes.splice(0)) await remote.close();
});

async function remote(reply: (call: RemoteCall, index: number) => RemoteReply) {
  const server = await startRemoteRuntime(reply);
  remotes.push(server);
  return server;
}

const credentials = { resolve: async () => ({ RUNTIME_TOKEN: 'rt-secret-token' }) };

const REMOTE_AGENT = agentOf(`
schemaVersion: 0.1.0
type: agent
name: remote-bot
namespace: test
version: 1.0.0
model: { provider: openai, id: gpt-test }
execution: { backend: http }
`);

async function runOn(
  workflow: Workflow,
  backends: Backend[],
  agents: Agent[] = [REMOTE_AGENT],
  extra: Workflow[] = [],
) {
  const { engine, calls } = createAgentEngine({
    agents,
    backends,
    engine: { clock: systemClock, workflows: async (ref) => extra.find((w) => w.name === ref) },
  });
  const run = engine.start(workflow, {});
  const result = await run.result;
  return { result, events: await eventsOf(run), calls, run };
}

function httpBackend(url: string, options: Partial<HttpBackendOptions> = {}) {
  return createHttpBackend({
    endpoint: url,
    auth: { secret: 'RUNTIME_TOKEN' },
    credentials,
    retryInitialDelayMs: 5,
    ...options,
  });
}

const ACTION_STEP = workflowOf(`
name: delegated
steps:
  - id: fetch
    connector: connector:test/github@1.0.0
    action: get_issue
    backend: http
    input: { number: 12 }
outputs:
  title: { value: "{{ steps.fetch.output.title }}" }
`);

describe('the HTTP backend', () => {
  it('delegates an action step over the connector service contract with the auth header', async () => {
    const server = await remote(() => ({ json: { status: 'success', data: { title: 'Remote issue' } } }));
    const { result, calls } = await runOn(ACTION_STEP, [httpBackend(server.url)]);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.title).toBe('Remote issue');
    expect(calls).toHaveLength(0); // nothing ran locally
    const [call] = server.executes();
    expect(call!.body).toEqual({
      action: 'github.get_issue',
      connector: 'connector:test/github@1.0.0',
      input: { number: 12 },
    });
    expect(call!.headers.authorization).toBe('Bearer rt-secret-token');
    expect(call!.headers['idempotency-key']).toEqual(expect.any(String));
    expect(call!.headers['x-openworkflow-step-id']).toBe('fetch');
  });

  it('delegates an agent step and a whole subworkflow', async () => {
    const server = await remote((call) => ({
      json: { status: 'success', data: call.body.kind === 'agent' ? { category: 'bug' } : { done: true } },
    }));
    const child = workflowOf(`
name: child
inputs: { n: { type: integer } }
steps:
  - id: a
    connector: connector:test/github@1.0.0
    action: get_issue
    input: { number: "{{ inputs.n }}" }
`);
    const parent = workflowOf(`
name: parent
steps:
  - id: think
    type: agent
    agent: agent:test/remote-bot@1.0.0
    input: { issue: 3 }
  - id: sub
    type: workflow
    workflow: child
    backend: http
    input: { n: 4 }
outputs:
  category: { value: "{{ steps.think.output.category }}" }
  sub: { value: "{{ steps.sub.output }}" }
`);
    const { result } = await runOn(parent, [httpBackend(server.url)], [REMOTE_AGENT], [child]);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs).toEqual({ category: 'bug', sub: { done: true } });
    expect(server.executes().map((call) => call.body)).toEqual([
      { kind: 'agent', agent: 'agent:test/remote-bot@1.0.0', input: { issue: 3 } },
      { kind: 'workflow', workflow: 'child', inputs: { n: 4 } },
    ]);
  });

  it('keeps the remote error code and the connector code', async () => {
    const server = await remote(() => ({
      status: 422,
      json: { status: 'error', code: 'rate_limit', message: 'quota used up' },
    }));
    const { result } = await runOn(ACTION_STEP, [httpBackend(server.url, { maxAttempts: 1 })]);
    expect(result.error).toMatchObject({
      code: 'RATE_LIMITED',
      message: 'quota used up',
      details: { backend: 'http', connector_code: 'rate_limit', status: 422 },
    });
  });

  it('retries 503 and 429 (honouring retry-after) and then succeeds', async () => {
    const server = await remote((_call, index) =>
      index === 0
        ? { status: 503, text: 'busy' }
        : index === 1
          ? { status: 429, headers: { 'retry-after': '0' }, json: {} }
          : { json: { status: 'success', data: { title: 'third time' } } },
    );
    const { result } = await runOn(ACTION_STEP, [httpBackend(server.url)]);
    expect(result.outputs.title).toBe('third time');
    expect(server.executes()).toHaveLength(3);
    // Every attempt of one step carries the same idempotency key.
    expect(new Set(server.executes().map((call) => call.headers['idempotency-key'])).size).toBe(1);
  });

  it('gives up after maxAttempts with the last status mapped', async () => {
    const server = await remote(() => ({ status: 503, text: 'down' }));
    const { result } = await runOn(ACTION_STEP, [httpBackend(server.url, { maxAttempts: 2 })]);
    expect(result.error).toMatchObject({ code: 'UNAVAILABLE', details: { status: 503 } });
    expect(server.executes()).toHaveLength(2);
  });

  it('times out a slow remote with TIMEOUT', async () => {
    const server = await remote(() => ({ delayMs: 5_000, json: { status: 'success', data: {} } }));
    const { result } = await runOn(ACTION_STEP, [
      httpBackend(server.url, { timeoutMs: 100, maxAttempts: 1 }),
    ]);
    expect(result.error).toMatchObject({ code: 'TIMEOUT', details: { backend: 'http', timeout_ms: 100 } });
  });

  it('propagates cancellation: aborts the request and announces it', async () => {
    const server = await remote(() => ({ delayMs: 10_000, json: { status: 'success', data: {} } }));
    const { engine } = createAgentEngine({
      agents: [],
      backends: [httpBackend(server.url)],
      engine: { clock: systemClock },
    });
    const run = engine.start(ACTION_STEP, {});
    for await (const event of run.events()) {
      if (event.type === 'step.started') break;
    }
    // Wait until the remote has the request, then cancel.
    for (let tries = 0; tries < 200 && server.executes().length === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await run.cancel('user gave up');
    const result = await run.result;
    expect(result.status).toBe('canceled');
    for (let tries = 0; tries < 200 && !server.calls.some((call) => call.path === '/cancel'); tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const cancel = server.calls.find((call) => call.path === '/cancel');
    expect(cancel?.body).toMatchObject({
      requestId: server.executes()[0]!.headers['idempotency-key'],
      stepId: 'fetch',
    });
    expect(server.executes()[0]!.aborted).toBe(true);
  });

  it('fails PERMISSION_DENIED when the credential is missing', async () => {
    const server = await remote(() => ({ json: { status: 'success', data: {} } }));
    const backend = createHttpBackend({ endpoint: server.url, auth: { secret: 'NOPE' } });
    const { result } = await runOn(ACTION_STEP, [backend]);
    expect(result.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { secret: 'NOPE' } });
    expect(server.executes()).toHaveLength(0);
  });
});

describe('mixed backends in one run', () => {
  it('runs a native action, a native agent, a LangChain agent and an HTTP step together', async () => {
    const server = await remote((call) => ({
      json: { status: 'success', data: { notified: (call.body.input as { text: string }).text } },
    }));
    const nativeAgent = agentOf(`
schemaVersion: 0.1.0
type: agent
name: classifier
namespace: test
version: 1.0.0
model:
  provider: scripted
  id: m
  providerConfig:
    script:
      - toolCalls: [{ tool: github_get_issue, arguments: { number: 1 } }]
      - text: '{"category": "bug"}'
toolset: [connector:test/github@1.0.0]
io: { outputSchema: { type: object, required: [category] } }
`);
    const lcAgent = agentOf(`
schemaVersion: 0.1.0
type: agent
name: writer
namespace: test
version: 1.0.0
execution: { backend: langchain, runtimeHint: node }
model: { provider: fake, id: fake }
toolset: [connector:test/github@1.0.0]
`);
    const model = fakeModel()
      .respondWithTools([{ name: 'github_add_label', args: { number: 1, label: 'bug' } }])
      .respond(new AIMessage('Labelled as bug.'));
    const workflow = workflowOf(`
name: mixed
steps:
  - id: read
    connector: connector:test/github@1.0.0
    action: get_issue
    input: { number: 1 }
  - id: classify
    type: agent
    agent: agent:test/classifier@1.0.0
    input: { title: "{{ steps.read.output.title }}" }
  - id: write
    type: agent
    agent: agent:test/writer@1.0.0
    input: { category: "{{ steps.classify.output.category }}" }
  - id: notify
    connector: connector:test/github@1.0.0
    action: close_issue
    backend: http
    input: { number: 1, text: "{{ steps.write.output.response }}" }
outputs:
  category: { value: "{{ steps.classify.output.category }}" }
  notified: { value: "{{ steps.notify.output.notified }}" }
`);
    const { result, events, calls } = await runOn(
      workflow,
      [
        createNativeAgentBackend(),
        createLangChainBackend({ chatModel: () => model }),
        httpBackend(server.url),
      ],
      [nativeAgent, lcAgent],
    );
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs).toEqual({ category: 'bug', notified: 'Labelled as bug.' });
    // read (native action), classify's tool call (native agent), write's tool call (LangChain agent) ran locally…
    expect(calls.map((call) => call.name)).toEqual([
      'github.get_issue',
      'github.get_issue',
      'github.add_label',
    ]);
    // …and notify ran remotely.
    expect(server.executes()).toHaveLength(1);
    const usageBackends = events
      .filter((event) => event.type === 'agent.usage')
      .map((event) => [event.stepId, event.data.backend ?? 'native']);
    expect(usageBackends).toEqual([
      ['classify', 'native'],
      ['classify', 'native'],
      ['write', 'langchain'],
      ['write', 'langchain'],
    ]);
  });
});

import { OpenWorkflowError, systemClock } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { createNativeAgentBackend } from '../src/native-backend.js';
import { createOpenAIProvider } from '../src/providers/openai-provider.js';
import { agentOf, agentWorkflow, createAgentEngine, eventsOf } from '../src/testing.js';
import { fakeModelServers } from './fake-model-server.js';

const serve = fakeModelServers();

function openaiAgent(baseURL: string, config = 'streaming: false') {
  return agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model:
  provider: openai
  id: gpt-test
  temperature: 0.2
  maxTokens: 300
  providerConfig: { baseURL: "${baseURL}/v1", maxRetries: 2 }
execution: { backend: native, config: { ${config} } }
toolset: [connector:test/github@1.0.0]
systemPrompt: You triage issues.
io:
  outputSchema:
    type: object
    properties: { category: { type: string } }
    required: [category]
`);
}

const completion = (message: Record<string, unknown>, finish: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-test',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: null, ...message },
      finish_reason: finish,
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 50, completion_tokens: 7, total_tokens: 57 },
});

async function runWith(baseURL: string, config?: string) {
  const credentials = { resolve: async () => ({ OPENAI_API_KEY: 'sk-test-key' }) };
  // Real time: the SDK's HTTP calls and retry waits run on real timers.
  const { engine, calls } = createAgentEngine({
    agents: [openaiAgent(baseURL, config)],
    backends: [createNativeAgentBackend({ credentials })],
    engine: { clock: systemClock },
  });
  const run = engine.start(agentWorkflow('agent:test/triage-bot@0.2.0'), {});
  const result = await run.result;
  return { result, events: await eventsOf(run), calls };
}

describe('the OpenAI provider (real SDK, loopback server)', () => {
  it('runs a tool call round trip over Chat Completions', async () => {
    const server = await serve([
      {
        json: completion(
          {
            tool_calls: [
              {
                id: 'call_a',
                type: 'function',
                function: { name: 'github_get_issue', arguments: '{"number": 7}' },
              },
            ],
          },
          'tool_calls',
        ),
      },
      { json: completion({ content: '{"category": "bug"}' }, 'stop') },
    ]);
    const { result, events, calls } = await runWith(server.url);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.answer).toEqual({ category: 'bug' });
    expect(calls.map((call) => call.input)).toEqual([{ number: 7 }]);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first!.path).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe('Bearer sk-test-key');
    expect(first!.body).toMatchObject({ model: 'gpt-test', temperature: 0.2, max_tokens: 300 });
    expect(first!.body.tools).toContainEqual({
      type: 'function',
      function: expect.objectContaining({
        name: 'github_get_issue',
        parameters: expect.objectContaining({ type: 'object' }),
      }),
    });
    expect((first!.body.messages as { role: string }[])[0]!.role).toBe('system');
    const followUp = second!.body.messages as Record<string, unknown>[];
    expect(followUp.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_a' }] });
    expect(followUp.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_a' });
    expect(JSON.parse(String(followUp.at(-1)!.content))).toMatchObject({
      number: 7,
      title: 'Crash on start',
    });
    const usage = events.filter((event) => event.type === 'agent.usage');
    expect(usage.map((event) => [event.data.inputTokens, event.data.outputTokens])).toEqual([
      [50, 7],
      [50, 7],
    ]);
    // The key never reaches the log.
    expect(JSON.stringify(events)).not.toContain('sk-test-key');
  });

  it('streams text and tool-call deltas over SSE', async () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      data: {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-test',
        choices: [{ index: 0, delta, finish_reason: finish }],
      },
    });
    const usageChunk = {
      data: {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-test',
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
      },
    };
    const server = await serve([
      {
        sse: [
          chunk({
            role: 'assistant',
            tool_calls: [
              {
                index: 0,
                id: 'call_s',
                type: 'function',
                function: { name: 'github_get_issue', arguments: '' },
              },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"num' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'ber": 3}' } }] }),
          chunk({}, 'tool_calls'),
          usageChunk,
          { data: '[DONE]' },
        ],
      },
      {
        sse: [
          chunk({ role: 'assistant', content: '{"category": ' }),
          chunk({ content: '"question"}' }),
          chunk({}, 'stop'),
          usageChunk,
          { data: '[DONE]' },
        ],
      },
    ]);
    const { result, events, calls } = await runWith(server.url, 'streaming: true');
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.answer).toEqual({ category: 'question' });
    expect(calls.map((call) => call.input)).toEqual([{ number: 3 }]);
    expect(server.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const deltas = events.filter((event) => event.type === 'agent.delta').map((event) => event.data.text);
    expect(deltas).toEqual(['{"category": ', '"question"}']);
    expect(
      events.filter((event) => event.type === 'agent.usage').map((event) => event.data.totalTokens),
    ).toEqual([13, 13]);
  });

  it('retries a 429 after retry-after and succeeds', async () => {
    const server = await serve([
      {
        status: 429,
        headers: { 'retry-after-ms': '5' },
        json: { error: { type: 'rate_limit_exceeded', message: 'slow down' } },
      },
      { json: completion({ content: '{"category": "bug"}' }, 'stop') },
    ]);
    const { result } = await runWith(server.url);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(server.requests).toHaveLength(2);
  });

  it('maps API errors to the taxonomy with the status in details', async () => {
    const provider = createOpenAIProvider();
    const server = await serve([
      { status: 400, json: { error: { type: 'invalid_request_error', message: 'bad tool schema' } } },
      { status: 401, json: { error: { type: 'invalid_api_key', message: 'nope' } } },
      { status: 503, json: { error: { type: 'server_error', message: 'down' } } },
    ]);
    const request = {
      model: 'gpt-test',
      messages: [{ role: 'user' as const, content: 'hi' }],
      tools: [],
      settings: {},
      stream: false,
      signal: new AbortController().signal,
      apiKey: 'sk-x',
      providerConfig: { baseURL: `${server.url}/v1`, maxRetries: 0 },
    };
    const codes: [string, unknown][] = [];
    for (let index = 0; index < 3; index++) {
      const error = await provider.generate(request).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(OpenWorkflowError);
      codes.push([(error as OpenWorkflowError).code, (error as OpenWorkflowError).details.status]);
    }
    expect(codes).toEqual([
      ['VALIDATION', 400],
      ['PERMISSION_DENIED', 401],
      ['UNAVAILABLE', 503],
    ]);
  });

  it('reports an unreachable API as UNAVAILABLE', async () => {
    const server = await serve([]);
    // Closed now, so nothing listens; closing it again after the test is harmless.
    await server.close();
    const error = await createOpenAIProvider()
      .generate({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [],
        settings: {},
        stream: false,
        signal: new AbortController().signal,
        apiKey: 'sk-x',
        providerConfig: { baseURL: `${server.url}/v1`, maxRetries: 0 },
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { provider: 'openai' } });
  });
});

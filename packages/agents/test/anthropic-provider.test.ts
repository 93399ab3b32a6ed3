import { OpenWorkflowError, systemClock } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { createNativeAgentBackend } from '../src/native-backend.js';
import { createAnthropicProvider } from '../src/providers/anthropic-provider.js';
import { agentOf, agentWorkflow, createAgentEngine, eventsOf } from '../src/testing.js';
import { fakeModelServers } from './fake-model-server.js';

const serve = fakeModelServers();

function claudeAgent(baseURL: string, config = 'streaming: false') {
  return agentOf(`
schemaVersion: 0.1.0
type: agent
name: triage-bot
namespace: test
version: 0.2.0
model:
  provider: anthropic
  id: claude-test
  topK: 5
  providerConfig: { baseURL: "${baseURL}", maxRetries: 2 }
execution: { backend: native, config: { ${config} } }
toolset: [connector:test/github@1.0.0]
systemPrompt: You triage issues.
`);
}

const message = (content: unknown[], stop: string) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-test',
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage: { input_tokens: 40, output_tokens: 6 },
});

async function runWith(baseURL: string, config?: string) {
  const credentials = { resolve: async () => ({ ANTHROPIC_API_KEY: 'sk-ant-test' }) };
  const { engine, calls } = createAgentEngine({
    agents: [claudeAgent(baseURL, config)],
    backends: [createNativeAgentBackend({ credentials })],
    engine: { clock: systemClock },
  });
  const run = engine.start(agentWorkflow('agent:test/triage-bot@0.2.0'), {});
  const result = await run.result;
  return { result, events: await eventsOf(run), calls };
}

describe('the Anthropic provider (real SDK, loopback server)', () => {
  it('runs a tool_use round trip over the Messages API', async () => {
    const server = await serve([
      {
        json: message(
          [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'toolu_1', name: 'github_get_issue', input: { number: 7 } },
          ],
          'tool_use',
        ),
      },
      { json: message([{ type: 'text', text: 'It is a crash bug.' }], 'end_turn') },
    ]);
    const { result, events, calls } = await runWith(server.url);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.answer).toEqual({ response: 'It is a crash bug.' });
    expect(calls.map((call) => call.input)).toEqual([{ number: 7 }]);
    const [first, second] = server.requests;
    expect(first!.path).toBe('/v1/messages');
    // The SDK sends the key as `x-api-key` or as a bearer token, depending on its version.
    expect(`${first!.headers['x-api-key'] ?? first!.headers.authorization}`).toContain('sk-ant-test');
    expect(first!.body).toMatchObject({
      model: 'claude-test',
      max_tokens: 4096,
      top_k: 5,
      system: 'You triage issues.',
    });
    expect(first!.body.tools).toContainEqual(
      expect.objectContaining({
        name: 'github_add_label',
        input_schema: expect.objectContaining({ type: 'object' }),
      }),
    );
    const followUp = second!.body.messages as { role: string; content: { type: string }[] }[];
    expect(followUp.map((entry) => entry.role)).toEqual(['user', 'assistant', 'user']);
    expect(followUp[1]!.content.map((block) => block.type)).toEqual(['text', 'tool_use']);
    expect(followUp[2]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1' });
    expect(
      events.filter((event) => event.type === 'agent.usage').map((event) => event.data.totalTokens),
    ).toEqual([46, 46]);
    expect(JSON.stringify(events)).not.toContain('sk-ant-test');
  });

  it('streams text and tool input deltas from raw stream events', async () => {
    const event = (type: string, data: Record<string, unknown>) => ({ event: type, data: { type, ...data } });
    const start = event('message_start', {
      message: {
        ...message([], 'end_turn'),
        stop_reason: null,
        usage: { input_tokens: 11, output_tokens: 1 },
      },
    });
    const server = await serve([
      {
        sse: [
          start,
          event('content_block_start', {
            index: 0,
            content_block: { type: 'tool_use', id: 'toolu_s', name: 'github_get_issue', input: {} },
          }),
          event('content_block_delta', {
            index: 0,
            delta: { type: 'input_json_delta', partial_json: '{"number"' },
          }),
          event('content_block_delta', {
            index: 0,
            delta: { type: 'input_json_delta', partial_json: ': 9}' },
          }),
          event('content_block_stop', { index: 0 }),
          event('message_delta', {
            delta: { stop_reason: 'tool_use', stop_sequence: null },
            usage: { output_tokens: 8 },
          }),
          event('message_stop', {}),
        ],
      },
      {
        sse: [
          start,
          event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
          event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Needs ' } }),
          event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'triage.' } }),
          event('content_block_stop', { index: 0 }),
          event('message_delta', {
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            usage: { output_tokens: 3 },
          }),
          event('message_stop', {}),
        ],
      },
    ]);
    const { result, events, calls } = await runWith(server.url, 'streaming: true');
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(result.outputs.answer).toEqual({ response: 'Needs triage.' });
    expect(calls.map((call) => call.input)).toEqual([{ number: 9 }]);
    expect(server.requests[0]!.body.stream).toBe(true);
    expect(events.filter((entry) => entry.type === 'agent.delta').map((entry) => entry.data.text)).toEqual([
      'Needs ',
      'triage.',
    ]);
    expect(
      events.filter((entry) => entry.type === 'agent.usage').map((entry) => entry.data.outputTokens),
    ).toEqual([8, 3]);
  });

  it('retries a 429 after retry-after and succeeds', async () => {
    const server = await serve([
      {
        status: 429,
        headers: { 'retry-after-ms': '5' },
        json: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
      },
      { json: message([{ type: 'text', text: 'ok' }], 'end_turn') },
    ]);
    const { result } = await runWith(server.url);
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(server.requests).toHaveLength(2);
  });

  it('maps API errors to the taxonomy, with the provider error type', async () => {
    const server = await serve([
      { status: 429, json: { type: 'error', error: { type: 'rate_limit_error', message: 'slow' } } },
      { status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'overloaded' } } },
      { status: 400, json: { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } } },
    ]);
    const provider = createAnthropicProvider();
    const results: [string, unknown, unknown][] = [];
    for (let index = 0; index < 3; index++) {
      const error = await provider
        .generate({
          model: 'claude-test',
          messages: [{ role: 'user', content: 'hi' }],
          tools: [],
          settings: {},
          stream: false,
          signal: new AbortController().signal,
          apiKey: 'k',
          providerConfig: { baseURL: server.url, maxRetries: 0 },
        })
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(OpenWorkflowError);
      const failure = error as OpenWorkflowError;
      results.push([failure.code, failure.details.status, failure.details.provider_error_type]);
    }
    expect(results).toEqual([
      ['RATE_LIMITED', 429, 'rate_limit_error'],
      ['UNAVAILABLE', 529, 'overloaded_error'],
      ['VALIDATION', 400, 'invalid_request_error'],
    ]);
  });
});

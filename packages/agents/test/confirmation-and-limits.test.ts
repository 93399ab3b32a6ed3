import { type ApprovalRequest, InMemoryRunStore, type RunEvent } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { createNativeAgentBackend } from '../src/native-backend.js';
import { agentOf, agentWorkflow, createAgentEngine, eventsOf } from '../src/testing.js';
import { TokenBucket } from '../src/token-bucket.js';

const CONFIRMING_AGENT = agentOf(`
schemaVersion: 0.1.0
type: agent
name: closer
namespace: test
version: 1.0.0
model:
  provider: scripted
  id: m
  providerConfig:
    script:
      - toolCalls: [{ tool: github_close_issue, arguments: { number: 7 } }]
      - text: finished
toolset: [connector:test/github@1.0.0]
guardrails:
  behavior:
    requireConfirmation: [close_issue]
execution:
  backend: native
  config: { timeout: 60 }
`);

async function startConfirming() {
  const requested: ApprovalRequest[] = [];
  const { engine, clock, calls } = createAgentEngine({
    agents: [CONFIRMING_AGENT],
    backends: [createNativeAgentBackend()],
    engine: {
      approvals: { requested: (request) => void requested.push(request) },
      defaults: { timeoutMs: 60_000 },
    },
  });
  const run = engine.start(agentWorkflow('agent:test/closer@1.0.0'), {});
  // External waits (approvals) are left alone: the run must suspend, not time out.
  await clock.runUntilIdle({ external: false });
  return { run, clock, calls, requested };
}

const types = (events: RunEvent[]) => events.map((event) => event.type);

describe('requireConfirmation', () => {
  it('suspends the run as an approval interrupt and runs the tool once approved', async () => {
    const { run, clock, calls, requested } = await startConfirming();
    expect(calls).toHaveLength(0);
    expect(requested).toHaveLength(1);
    expect(requested[0]!.message).toMatchObject({ tool: 'github_close_issue', arguments: { number: 7 } });
    // Hours pass while nobody answers: the agent's 60 s time limit is paused meanwhile.
    await clock.advance(3_600_000);
    await run.resolveInterrupt(requested[0]!.interruptId, { approved: true, by: 'maintainer' });
    await clock.runUntilIdle({ external: false });
    const result = await run.result;
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(calls.map((call) => call.name)).toEqual(['github.close_issue']);
    const events = await eventsOf(run);
    const requestedEvent = events.find((event) => event.type === 'interrupt.requested')!;
    expect(requestedEvent.data).toMatchObject({ kind: 'tool-confirmation', stepId: 'think' });
    expect(requestedEvent.data.interruptId).toBe(requested[0]!.interruptId);
    const order = types(events);
    expect(order.indexOf('run.suspended')).toBeGreaterThan(order.indexOf('interrupt.requested'));
    expect(order.indexOf('interrupt.resolved')).toBeLessThan(order.indexOf('agent.tool-call'));
    expect(events.find((event) => event.type === 'agent.tool-call')!.data).toMatchObject({
      status: 'success',
      interruptId: requested[0]!.interruptId,
    });
  });

  it('tells the model when a person declines, without running the tool', async () => {
    const { run, clock, calls, requested } = await startConfirming();
    await run.resolveInterrupt(requested[0]!.interruptId, { approved: false, by: 'maintainer' });
    await clock.runUntilIdle({ external: false });
    const result = await run.result;
    expect(result.status).toBe('success');
    expect(result.outputs.answer).toEqual({ response: 'finished' });
    expect(calls).toHaveLength(0);
    const events = await eventsOf(run);
    expect(events.find((event) => event.type === 'agent.tool-call')!.data).toMatchObject({
      status: 'rejected',
      reason: 'rejected',
    });
  });

  it('a run suspended on a confirmation resumes on another engine and asks nothing twice', async () => {
    const store = new InMemoryRunStore();
    const requested: ApprovalRequest[] = [];
    const first = createAgentEngine({
      agents: [CONFIRMING_AGENT],
      backends: [createNativeAgentBackend()],
      engine: { store, approvals: { requested: (request) => void requested.push(request) } },
    });
    const run = first.engine.start(agentWorkflow('agent:test/closer@1.0.0'), {});
    await first.clock.runUntilIdle({ external: false });
    expect(requested).toHaveLength(1);
    await first.engine.close();

    const second = createAgentEngine({
      agents: [CONFIRMING_AGENT],
      backends: [createNativeAgentBackend()],
      engine: { store, approvals: { requested: (request) => void requested.push(request) } },
    });
    const resumed = await second.engine.resume(run.id);
    await second.clock.runUntilIdle({ external: false });
    // The re-run agent reached the same confirmation and found it already requested.
    expect(requested).toHaveLength(1);
    await second.engine.resolveInterrupt(run.id, requested[0]!.interruptId, { approved: true });
    await second.clock.runUntilIdle({ external: false });
    const result = await resumed.result;
    expect(result.status, JSON.stringify(result.error)).toBe('success');
    expect(first.calls).toHaveLength(0);
    expect(second.calls.map((call) => call.name)).toEqual(['github.close_issue']);
    const events = await eventsOf(resumed);
    expect(events.filter((event) => event.type === 'interrupt.requested')).toHaveLength(1);
  });

  it('cancelling a run that waits for a confirmation cancels the step', async () => {
    const { run, clock, calls } = await startConfirming();
    await run.cancel('no longer needed');
    await clock.runUntilIdle({ external: false });
    const result = await run.result;
    expect(result.status).toBe('canceled');
    expect(calls).toHaveLength(0);
  });
});

describe('rate limits', () => {
  const loopingAgent = (policies: string) =>
    agentOf(`
schemaVersion: 0.1.0
type: agent
name: busy
namespace: test
version: 1.0.0
model:
  provider: scripted
  id: m
  providerConfig:
    script:
      - toolCalls: [{ tool: github_get_issue, arguments: { number: 1 } }]
        usage: { inputTokens: 600, outputTokens: 0 }
      - toolCalls: [{ tool: github_get_issue, arguments: { number: 2 } }]
        usage: { inputTokens: 600, outputTokens: 0 }
      - text: done
        usage: { inputTokens: 10, outputTokens: 0 }
toolset: [connector:test/github@1.0.0]
policies: ${policies}
`);

  async function usageTimes(policies: string): Promise<number[]> {
    const { engine, clock } = createAgentEngine({
      agents: [loopingAgent(policies)],
      backends: [createNativeAgentBackend()],
    });
    const started = clock.now();
    const run = engine.start(agentWorkflow('agent:test/busy@1.0.0'), {});
    await clock.runUntilIdle();
    expect((await run.result).status).toBe('success');
    return (await eventsOf(run))
      .filter((event) => event.type === 'agent.usage')
      .map((event) => event.time - started);
  }

  it('holds requests per minute with a token bucket on the engine clock', async () => {
    // Two requests fit the bucket; the third waits for one token: 60 000 / 2 ms.
    expect(await usageTimes('{ rateLimit: { rpm: 2 } }')).toEqual([0, 0, 30_000]);
  });

  it('holds tokens per minute: a call waits until the previous calls are paid off', async () => {
    // 1000 tokens per minute; the first two calls use 1200, so the third waits for 200 tokens (12 s).
    expect(await usageTimes('{ rateLimit: { tokensPerMinute: 1000 } }')).toEqual([0, 0, 12_000]);
  });

  it('does not wait without limits', async () => {
    expect(await usageTimes('{ safety: medium }')).toEqual([0, 0, 0]);
  });
});

describe('TokenBucket', () => {
  it('refills continuously up to its capacity', async () => {
    let now = 0;
    const slept: number[] = [];
    const clock = {
      now: () => now,
      async sleep(ms: number) {
        slept.push(ms);
        now += ms;
      },
    };
    const bucket = new TokenBucket(60, clock);
    expect(await bucket.take(60)).toBe(0);
    expect(await bucket.take(1)).toBe(1000);
    now += 600_000;
    expect(bucket.available).toBe(60);
    bucket.charge(90);
    expect(bucket.available).toBe(-30);
    expect(await bucket.take(0)).toBe(30_000);
    expect(slept).toEqual([1000, 30_000]);
  });
});

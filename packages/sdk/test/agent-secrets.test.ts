/**
 * Security case SEC-13: a secret used as a prompt variable of an agent step. The model provider
 * receives the real value (the agent needs it); every event, live and stored, every log line and
 * the result show `[REDACTED:<name>]` instead — including when the model repeats the secret in its
 * answer.
 */
import { createNativeAgentBackend, type ModelProvider, type ModelRequest } from '@openworkflow/agents';
import { agentsFrom, type RunEvent } from '@openworkflow/core';
import { loadAgent } from '@openworkflow/schemas';
import { findSecretLeaks } from '@openworkflow/secrets';
import { describe, expect, it } from 'vitest';
import { OpenWorkflow, Workflows } from '../src/index.js';

const CANARY = 'owcanary-prompt-V7sK2pQ9xM4t';

/** A model that records what it was asked and, on its last turn, repeats the secret it saw. */
function recordingModel(requests: ModelRequest[]): ModelProvider {
  return {
    name: 'recording',
    async generate(request) {
      requests.push(request);
      const prompt = JSON.stringify(request.messages);
      const seen = prompt.includes(CANARY) ? CANARY : 'nothing';
      return { text: `I was told ${seen}`, toolCalls: [], usage: { inputTokens: 10, outputTokens: 5 } };
    },
  };
}

const agentDocument = `
schemaVersion: 0.1.0
type: agent
name: helper
namespace: sec
version: 1.0.0
model:
  provider: recording
  id: recorder-v1
systemPrompt: Answer briefly.
toolset: []
`;

const workflowDocument = `
workflows:
  - name: Prompted
    steps:
      - id: think
        type: agent
        agent: agent:sec/helper@1.0.0
        input:
          question: "Use the token {{ secrets.API_TOKEN }} to answer"
    outputs:
      answer: { value: "{{ steps.think.output }}" }
`;

describe('SEC-13: a secret as a prompt variable of an agent step', () => {
  it('reaches the provider in clear and no event, log line or result', async () => {
    const agent = loadAgent(agentDocument);
    if (!agent.ok || agent.value === undefined) throw new Error('agent document did not load');
    const requests: ModelRequest[] = [];
    const lines: string[] = [];
    const openworkflow = new OpenWorkflow({
      secretsManager: { get: (name: string) => (name === 'API_TOKEN' ? CANARY : undefined) },
      agents: agentsFrom([agent.value]),
      backends: [createNativeAgentBackend({ providers: [recordingModel(requests)] })],
      observability: {
        logs: { level: 'debug', destination: { write: (line: string) => void lines.push(line) } },
      },
    });
    try {
      const workflows = Workflows.fromString(workflowDocument, { openworkflow });
      const run = workflows.start('Prompted', {});
      const live: RunEvent[] = [];
      for await (const event of run.events()) live.push(event);
      const result = await run.result;

      expect(result.status).toBe('success');
      // The provider needs the real value, and got it.
      expect(requests.length).toBeGreaterThan(0);
      expect(JSON.stringify(requests[0]!.messages)).toContain(CANARY);

      const stored = await (await openworkflow.engine()).store.readEvents(run.id);
      const sinks = {
        live: JSON.stringify(live),
        stored: JSON.stringify(stored),
        logs: lines.join(''),
        result: JSON.stringify(result),
      };
      for (const [sink, text] of Object.entries(sinks)) {
        expect({ sink, leaks: findSecretLeaks(text, CANARY) }).toEqual({ sink, leaks: [] });
      }
      // Redacted, not merely absent: the model's echo of the secret shows the placeholder.
      expect(JSON.stringify(result.outputs)).toContain('[REDACTED:API_TOKEN]');
      expect(sinks.stored).toContain('[REDACTED:API_TOKEN]');
      expect(lines.length).toBeGreaterThan(0);
    } finally {
      await openworkflow.close();
    }
  }, 60_000);
});

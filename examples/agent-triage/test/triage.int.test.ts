// Runs the triage bot with a real model. Excluded from `pnpm test`; run with `pnpm test:int` and
// ANTHROPIC_API_KEY or OPENAI_API_KEY set.
import { describe, expect, it } from 'vitest';
import { createTriage, type TriageModel } from '../src/triage.js';

const model: TriageModel | undefined = process.env.ANTHROPIC_API_KEY
  ? 'anthropic'
  : process.env.OPENAI_API_KEY
    ? 'openai'
    : undefined;

describe.runIf(model !== undefined)(`the agent-triage example with ${model ?? 'no'} provider`, () => {
  it('triages issue 42 with a real model and returns the output schema', async () => {
    const credentials = {
      resolve: async (names: readonly string[]) =>
        Object.fromEntries(
          names.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
        ),
    };
    const triage = await createTriage({ model: model!, credentials });
    try {
      const { result, events } = await triage.run('https://github.example/acme/app/issues/42');
      expect(result.status, JSON.stringify(result.error)).toBe('success');
      expect(typeof result.outputs.category).toBe('string');
      expect(
        events.some((event) => event.type === 'agent.tool-call' && event.data.tool === 'mcp_get_issue'),
      ).toBe(true);
    } finally {
      await triage.close();
    }
  });
});

/** The README's example runs: its agent and workflow give exactly the outputs it shows. */
import { readFileSync } from 'node:fs';
import { agentsFrom, createEngine } from '@openworkflow/core';
import { loadAgent, loadWorkflows } from '@openworkflow/schemas';
import { expect, it } from 'vitest';
import { createNativeAgentBackend } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({
  lang: match[1],
  body: match[2]!,
}));

it('the README agent runs as a workflow step with the outputs it shows', async () => {
  const [agentText, workflowText] = blocks
    .filter((block) => block.lang === 'yaml')
    .map((block) => block.body);
  const agent = loadAgent(agentText!);
  const workflows = loadWorkflows(workflowText!);
  expect(agent.ok && workflows.ok).toBe(true);
  const engine = createEngine({ agents: agentsFrom([agent.value!]), backends: [createNativeAgentBackend()] });
  const result = await engine.start(workflows.value![0]!, {}).result;
  const shown = JSON.parse(blocks.find((block) => block.lang === 'json')!.body);
  expect(result.status, JSON.stringify(result.error)).toBe('success');
  expect(result.outputs).toEqual(shown);
});

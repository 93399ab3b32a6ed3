/**
 * Agent-step overhead: the native tool loop against the LangChain backend (LangChain's own agent
 * loop, `createAgent`) on the same scripted 5-turn conversation (4 tool calls, then the answer),
 * in one process, on the same engine, tools and scripted model. Prints process CPU µs per agent
 * step (median of repetitions after a warm-up) and the ratio. Run with
 * `pnpm --filter @openworkflow/backend-langchain bench`.
 */
import { cpus } from 'node:os';
import { createNativeAgentBackend } from '@openworkflow/agents';
import { createLangChainBackend } from '@openworkflow/backend-langchain';
import {
  agentsFrom,
  type Backend,
  connectorsFrom,
  createEngine,
  type HandlerExecutor,
} from '@openworkflow/core';
import type { Agent, Connector, Workflow } from '@openworkflow/schemas';
import { loadAgent, loadConnector, loadWorkflows } from '@openworkflow/schemas';

const RUNS_PER_SAMPLE = 20;
const SAMPLES = 15;
const WARMUP_SAMPLES = 3;

const connector = loadConnector(`
connector: { type: connector, kind: sdk, name: kb, namespace: bench, version: 1.0.0, displayName: KB, description: Lookups }
actions:
  - name: lookup
    description: Looks a key up
    input: { type: object, properties: { key: { type: string } }, required: [key] }
    handler: { function: kb.lookup }
`).value as Connector;

const script = [
  ...['alpha', 'beta', 'gamma', 'delta'].map((key) => ({
    toolCalls: [{ tool: 'kb_lookup', arguments: { key } }],
  })),
  { text: '{"summary": "four keys looked up"}' },
];

function agentOn(backend: string): Agent {
  return loadAgent({
    schemaVersion: '0.1.0',
    type: 'agent',
    name: `bench-${backend}`,
    namespace: 'bench',
    version: '1.0.0',
    execution: backend === 'langchain' ? { backend, runtimeHint: 'node' } : { backend },
    model: { provider: 'scripted', id: 'bench', providerConfig: { script } },
    toolset: ['connector:bench/kb@1.0.0'],
    systemPrompt: 'Look the keys up, then summarise.',
    io: { outputSchema: { type: 'object', required: ['summary'] } },
  }).value as Agent;
}

function workflowFor(backend: string): Workflow {
  return (
    loadWorkflows({
      name: `bench-${backend}`,
      steps: [
        { id: 'think', type: 'agent', agent: `agent:bench/bench-${backend}@1.0.0`, input: { keys: 4 } },
      ],
      outputs: { summary: { value: '{{ steps.think.output.summary }}' } },
    }).value as readonly Workflow[]
  )[0]!;
}

const lookup: HandlerExecutor = {
  type: 'function',
  execute: async ({ input }) => ({ key: input.key ?? null, value: 42 }),
};
const backends: Backend[] = [createNativeAgentBackend(), createLangChainBackend()];
const engine = createEngine({
  connectors: connectorsFrom([connector]),
  agents: agentsFrom([agentOn('native'), agentOn('langchain')]),
  handlers: [lookup],
  backends,
});

async function sample(workflow: Workflow): Promise<number> {
  const before = process.cpuUsage();
  for (let run = 0; run < RUNS_PER_SAMPLE; run++) {
    const result = await engine.start(workflow, {}).result;
    if (result.status !== 'success' || result.outputs.summary !== 'four keys looked up') {
      throw new Error(`benchmark run failed: ${JSON.stringify(result.error ?? result.outputs)}`);
    }
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / RUNS_PER_SAMPLE;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const contenders = { native: workflowFor('native'), langchain: workflowFor('langchain') };
const results: Record<string, number[]> = { native: [], langchain: [] };
for (let index = 0; index < WARMUP_SAMPLES; index++)
  for (const workflow of Object.values(contenders)) await sample(workflow);
// Alternate the contenders so drift on a shared machine hits both alike.
for (let index = 0; index < SAMPLES; index++) {
  for (const [name, workflow] of Object.entries(contenders)) results[name]!.push(await sample(workflow));
}
const native = median(results.native!);
const langchain = median(results.langchain!);
console.log(
  `agent step, scripted 5-turn conversation (4 tool calls), ${RUNS_PER_SAMPLE} runs x ${SAMPLES} samples`,
);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`);
console.log(`native loop     ${native.toFixed(0).padStart(8)} µs CPU per agent step (whole run)`);
console.log(`LangChain loop  ${langchain.toFixed(0).padStart(8)} µs CPU per agent step (whole run)`);
console.log(`ratio LangChain / native: ${(langchain / native).toFixed(2)}x`);

/**
 * Agent steps through the SDK without wiring an engine by hand: `registerAgent`, the native agent
 * backend registered on first need, model providers and their keys from the secrets manager, and
 * `loadProject`'s sibling `agents/` directory (spec/sdk.md §1, §7).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelProvider, ModelRequest } from '@openworkflow/agents';
import type { Backend } from '@openworkflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject, OpenWorkflow, OpenWorkflowError, Workflows } from '../src/index.js';
import { runRecordingModules } from './modules-loaded.js';

const NOTES_CONNECTOR = `connector:
  type: connector
  kind: sdk
  name: notes
  namespace: demo
  version: 1.0.0
  displayName: Notes
  description: Looks notes up
actions:
  - name: lookup
    description: The note about a topic
    input:
      type: object
      properties: { topic: { type: string } }
      required: [topic]
    handler: { function: notes.lookup }
`;

/** The manifest form, played by the scripted provider: one tool call, then a structured answer. */
const HELPER_AGENT = `schemaVersion: 0.1.0
type: agent
name: helper
namespace: demo
version: 1.0.0
model:
  provider: scripted
  id: helper-v1
  providerConfig:
    script:
      - toolCalls: [{ tool: notes_lookup, arguments: { topic: tides } }]
      - text: '{"summary": "tides follow the moon"}'
toolset:
  - connector:demo/notes@1.0.0
io:
  outputSchema:
    type: object
    properties: { summary: { type: string } }
    required: [summary]
`;

const FLOW = `workflows:
  - name: Summarise
    inputs:
      topic: { type: string, required: true }
    steps:
      - id: think
        type: agent
        agent: agent:demo/helper@1.0.0
        input: { topic: "{{ inputs.topic }}" }
    outputs:
      summary: { value: "{{ steps.think.output.summary }}" }
`;

const PLAIN_FLOW = `workflows:
  - name: Plain
    steps:
      - id: shape
        type: transform
        language: jsonata
        expression: '{"ok": true}'
    outputs:
      ok: { value: "{{ steps.shape.output.ok }}" }
`;

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ow-sdk-agents-'));
  await mkdir(join(directory, 'project/connectors'), { recursive: true });
  await mkdir(join(directory, 'project/agents'), { recursive: true });
  await writeFile(join(directory, 'project/connectors/notes.yaml'), NOTES_CONNECTOR);
  await writeFile(join(directory, 'project/agents/helper.yaml'), HELPER_AGENT);
  await writeFile(join(directory, 'project/agents/README.txt'), 'not a document');
  await writeFile(join(directory, 'project/flow.yaml'), FLOW);
  await writeFile(
    join(directory, 'project/openworkflow.config.mjs'),
    "export default { handlers: { 'notes.lookup': ({ topic }) => ({ note: topic + ' follow the moon' }) } };\n",
  );
  await writeFile(join(directory, 'helper.yaml'), HELPER_AGENT);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

function notesInstance(options: ConstructorParameters<typeof OpenWorkflow>[0] = {}): OpenWorkflow {
  const openworkflow = new OpenWorkflow({ isolated: true, ...options });
  openworkflow.registerHandler('notes.lookup', ({ topic }: { topic: string }) => ({
    note: `${topic} follow the moon`,
  }));
  return openworkflow;
}

describe('agent steps through the SDK', () => {
  it('registerAgent from a file runs an agent step on the default native backend', async () => {
    const openworkflow = notesInstance();
    try {
      await openworkflow.registerConnector(notesFile());
      const agent = await openworkflow.registerAgent('helper.yaml', { baseDir: directory });
      expect(agent.id).toBe('agent:demo/helper@1.0.0');
      expect(openworkflow.agents.map((each) => each.name)).toEqual(['helper']);
      expect(await openworkflow.agent('demo/helper')).toBe(agent);

      const workflows = Workflows.fromString(FLOW, { openworkflow });
      // Validation sees the backend too: an agent step is not reported as lacking one.
      expect(await workflows.validate('Summarise')).toEqual({ valid: true, issues: [] });
      const run = workflows.start('Summarise', { topic: 'tides' });
      const types: string[] = [];
      for await (const event of run.events()) types.push(event.type);
      const result = await run.result;
      expect(result.status).toBe('success');
      expect(result.outputs).toEqual({ summary: 'tides follow the moon' });
      // The tool loop ran: the model called the connector action as a tool.
      expect(types).toContain('agent.tool-call');
      expect((await openworkflow.engine()).backends.get('native')?.capabilities).toEqual(['agent']);
    } finally {
      await openworkflow.close();
    }
  });

  it('registerAgent takes the formal form as an object and a file URL', async () => {
    const openworkflow = notesInstance();
    try {
      const formal = await openworkflow.registerAgent({
        agent: { id: 'agent:demo/formal-helper@1.0.0' },
        model: { provider: 'scripted', name: 'formal-v1' },
        instructions: { system: 'Answer briefly.' },
        tools: [],
        runtime: 'any',
      });
      expect(formal.form).toBe('formal');
      expect(formal.name).toBe('formal-helper');
      const fromUrl = await openworkflow.registerAgent(pathToFileURL(join(directory, 'helper.yaml')));
      expect(fromUrl.form).toBe('manifest');
      // A second registration under the same id is refused unless replacing.
      const again = await openworkflow.registerAgent(join(directory, 'helper.yaml')).catch((e) => e);
      expect(OpenWorkflowError.is(again) && again.code).toBe('VALIDATION');
      await openworkflow.registerAgent(join(directory, 'helper.yaml'), { replace: true });
      expect(openworkflow.agents).toHaveLength(2);
    } finally {
      await openworkflow.close();
    }
  });

  it('a bad agent document is VALIDATION with the position of its first error', async () => {
    const file = join(directory, 'broken.yaml');
    await writeFile(file, 'schemaVersion: 0.1.0\ntype: agent\nname: broken\nmodel:\n  id: 7\ntoolset: []\n');
    const openworkflow = new OpenWorkflow();
    try {
      const error = await openworkflow.registerAgent(file).catch((caught: unknown) => caught);
      expect(OpenWorkflowError.is(error) && error.code).toBe('VALIDATION');
      expect((error as Error).message).toMatch(/broken\.yaml:\d+:\d+/);
      const diagnostics = (error as OpenWorkflowError).details?.diagnostics as { line?: number }[];
      expect(diagnostics[0]?.line).toBeGreaterThan(0);
    } finally {
      await openworkflow.close();
    }
  });

  it('agentProviders reach the default backend and read their API key from the secrets manager', async () => {
    const requests: ModelRequest[] = [];
    const byok: ModelProvider = {
      name: 'byok',
      defaultApiKeySecret: 'BYOK_API_KEY',
      async generate(request) {
        requests.push(request);
        return { text: '{"summary": "from byok"}', toolCalls: [] };
      },
    };
    const openworkflow = notesInstance({
      agentProviders: [byok],
      secretsManager: { get: (name: string) => (name === 'BYOK_API_KEY' ? 'sk-test-owned' : undefined) },
    });
    try {
      await openworkflow.registerConnector(notesFile());
      await openworkflow.registerAgent({
        schemaVersion: '0.1.0',
        type: 'agent',
        name: 'helper',
        namespace: 'demo',
        version: '1.0.0',
        model: { provider: 'byok', id: 'byok-1' },
        toolset: [],
        io: { outputSchema: { type: 'object', properties: { summary: { type: 'string' } } } },
      });
      const result = await Workflows.fromString(FLOW, { openworkflow }).execute('Summarise', { topic: 'x' });
      expect(result.status).toBe('success');
      expect(result.outputs).toEqual({ summary: 'from byok' });
      expect(requests.map((request) => request.apiKey)).toEqual(['sk-test-owned']);
    } finally {
      await openworkflow.close();
    }
  });

  it('a backend named native given by the caller is used instead of the default', async () => {
    const seen: string[] = [];
    const own: Backend = {
      name: 'native',
      version: '1.0.0',
      capabilities: ['agent'],
      async execute(request) {
        seen.push(request.kind === 'agent' ? request.agentRef : request.kind);
        return { summary: 'own backend' };
      },
    };
    const openworkflow = notesInstance({ backends: [own] });
    try {
      await openworkflow.registerAgent(join(directory, 'helper.yaml'));
      const result = await Workflows.fromString(FLOW, { openworkflow }).execute('Summarise', { topic: 'x' });
      expect(result.outputs).toEqual({ summary: 'own backend' });
      expect(seen).toEqual(['agent:demo/helper@1.0.0']);
    } finally {
      await openworkflow.close();
    }
  });

  it('the agents resolver option still answers what registerAgent did not register', async () => {
    const openworkflow = new OpenWorkflow({ agents: () => undefined });
    try {
      const result = await Workflows.fromString(FLOW, { openworkflow }).execute('Summarise', { topic: 'x' });
      expect(result.status).toBe('failed');
      expect(result.error?.code).toBe('UNAVAILABLE');
      expect(result.error?.message).toContain("Agent 'agent:demo/helper@1.0.0' is not available");
    } finally {
      await openworkflow.close();
    }
  });

  it('loadProject registers the sibling agents/ directory', async () => {
    const project = await loadProject(join(directory, 'project/flow.yaml'));
    try {
      expect(project.agentFiles).toEqual([join(directory, 'project/agents/helper.yaml')]);
      const result = await project.workflows.execute('Summarise', { topic: 'tides' });
      expect(result.status).toBe('success');
      expect(result.outputs).toEqual({ summary: 'tides follow the moon' });
    } finally {
      await project.openworkflow.close();
    }
    // A document of another kind in agents/ is an error naming the file, not skipped.
    await mkdir(join(directory, 'mixed/agents'), { recursive: true });
    await writeFile(join(directory, 'mixed/flow.yaml'), FLOW);
    await writeFile(join(directory, 'mixed/agents/notes.yaml'), NOTES_CONNECTOR);
    const mixed = await loadProject(join(directory, 'mixed/flow.yaml')).catch((error: unknown) => error);
    expect(OpenWorkflowError.is(mixed) && mixed.code).toBe('VALIDATION');
    expect((mixed as Error).message).toContain('notes.yaml:1:1: error OW_WRONG_DOCUMENT_KIND');
    const without = await loadProject(join(directory, 'project/flow.yaml'), { agentsDir: false });
    try {
      expect(without.agentFiles).toEqual([]);
      const result = await without.workflows.execute('Summarise', { topic: 'tides' });
      expect(result.error?.code).toBe('UNAVAILABLE');
    } finally {
      await without.openworkflow.close();
    }
  });
});

describe('lazy loading of the agents package', () => {
  const SDK = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

  /** Runs a workflow document through the built SDK in a fresh process; returns the modules it loaded. */
  async function modulesAfter(document: string, name: string): Promise<{ status: string; agents: boolean }> {
    const file = join(directory, `${name}.yaml`);
    await writeFile(file, document);
    const script = `
      import { OpenWorkflow, Workflows } from ${JSON.stringify(SDK)};
      const openworkflow = new OpenWorkflow();
      await openworkflow.registerAgent(${JSON.stringify(join(directory, 'helper.yaml'))});
      const workflows = await Workflows.fromFile(${JSON.stringify(file)}, { openworkflow });
      const result = await workflows.execute(undefined, { topic: 'x' });
      await openworkflow.close();
      console.log(JSON.stringify({ status: result.status, code: result.error?.code ?? null }));
    `;
    const { lastLine, modules } = await runRecordingModules(script, join(directory, `${name}.modules`));
    const status = (JSON.parse(lastLine) as { status: string }).status;
    return { status, agents: /packages[\\/]agents[\\/]|@openworkflow[\\/]agents[\\/]/.test(modules) };
  }

  it('a workflow without agent steps never imports @openworkflow/agents; one with them does', async () => {
    const plain = await modulesAfter(PLAIN_FLOW, 'plain');
    expect(plain).toEqual({ status: 'success', agents: false });
    // The agent workflow fails on its tool (no notes connector here), but only after loading the loop.
    const agentic = await modulesAfter(FLOW, 'agentic');
    expect(agentic.agents).toBe(true);
  }, 60_000);
});

/** The notes connector file of the project fixture. */
function notesFile(): string {
  return join(directory, 'project/connectors/notes.yaml');
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createNativeAgentBackend } from '@openworkflow/agents';
import {
  agentsFrom,
  connectorsFrom,
  createEngine,
  type RunEvent,
  type RunResult,
  type SecretSource,
  systemClock,
} from '@openworkflow/core';
import { createMcpHandler, McpSessionPool, mcpConnectors } from '@openworkflow/mcp';
import type { Agent, Connector, JsonValue, Workflow } from '@openworkflow/schemas';
import { formatDiagnostic, loadAgent, loadConnector, loadWorkflows } from '@openworkflow/schemas';
import { OFFLINE_SCRIPT } from './offline-script.js';

/** The example's folder (one level above `src/` and `dist/`). */
const HERE = fileURLToPath(new URL('..', import.meta.url));

function must<T>(
  result: { ok: boolean; value?: T; diagnostics: readonly Parameters<typeof formatDiagnostic>[0][] },
  file: string,
): T {
  if (!result.ok || result.value === undefined)
    throw new Error(`${file}:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  return result.value;
}

function read(file: string): string {
  return readFileSync(`${HERE}${file}`, 'utf8');
}

/** Which model answers: the scripted conversation (offline) or a real provider. */
export type TriageModel = 'offline' | 'anthropic' | 'openai';

export interface TriageOptions {
  readonly model?: TriageModel;
  /** Where API keys come from for a real provider. */
  readonly credentials?: SecretSource;
  /** A file the MCP server appends each label and assignment to (JSON lines). */
  readonly changeLog?: string;
}

export interface Triage {
  run(issueUrl: string): Promise<{ readonly result: RunResult; readonly events: readonly RunEvent[] }>;
  close(): Promise<void>;
}

/** The agent as the example runs it: the manifest, with the model swapped for the chosen one. */
export function triageAgent(model: TriageModel): Agent {
  const agent = must(
    loadAgent(read('agents/triage-bot.yaml'), { file: 'agents/triage-bot.yaml' }),
    'agents/triage-bot.yaml',
  );
  if (model === 'anthropic') return agent;
  if (model === 'openai') return { ...agent, model: { provider: 'openai', id: 'gpt-4o-mini' } };
  const script = OFFLINE_SCRIPT as unknown as JsonValue;
  return { ...agent, model: { provider: 'scripted', id: 'triage-offline', providerConfig: { script } } };
}

/** The GitHub-like MCP connector, its server script resolved inside this folder. */
export function githubConnector(): Connector {
  const connector = must(loadConnector(read('connectors/github-mcp.yaml')), 'connectors/github-mcp.yaml');
  const mcp = connector.mcp!;
  return {
    ...connector,
    mcp: { ...mcp, args: (mcp.args ?? []).map((arg) => (arg.endsWith('.mjs') ? `${HERE}${arg}` : arg)) },
  };
}

export function triageWorkflow(): Workflow {
  return must(loadWorkflows(read('workflows/triage.yaml')), 'workflows/triage.yaml')[0]!;
}

/**
 * Builds the runtime of the example: an engine whose only connector is the MCP server (started
 * over stdio on first use), whose agents run on the native backend.
 *
 * @example
 * const triage = await createTriage();
 * const { result } = await triage.run('https://github.example/acme/app/issues/42');
 * await triage.close();
 */
export async function createTriage(options: TriageOptions = {}): Promise<Triage> {
  const pool = new McpSessionPool({
    allowedCommands: ['node'],
    environment: () => (options.changeLog === undefined ? {} : { TRIAGE_LOG: options.changeLog }),
  });
  const engine = createEngine({
    clock: systemClock,
    connectors: mcpConnectors(connectorsFrom([githubConnector()]), pool),
    handlers: [createMcpHandler(pool)],
    agents: agentsFrom([triageAgent(options.model ?? 'offline')]),
    backends: [
      createNativeAgentBackend(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ],
  });
  const workflow = triageWorkflow();
  return {
    async run(issueUrl) {
      const run = engine.start(workflow, { issueUrl });
      const result = await run.result;
      const events: RunEvent[] = [];
      for await (const event of run.events()) events.push(event);
      return { result, events };
    },
    close: () => pool.close(),
  };
}

/**
 * The agent-triage project's config, read by `loadProject` (and so by `openworkflow run
 * workflows/triage.yaml`): it allows the one command the GitHub-like MCP connector starts (`node`,
 * from this folder, so `github-mcp-server.mjs` resolves), and runs the agent offline on the scripted
 * provider playing `offline-script.mjs` unless `TRIAGE_MODEL=live` asks for the manifest's model
 * (its API key then comes from the environment).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@openworkflow/sdk';
import { OFFLINE_SCRIPT } from './offline-script.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  options: {
    // MCP servers start nothing by default; this project's server is `node github-mcp-server.mjs`.
    mcp: {
      allowedCommands: ['node'],
      workingDirectory: HERE,
      ...(process.env.TRIAGE_LOG === undefined
        ? {}
        : { environment: { TRIAGE_LOG: process.env.TRIAGE_LOG } }),
    },
  },
  async setup(openworkflow) {
    if (process.env.TRIAGE_MODEL === 'live') return;
    for (const agent of openworkflow.agents) {
      const model = {
        provider: 'scripted',
        id: 'triage-offline',
        providerConfig: { script: OFFLINE_SCRIPT },
      };
      await openworkflow.registerAgent({ ...agent, model }, { replace: true });
    }
  },
});

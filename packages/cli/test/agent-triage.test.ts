/**
 * `openworkflow run` of the agent-triage example as a real process: the project root's
 * `connectors/` (a `kind: mcp-server` connector over stdio), `agents/` and config (which allows the
 * server's command and selects the scripted provider), with real MCP tool calls.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, temporaryDirectory } from './helpers.js';

const exec = promisify(execFile);
const FLOW = 'examples/agent-triage/workflows/triage.yaml';
const ISSUE = 'issueUrl=https://github.example/acme/app/issues/42';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await temporaryDirectory();
});
afterAll(() => dir.remove());

describe('openworkflow run examples/agent-triage', () => {
  it('triages the issue offline through the MCP server and prints the outputs', async () => {
    const log = join(dir.path, 'changes.jsonl');
    const { stdout, stderr } = await exec(process.execPath, [BIN, 'run', FLOW, '--input', ISSUE], {
      cwd: REPO_ROOT,
      env: { ...process.env, TRIAGE_LOG: log, TRIAGE_MODEL: '' },
    });
    expect(stderr).toContain('step triage succeeded');
    expect(stderr).toContain('run succeeded');
    expect(stdout).toContain('category: "bug"');
    expect(stdout).toContain('priority: "high"');
    expect(stdout).toContain('assignee: "mobile-team"');
    // The agent's tool calls reached the real MCP server.
    const changes = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(changes).toEqual([
      { action: 'add_labels', issue: 42, labels: ['bug', 'crash'] },
      { action: 'assign_issue', issue: 42, assignee: 'mobile-team' },
    ]);
  }, 60_000);

  it('--json reports the triage outputs and the agent step', async () => {
    const { stdout } = await exec(process.execPath, [BIN, 'run', FLOW, '--input', ISSUE, '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TRIAGE_MODEL: '' },
    });
    const result = JSON.parse(stdout) as {
      status: string;
      outputs: Record<string, unknown>;
      steps: Record<string, { status: string }>;
    };
    expect(result.status).toBe('success');
    expect(result.outputs).toEqual({ category: 'bug', priority: 'high', assignee: 'mobile-team' });
    expect(result.steps.triage?.status).toBe('success');
  }, 60_000);

  it('without a config allowing the server command, nothing starts: PERMISSION_DENIED', async () => {
    const config = join(dir.path, 'empty.config.mjs');
    await writeFile(config, 'export default {};\n');
    const failure = (await exec(process.execPath, [BIN, 'run', FLOW, '--config', config, '--input', ISSUE], {
      cwd: REPO_ROOT,
    }).catch((error: unknown) => error)) as { code?: number; stderr?: string };
    expect(failure.code).not.toBe(0);
    expect(failure.stderr).toContain("PERMISSION_DENIED: MCP command 'node' is not in the allowed commands");
  }, 60_000);
});

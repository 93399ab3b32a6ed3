/**
 * `openworkflow run` of a workflow with an agent step, as a real process: the project's `agents/`
 * and `connectors/` are registered by `loadProject`, the native agent backend by the SDK, and the
 * agent (the scripted provider) calls its tool through the config's handler.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/exit-codes.js';
import { findProjectLayout } from '../src/project-root.js';
import { BIN, cli, REPO_ROOT, temporaryDirectory } from './helpers.js';

const exec = promisify(execFile);
const FLOW = 'packages/cli/test/fixtures/agent-project/summarise.yaml';
const FIXTURE = join(REPO_ROOT, 'packages/cli/test/fixtures/agent-project');

describe('openworkflow run with an agent step', () => {
  it('runs the agent and its tool call and prints the outputs', async () => {
    const { stdout, stderr } = await exec(process.execPath, [BIN, 'run', FLOW, '--input', 'topic=tides'], {
      cwd: REPO_ROOT,
    });
    expect(stderr).toContain('step think succeeded (1 attempt');
    expect(stderr).toContain('run succeeded');
    expect(stdout).toContain('summary: "tides follow the moon"');
  }, 60_000);

  it('--json prints the whole result with the agent step output', async () => {
    const { stdout } = await exec(process.execPath, [BIN, 'run', FLOW, '--input', 'topic=tides', '--json'], {
      cwd: REPO_ROOT,
    });
    const result = JSON.parse(stdout) as {
      status: string;
      outputs: Record<string, unknown>;
      steps: Record<string, { status: string; output: unknown }>;
    };
    expect(result.status).toBe('success');
    expect(result.outputs).toEqual({ summary: 'tides follow the moon' });
    expect(result.steps.think).toMatchObject({
      status: 'success',
      output: { summary: 'tides follow the moon' },
    });
  }, 60_000);

  it('without the agents/ directory the agent is UNAVAILABLE, with that exit code', async () => {
    const dir = await temporaryDirectory();
    try {
      await cp(FIXTURE, dir.path, { recursive: true });
      await rm(join(dir.path, 'agents'), { recursive: true });
      const run = await cli(['run', join(dir.path, 'summarise.yaml'), '--input', 'topic=tides']);
      expect(run.code).toBe(exitCodeFor('UNAVAILABLE'));
      expect(run.stderr).toContain("Agent 'agent:demo/helper@1.0.0' is not available");
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('an init-style project uses the root agents/ for workflows under .openworkflow/workflows/', async () => {
    const dir = await temporaryDirectory();
    try {
      await cp(FIXTURE, dir.path, { recursive: true });
      await mkdir(join(dir.path, '.openworkflow/workflows'), { recursive: true });
      await rename(
        join(dir.path, 'summarise.yaml'),
        join(dir.path, '.openworkflow/workflows/summarise.yaml'),
      );
      const flow = join(dir.path, '.openworkflow/workflows/summarise.yaml');
      expect(await findProjectLayout(flow)).toEqual({
        root: dir.path,
        connectorsDir: join(dir.path, 'connectors'),
        agentsDir: join(dir.path, 'agents'),
        config: join(dir.path, 'openworkflow.config.mjs'),
      });
      const run = await cli(['run', '.openworkflow/workflows/summarise.yaml', '--input', 'topic=tides'], {
        cwd: dir.path,
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('summary: "tides follow the moon"');
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('list and describe name the agent', async () => {
    const described = await cli(['describe', FLOW]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Agents: +agent:demo\/helper@1\.0\.0/);
    const listed = await cli(['list', 'packages/cli/test/fixtures/agent-project']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/agents: +agent:demo\/helper@1\.0\.0/);
  });
});

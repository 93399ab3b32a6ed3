/**
 * Items of the seed's "SDK Requirements Checklist" not covered elsewhere: command handlers (a real
 * shell script), timeout handling, execution modes per run, and `Workflows` iteration.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@openworkflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenWorkflow, Workflows } from '../src/index.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ow-commands-'));
  await mkdir(join(root, 'scripts'));
  // Reads the action input (JSON on stdin) and answers in the spec's envelope on stdout.
  await writeFile(
    join(root, 'scripts', 'wrap.sh'),
    '#!/bin/sh\nread -r input\nprintf \'{"status":"success","data":{"received":%s,"shell":"sh"}}\\n\' "$input"\n',
  );
  await writeFile(join(root, 'scripts', 'fail.sh'), '#!/bin/sh\necho "disk full" >&2\nexit 3\n');
  await chmod(join(root, 'scripts', 'wrap.sh'), 0o755);
  await chmod(join(root, 'scripts', 'fail.sh'), 0o755);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const scripts = {
  connector: {
    type: 'connector',
    kind: 'custom',
    name: 'scripts',
    namespace: 'test',
    version: '1.0.0',
    displayName: 'Scripts',
    description: 'Shell scripts as actions',
  },
  actions: [
    { name: 'wrap', description: 'Wrap the input', handler: { command: './scripts/wrap.sh' } },
    { name: 'fail', description: 'Always fails', handler: { command: './scripts/fail.sh' } },
  ],
};

describe('SDK checklist', () => {
  it('invokes command handlers (shell scripts): JSON in on stdin, JSON out, stderr on failure', async () => {
    const openworkflow = new OpenWorkflow({
      isolated: true,
      commands: { workspaceRoot: root, allowedCommands: ['./scripts/*'] },
    });
    try {
      await openworkflow.registerConnector(scripts);
      const workflows = Workflows.fromString(
        `
workflows:
  - name: wrap
    steps:
      - { id: wrap, connector: "connector:test/scripts@1.0.0", action: wrap, input: { n: 7, text: "a b; c" } }
  - name: fail
    steps:
      - { id: fail, connector: "connector:test/scripts@1.0.0", action: fail }
`,
        { openworkflow },
      );
      const wrapped = await workflows.execute('wrap');
      expect(wrapped.steps.wrap?.output).toEqual({ received: { n: 7, text: 'a b; c' }, shell: 'sh' });
      const failed = await workflows.execute('fail');
      expect(failed.error).toMatchObject({
        code: 'BACKEND_ERROR',
        message: expect.stringContaining('disk full'),
      });

      const disabled = new OpenWorkflow({ isolated: true, commands: false });
      await disabled.registerConnector(scripts);
      const refused = await Workflows.fromString(
        'name: w\nsteps:\n  - { id: s, connector: "connector:test/scripts@1.0.0", action: wrap }\n',
        {
          openworkflow: disabled,
        },
      ).execute();
      expect(refused.error).toMatchObject({ code: 'UNAVAILABLE', details: { handler: 'command' } });
      await disabled.close();
    } finally {
      await openworkflow.close();
    }
  });

  it('times out a handler at the SDK default timeout and tells it through its signal', async () => {
    const clock = new FakeClock();
    const openworkflow = new OpenWorkflow({ isolated: true, clock, timeout: 30 });
    let aborted = false;
    try {
      await openworkflow.registerConnector({
        connector: { ...scripts.connector, name: 'slow', kind: 'sdk' },
        actions: [{ name: 'hang', description: 'Never answers', handler: { function: 'slow.hang' } }],
      });
      openworkflow.registerHandler(
        'slow.hang',
        (_input, context) =>
          new Promise((resolve) => {
            context.signal.addEventListener('abort', () => {
              aborted = true;
              resolve({});
            });
          }),
      );
      const run = Workflows.fromString(
        'name: w\nsteps:\n  - { id: hang, connector: "connector:test/slow@1.0.0", action: hang }\n',
        {
          openworkflow,
        },
      ).start();
      let settled = false;
      void run.result.then(() => {
        settled = true;
      });
      while (!settled) await clock.runUntilIdle();
      const result = await run.result;
      expect(result.error).toMatchObject({
        code: 'TIMEOUT',
        details: { step_id: 'hang', timeout_ms: 30_000 },
      });
      expect(aborted).toBe(true);
    } finally {
      await openworkflow.close();
    }
  });

  it('runs locally in local and hybrid mode, and refuses cloud per instance or per run', async () => {
    const document =
      'name: w\nsteps:\n  - { id: t, type: transform, language: template, expression: "ok" }\n';
    const hybrid = new OpenWorkflow({ isolated: true, executionMode: 'hybrid' });
    try {
      const workflows = Workflows.fromString(document, { openworkflow: hybrid });
      expect((await workflows.execute()).status).toBe('success');
      const cloud = await workflows.execute(undefined, {}, { mode: 'cloud' });
      expect(cloud.error).toMatchObject({ code: 'UNAVAILABLE', details: { execution_mode: 'cloud' } });
      const events = [];
      for await (const event of workflows.start(undefined, {}, { mode: 'self_hosted' }).events())
        events.push(event);
      expect(events).toEqual([]);
      expect([...workflows].map((info) => info.name)).toEqual(['w']);
    } finally {
      await hybrid.close();
    }
  });
});

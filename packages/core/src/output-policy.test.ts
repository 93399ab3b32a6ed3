import { describe, expect, it } from 'vitest';
import { createHarness } from '../test/support/harness.js';
import { loadTestWorkflow } from '../test/support/load.js';
import type { SecretResolveContext } from './engine-options.js';
import { OpenWorkflowError } from './errors.js';

const chain = loadTestWorkflow({
  name: 'chain',
  steps: [
    { id: 'a', connector: 'connector:test/svc@1.0.0', action: 'echo', input: { word: 'hunter2-secret' } },
    {
      id: 'b',
      connector: 'connector:test/svc@1.0.0',
      action: 'echo',
      input: { seen: '{{ steps.a.output.word }}' },
    },
  ],
  outputs: { word: { value: '{{ steps.a.output.word }}' } },
});

const mask = (value: unknown): never =>
  JSON.parse(JSON.stringify(value).replaceAll('hunter2-secret', '[MASKED]')) as never;

describe('outputPolicy', () => {
  it('masks leaf outputs before they are recorded, seen downstream, stored or returned', async () => {
    const seenByPolicy: string[] = [];
    const { engine, clock } = createHarness({
      workflows: [chain],
      behaviours: { echo: { kind: 'echo' } },
      engine: {
        outputPolicy: {
          step: (stepId, output) => {
            seenByPolicy.push(stepId);
            return mask(output);
          },
          workflow: (_name, outputs) => ({ ...outputs, checked: true }),
        },
      },
    });
    const run = engine.start(chain, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result.status).toBe('success');
    expect(seenByPolicy).toEqual(['a', 'b']);
    expect(result.steps.a?.output).toEqual({ word: '[MASKED]' });
    expect(result.steps.b?.output).toEqual({ seen: '[MASKED]' });
    expect(result.outputs).toEqual({ word: '[MASKED]', checked: true });
    const completed = (await engine.store.readEvents(run.id, 0)).filter(
      (event) => event.type === 'step.completed',
    );
    expect(completed.map((event) => event.data.output)).toEqual([{ word: '[MASKED]' }, { seen: '[MASKED]' }]);
  });

  it('fails the step, without retrying it, when the policy refuses an output', async () => {
    const retried = loadTestWorkflow({
      name: 'retried',
      steps: [
        {
          id: 'a',
          connector: 'connector:test/svc@1.0.0',
          action: 'echo',
          input: { word: 'x' },
          retry: { max_attempts: 3, backoff: 'fixed' },
        },
      ],
    });
    const { engine, clock, recorder } = createHarness({
      workflows: [retried],
      behaviours: { echo: { kind: 'echo' } },
      engine: {
        outputPolicy: {
          step: (stepId) => {
            throw new OpenWorkflowError('SECRET_EXPOSURE', `Secret exposure detected in step '${stepId}'`);
          },
        },
      },
    });
    const run = engine.start(retried, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result.status).toBe('failed');
    expect(result.steps.a).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'SECRET_EXPOSURE' },
    });
    expect(recorder.calls.filter((call) => call.action === 'echo')).toHaveLength(1);
  });
});

describe('secret resolution', () => {
  it('tells the source who reads each name: workflow templates or a connector handler config', async () => {
    const workflow = loadTestWorkflow({
      name: 'reader',
      steps: [
        { id: 'a', connector: 'connector:test/svc@1.0.0', action: 'echo', input: { k: '{{ secrets.ONE }}' } },
      ],
    });
    const contexts: SecretResolveContext[] = [];
    const { engine, clock } = createHarness({
      workflows: [workflow],
      behaviours: { echo: { kind: 'echo' } },
      engine: {
        secrets: {
          resolve: async (names, context) => {
            contexts.push(context);
            return Object.fromEntries(names.map((name) => [name, `value-of-${name}`]));
          },
        },
      },
    });
    // Connector-side readers (handler configs) are covered end to end in @openworkflow/secrets.
    const run = engine.start(workflow, {});
    await clock.runUntilIdle();
    expect((await run.result).status).toBe('success');
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({
      workflowName: 'reader',
      workflowResource: 'reader',
      requesters: { ONE: [{ kind: 'workflow', workflow: 'reader' }] },
    });
  });

  it('fails the run with a run.failed event, before any step, when the source refuses', async () => {
    const { engine, clock, recorder } = createHarness({
      workflows: [chain],
      behaviours: { echo: { kind: 'echo' } },
      engine: {
        secrets: {
          resolve: async () => {
            throw new OpenWorkflowError('PERMISSION_DENIED', "Secret 'X' is not in scope");
          },
        },
      },
    });
    const withSecret = loadTestWorkflow({
      name: 'needs-x',
      steps: [
        { id: 'a', connector: 'connector:test/svc@1.0.0', action: 'echo', input: { x: '{{ secrets.X }}' } },
      ],
    });
    const run = engine.start(withSecret, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result).toMatchObject({ status: 'failed', steps: {}, error: { code: 'PERMISSION_DENIED' } });
    const types = (await engine.store.readEvents(run.id, 0)).map((event) => event.type);
    expect(types).toEqual(['run.started', 'run.failed']);
    expect(recorder.calls).toHaveLength(0);
  });
});

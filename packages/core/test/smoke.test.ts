import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { loadTestWorkflow } from './support/load.js';

describe('smoke', () => {
  it('runs two steps', async () => {
    const workflow = loadTestWorkflow({
      name: 'w',
      inputs: { x: { type: 'number', default: 2 } },
      steps: [
        { id: 'a', connector: 'connector:test/svc@1.0.0', action: 'echo', input: { v: '{{ inputs.x }}' } },
        {
          id: 'b',
          connector: 'connector:test/svc@1.0.0',
          action: 'echo',
          input: { v: '{{ steps.a.output.v + 1 }}' },
        },
      ],
      outputs: { result: { value: '{{ steps.b.output.v }}' } },
    });
    const { engine, clock } = createHarness({ workflows: [workflow] });
    const run = engine.start(workflow, {});
    await clock.runUntilIdle();
    const result = await run.result;
    expect(result.status).toBe('success');
    expect(result.outputs).toEqual({ result: 3 });
    const types = [];
    for await (const event of run.events()) types.push(`${event.sequence}:${event.type}`);
    expect(types).toEqual([
      '0:run.started',
      '1:step.started',
      '2:step.completed',
      '3:step.started',
      '4:step.completed',
      '5:run.completed',
    ]);
  });
});

import type { Step } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { planBlock } from './planner.js';

function step(id: string, needs: string[] = [], dependsOn: string[] = []): Step {
  return {
    id,
    type: 'wait',
    wait: { kind: 'duration', durationMs: 0 },
    continueOnError: false,
    needs,
    dependsOn,
    source: { pointer: `/steps/${id}` },
  };
}

describe('planBlock', () => {
  it('chains steps in list order for the sequential strategy', () => {
    const plan = planBlock([step('a'), step('b'), step('c')], 'sequential');
    expect(plan.roots).toEqual([0]);
    expect(plan.dependents).toEqual([[1], [2], []]);
  });

  it('uses needs and dependsOn for the dag strategy, deduplicated', () => {
    const plan = planBlock([step('a'), step('b'), step('c', ['a'], ['a', 'b'])], 'dag');
    expect(plan.roots).toEqual([0, 1]);
    expect(plan.indegree).toEqual([0, 0, 2]);
    expect(plan.dependents).toEqual([[2], [2], []]);
  });

  it('rejects unknown ids, self dependencies and cycles with VALIDATION naming the steps', () => {
    expect(() => planBlock([step('a', ['x'])], 'dag')).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() => planBlock([step('a', ['a'])], 'dag')).toThrow(/cycle/);
    expect(() => planBlock([step('a', ['c']), step('b', ['a']), step('c', ['b']), step('d')], 'dag')).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ steps: ['a', 'b', 'c'] }) }),
    );
  });

  it('plans a long chain in linear time (10 000 steps)', () => {
    const steps = Array.from({ length: 10_000 }, (_unused, index) =>
      step(`s${index}`, index === 0 ? [] : [`s${index - 1}`]),
    );
    const plan = planBlock(steps, 'dag');
    expect(plan.roots).toEqual([0]);
    expect(plan.indegree.reduce((sum, degree) => sum + degree, 0)).toBe(9_999);
  });
});

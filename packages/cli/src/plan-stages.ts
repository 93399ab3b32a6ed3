import { planBlock } from '@openworkflow/core';
import type { ExecutionStrategy, Step } from '@openworkflow/schemas';

/** A step list cut into stages: every step of a stage can start once the stages before it ended. */
export interface StagedPlan {
  /** Step indices per stage, in list order within a stage. */
  readonly stages: readonly (readonly number[])[];
  /** For each step, the indices of the steps it waits for. */
  readonly dependencies: readonly (readonly number[])[];
}

/** Stages of one step list from core's planner (longest-path layering of its DAG). */
export function planStages(steps: readonly Step[], strategy: ExecutionStrategy): StagedPlan {
  const plan = planBlock(steps, strategy);
  const dependencies: number[][] = steps.map(() => []);
  plan.dependents.forEach((dependents, from) => {
    for (const to of dependents) dependencies[to]!.push(from);
  });
  const level: number[] = steps.map(() => 0);
  const indegree = [...plan.indegree];
  const queue = [...plan.roots];
  for (let head = 0; head < queue.length; head++) {
    const from = queue[head]!;
    for (const to of plan.dependents[from]!) {
      level[to] = Math.max(level[to]!, level[from]! + 1);
      if (--indegree[to]! === 0) queue.push(to);
    }
  }
  const stages: number[][] = Array.from(
    { length: Math.max(0, ...level) + (steps.length > 0 ? 1 : 0) },
    () => [],
  );
  level.forEach((stage, index) => {
    stages[stage]!.push(index);
  });
  return { stages, dependencies };
}

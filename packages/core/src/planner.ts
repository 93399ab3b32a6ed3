import type { ExecutionStrategy, Step } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';

/**
 * The execution graph of one step list (a workflow's steps, a branch, a loop body). Indices are
 * positions in the list; `dependents[i]` are the steps that wait for step `i`.
 */
export interface BlockPlan {
  readonly steps: readonly Step[];
  readonly dependents: readonly (readonly number[])[];
  readonly indegree: readonly number[];
  /** Indices with no dependencies, in list order. */
  readonly roots: readonly number[];
}

const plans = new WeakMap<readonly Step[], BlockPlan>();

/**
 * Plans a step list in O(V + E). `sequential` chains each step to the one before it; `dag` uses
 * each step's `needs` plus the loader-computed `dependsOn` (sibling ids only). Unknown ids and
 * cycles are `VALIDATION` errors naming the step. Plans are cached per list.
 *
 * @example
 * planBlock(workflow.steps, workflow.strategy).roots; // steps that can start at once
 */
export function planBlock(steps: readonly Step[], strategy: ExecutionStrategy): BlockPlan {
  if (strategy !== 'dag') return planSequence(steps);
  let plan = plans.get(steps);
  if (plan === undefined) {
    plan = planDag(steps);
    plans.set(steps, plan);
  }
  return plan;
}

const sequencePlans = new WeakMap<readonly Step[], BlockPlan>();

function planSequence(steps: readonly Step[]): BlockPlan {
  const cached = sequencePlans.get(steps);
  if (cached !== undefined) return cached;
  const n = steps.length;
  const plan: BlockPlan = {
    steps,
    dependents: steps.map((_step, index) => (index + 1 < n ? [index + 1] : [])),
    indegree: steps.map((_step, index) => (index === 0 ? 0 : 1)),
    roots: n > 0 ? [0] : [],
  };
  sequencePlans.set(steps, plan);
  return plan;
}

function planDag(steps: readonly Step[]): BlockPlan {
  const index = new Map<string, number>();
  steps.forEach((step, position) => {
    if (index.has(step.id)) {
      throw new OpenWorkflowError('VALIDATION', `Duplicate step id '${step.id}'`, {
        details: { field: step.id, constraint: 'unique', pointer: step.source.pointer },
      });
    }
    index.set(step.id, position);
  });
  const dependents: number[][] = steps.map(() => []);
  const indegree: number[] = steps.map(() => 0);
  steps.forEach((step, position) => {
    const seen = new Set<number>();
    for (const id of [...step.needs, ...step.dependsOn]) {
      const dependency = index.get(id);
      if (dependency === undefined) {
        throw new OpenWorkflowError('VALIDATION', `Step '${step.id}' needs unknown step '${id}'`, {
          details: { field: `${step.id}.needs`, constraint: 'exists', pointer: step.source.pointer },
        });
      }
      if (dependency === position || seen.has(dependency)) {
        if (dependency === position) throw cycleError([step.id], step.source.pointer);
        continue;
      }
      seen.add(dependency);
      dependents[dependency]!.push(position);
      indegree[position]!++;
    }
  });
  const roots = indegree.flatMap((degree, position) => (degree === 0 ? [position] : []));
  // Kahn's algorithm only to detect cycles: O(V + E).
  const remaining = indegree.slice();
  const queue = roots.slice();
  let visited = 0;
  for (let head = 0; head < queue.length; head++) {
    visited++;
    for (const next of dependents[queue[head]!]!) if (--remaining[next]! === 0) queue.push(next);
  }
  if (visited < steps.length) {
    const stuck = steps.filter((_step, position) => remaining[position]! > 0).map((step) => step.id);
    throw cycleError(stuck, steps[index.get(stuck[0]!)!]!.source.pointer);
  }
  return { steps, dependents, indegree, roots };
}

function cycleError(ids: readonly string[], pointer: string): OpenWorkflowError {
  return new OpenWorkflowError(
    'VALIDATION',
    `Dependency cycle among steps ${ids.map((id) => `'${id}'`).join(', ')}`,
    {
      details: { field: ids[0], constraint: 'acyclic', steps: ids, pointer },
    },
  );
}

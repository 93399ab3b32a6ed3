import type { JsonObject, JsonValue, ParallelGroupStep, ParallelStep } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';
import { BLOCK_TRAITS } from './kind-traits.js';
import type { BlockResult } from './run-execution.js';
import { fromErrorData } from './step-helpers.js';
import type { StepKind } from './step-kinds.js';

function joinLabel(step: ParallelStep): string {
  return step.join.type === 'count' ? `count(${step.join.count})` : step.join.type;
}

function branchEntry(block: BlockResult): JsonObject {
  if (block.status === 'success') return { status: 'success', output: block.last?.output ?? null };
  if (block.status === 'canceled') return { status: 'canceled', output: null };
  return {
    status: 'error',
    output: null,
    error: block.error?.message ?? 'failed',
    code: block.error?.code ?? 'INTERNAL_ERROR',
  };
}

/**
 * The `parallel` logic step: named branches at once, joined by `all`, `any` or `count(n)`
 * (successful branches). Once the join is satisfied — or can no longer be — the other branches
 * are canceled. Output `{branches, completedCount, errorCount, joinStrategy}`.
 */
export const parallelKind: StepKind<ParallelStep> = {
  ...BLOCK_TRAITS,

  async execute(exec, call) {
    const { step, frame } = call;
    const total = step.branches.length;
    const need = step.join.type === 'all' ? total : step.join.type === 'any' ? 1 : step.join.count;
    if (need > total || need < 1) {
      throw new OpenWorkflowError(
        'VALIDATION',
        `join of parallel '${step.id}' needs ${need} of ${total} branches`,
        {
          details: { field: `${step.id}.join`, constraint: 'count' },
        },
      );
    }
    const scopes = step.branches.map(() => call.scope.child());
    const blocks: BlockResult[] = new Array<BlockResult>(total);
    let successes = 0;
    let errors = 0;
    let decided = false;
    const decide = (winner: number) => {
      decided = true;
      const reason = new OpenWorkflowError('CANCELED', `Branch canceled: join of '${step.id}' decided`, {
        details: { canceled_at: new Date(exec.clock.now()).toISOString(), reason: 'join' },
      });
      scopes.forEach((scope, index) => {
        if (index !== winner) scope.abort(reason);
      });
    };
    try {
      await Promise.all(
        step.branches.map(async (branch, index) => {
          const block = await exec.runBlock(
            branch.steps,
            frame,
            call.childPrefix,
            scopes[index]!,
            call.replay,
            call.cause,
          );
          blocks[index] = block;
          if (block.status === 'success') successes++;
          else if (block.status === 'failed') errors++;
          if (call.replay || decided || step.join.type === 'all') return;
          if (successes >= need || errors > total - need) decide(index);
        }),
      );
    } finally {
      for (const scope of scopes) scope.dispose();
    }
    if (call.replay) return null;
    if (call.scope.aborted) throw call.scope.error();
    const branches: JsonObject = {};
    step.branches.forEach((branch, index) => {
      branches[branch.name] = branchEntry(blocks[index]!);
    });
    const output: JsonObject = {
      branches,
      completedCount: successes,
      errorCount: errors,
      joinStrategy: joinLabel(step),
    };
    if (step.continueOnBranchError || successes >= need) return output;
    const firstError = blocks.find((block) => block.status === 'failed')?.error;
    throw (
      firstError ??
      new OpenWorkflowError('BACKEND_ERROR', `Join of parallel '${step.id}' was not satisfied`, {
        details: { step_id: step.id },
      })
    );
  },
};

/**
 * The legacy `parallel: [steps]` group: its children at once, join all. The output maps child ids
 * to their records, so `steps.group.child.output` reads a child; children are also `steps.child`.
 */
export const parallelGroupKind: StepKind<ParallelGroupStep> = {
  ...BLOCK_TRAITS,

  async execute(exec, call) {
    const { step, frame } = call;
    const records = await Promise.all(
      step.steps.map((child) =>
        exec.runStep(child, frame, call.childPrefix, call.scope, call.replay, call.cause),
      ),
    );
    if (call.replay) return null;
    if (call.scope.aborted) throw call.scope.error();
    const output: JsonObject = {};
    step.steps.forEach((child, index) => {
      const record = records[index];
      if (record === undefined) return;
      const entry: JsonObject = { status: record.status, output: record.output };
      if (record.error !== undefined) entry.error = record.error as unknown as JsonValue;
      output[child.id] = entry;
    });
    const failed = step.steps.findIndex(
      (child, index) => records[index]?.status === 'failed' && !child.continueOnError,
    );
    if (failed >= 0) throw fromErrorData(records[failed]!.error);
    return output;
  },
};

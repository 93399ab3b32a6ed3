import type { ForEachStep, JsonObject, JsonValue } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';
import { BLOCK_TRAITS } from './kind-traits.js';
import { IterationPublisher, loopItems, runPool } from './step-helpers.js';
import type { StepKind } from './step-kinds.js';

/**
 * The `forEach` logic step: the body once per item (`item`, `index`, `isFirst`, `isLast` in scope),
 * at most `maxConcurrency` at a time (`ordered: true` runs them one by one in item order).
 * `results[i]` always belongs to `items[i]`; an iteration's output is its last step's output.
 */
export const forEachKind: StepKind<ForEachStep> = {
  ...BLOCK_TRAITS,

  async execute(exec, call) {
    const { step, frame } = call;
    const items = loopItems(
      exec.renderIn(frame, step.items, `${step.id}.items`),
      `${step.id}.items`,
      exec.services.limits.maxLoopItems,
    );
    const results: JsonValue[] = new Array<JsonValue>(items.length).fill(null);
    const publisher = new IterationPublisher(frame);
    let failure: OpenWorkflowError | undefined;
    let successCount = 0;
    let errorCount = 0;
    const concurrency = step.ordered ? 1 : (step.maxConcurrency ?? Number.POSITIVE_INFINITY);
    await runPool(items.length, concurrency, async (index) => {
      if (!call.replay && (call.scope.aborted || failure !== undefined)) return false;
      const iteration = frame.iteration({
        item: items[index],
        index,
        isFirst: index === 0,
        isLast: index === items.length - 1,
      });
      const block = await exec.runBlock(
        step.steps,
        iteration,
        `${call.childPrefix}[${index}]`,
        call.scope,
        call.replay,
        call.cause,
      );
      publisher.add(index, iteration);
      if (call.replay) return true;
      if (block.status === 'success') {
        successCount++;
        results[index] = { status: 'success', output: block.last?.output ?? null };
        return true;
      }
      if (block.status === 'canceled') return false;
      errorCount++;
      const error = block.error!;
      const entry: JsonObject = { status: 'error', error: error.message, code: error.code };
      results[index] = entry;
      if (!step.continueOnItemError) {
        failure = new OpenWorkflowError(error.code, error.message, {
          details: { ...error.details, item_index: index },
        });
        return false;
      }
      return true;
    });
    publisher.flush();
    if (call.replay) return null;
    if (call.scope.aborted) throw call.scope.error();
    if (failure !== undefined) throw failure;
    return {
      results,
      successCount,
      errorCount,
      totalCount: items.length,
      status: errorCount === 0 ? 'success' : successCount === 0 ? 'failed' : 'partial',
    };
  },
};

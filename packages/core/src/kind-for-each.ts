import type { ForEachStep, JsonObject, JsonValue } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';
import { IterationPublisher, runPool } from './step-helpers.js';
import type { StepKind } from './step-kinds.js';

/**
 * The `forEach` logic step: the body once per item (`item`, `index`, `isFirst`, `isLast` in scope),
 * at most `maxConcurrency` at a time (`ordered: true` runs them one by one in item order).
 * `results[i]` always belongs to `items[i]`; an iteration's output is its last step's output.
 */
export const forEachKind: StepKind<ForEachStep> = {
  composite: true,
  leaf: false,
  permit: false,
  defaultRetry: false,
  capped: false,

  async execute(exec, call) {
    const { step, frame } = call;
    const items = exec.renderIn(frame, step.items, `${step.id}.items`);
    if (!Array.isArray(items)) {
      throw new OpenWorkflowError('VALIDATION', `items of forEach '${step.id}' must be an array`, {
        details: { field: `${step.id}.items`, constraint: 'array' },
      });
    }
    if (items.length > exec.services.limits.maxLoopItems) {
      throw new OpenWorkflowError('VALIDATION', `items of forEach '${step.id}' has too many entries`, {
        details: {
          field: `${step.id}.items`,
          constraint: 'maxItems',
          limit: exec.services.limits.maxLoopItems,
        },
      });
    }
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

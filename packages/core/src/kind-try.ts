import type { JsonObject, JsonValue, TryStep } from '@openworkflow/schemas';
import type { OpenWorkflowError } from './errors.js';
import { BLOCK_TRAITS } from './kind-traits.js';
import { backoffDelay, isRetryable, NO_RETRY } from './retry-policy.js';
import { attemptPrefix } from './step-helpers.js';
import type { StepKind } from './step-kinds.js';
import { errorData } from './step-record.js';

const OUTPUT_KEYS = new Set(['status', 'attempts', 'output', 'error']);

/**
 * `try`: run `steps`, retrying the whole block under `retry` (durable backoff, `retryOn`), then
 * `catch` with the `error` root on failure, then `finally` always — even after a cancel. A catch
 * that succeeds makes the step succeed with `output.status: "error"`; an error in `finally`
 * overrides the outcome.
 */
export const tryKind: StepKind<TryStep> = {
  ...BLOCK_TRAITS,
  ownRetry: true,

  async execute(exec, call) {
    const { step, frame } = call;
    const policy = step.retry ?? NO_RETRY;
    const replayAttempts = call.replay
      ? Number((call.recorded?.output as JsonObject | null)?.attempts ?? 1)
      : 0;
    let attempts = 0;
    let failure: OpenWorkflowError | undefined;
    let lastOutput: JsonValue = null;
    for (let attempt = 1; ; attempt++) {
      attempts = attempt;
      const block = await exec.runBlock(
        step.steps,
        frame,
        attemptPrefix(call.path, attempt),
        call.scope,
        call.replay,
        call.cause,
      );
      if (call.replay) {
        if (attempt >= replayAttempts) break;
        continue;
      }
      if (block.status === 'success') {
        failure = undefined;
        lastOutput = block.last?.output ?? null;
        break;
      }
      failure = block.error ?? call.scope.error();
      if (block.status === 'canceled' || call.scope.aborted) break;
      if (attempt >= policy.maxAttempts || !isRetryable(failure, policy)) break;
      const history = exec.journal.instances.get(call.path);
      let retryAt = history?.blockRetries?.get(attempt + 1);
      if (retryAt === undefined) {
        const delay = backoffDelay(policy, attempt, exec.services.random);
        retryAt = exec.clock.now() + delay;
        exec.emit('step.retrying', {
          stepId: step.id,
          path: call.path,
          // Block retries happen inside the step's single attempt; `blockAttempt` counts them.
          attempt: call.attempt,
          data: {
            kind: 'try',
            scope: 'block',
            blockAttempt: attempt,
            error: errorData(failure) as unknown as JsonValue,
            delayMs: delay,
            retryAt,
            nextAttempt: attempt + 1,
          },
          causationId: call.cause,
        });
      }
      try {
        await exec.sleepUntil(retryAt, call.scope);
      } catch {
        break;
      }
    }

    const errorRoot =
      failure === undefined
        ? undefined
        : {
            message: failure.message,
            code: failure.code,
            details: errorData(failure).details,
            attemptCount: attempts,
          };
    let handled = false;
    const canceled = call.scope.aborted;
    if (
      (failure !== undefined || call.replay) &&
      !canceled &&
      step.catch !== undefined &&
      step.catch.length > 0
    ) {
      const catchFrame = frame.withRoots({ error: errorRoot ?? {} });
      const caught = await exec.runBlock(
        step.catch,
        catchFrame,
        call.path,
        call.scope,
        call.replay,
        call.cause,
      );
      if (!call.replay) {
        if (caught.status === 'success') handled = true;
        else failure = caught.error ?? call.scope.error();
      }
    }
    if (step.finally !== undefined && step.finally.length > 0) {
      const finallyFrame = errorRoot === undefined ? frame : frame.withRoots({ error: errorRoot });
      // `finally` runs even when the run was canceled: only an engine halt stops it.
      const done = await exec.runBlock(
        step.finally,
        finallyFrame,
        call.path,
        exec.haltScope,
        call.replay,
        call.cause,
      );
      if (!call.replay && done.status !== 'success') {
        failure = done.error ?? exec.haltScope.error();
        handled = false;
      }
    }
    if (call.replay) return null;
    if (canceled) throw call.scope.error();
    if (failure !== undefined && !handled) throw failure;
    if (failure !== undefined) {
      return {
        status: 'error',
        attempts,
        output: null,
        error: { ...errorData(failure), attemptCount: attempts },
      };
    }
    const output: JsonObject = { status: 'success', attempts, output: lastOutput };
    if (lastOutput !== null && typeof lastOutput === 'object' && !Array.isArray(lastOutput)) {
      for (const key in lastOutput) if (!OUTPUT_KEYS.has(key)) output[key] = lastOutput[key]!;
    }
    return output;
  },
};

import { OpenWorkflowError, toOpenWorkflowError } from '@openworkflow/core';

/** A monotonic millisecond clock; injected so tests and replays control time. */
export type MonotonicClock = () => number;

/** The default clock: `performance.now()`, which never jumps with wall-clock changes. */
export const monotonicClock: MonotonicClock = () => performance.now();

/**
 * One handler attempt's cancellation: the engine's signal (cancel, step deadline) combined with
 * the handler's own `timeoutMs`. Whatever stops the attempt, `failure()` names it with the right
 * taxonomy code, so every handler classifies aborts the same way.
 */
export interface AttemptScope {
  /** Aborted when the engine cancels or either deadline passes. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** Milliseconds since the scope opened, on the injected clock. */
  elapsedMs(): number;
  /**
   * The error to throw for `thrown`: the abort reason when the scope was aborted (whatever the
   * I/O layer threw in response), otherwise `thrown` classified by the taxonomy.
   */
  failure(thrown: unknown): OpenWorkflowError;
  /** Clears the timer; call in `finally`. */
  close(): void;
}

/**
 * Opens the scope of one attempt: the engine's signal and the handler's own `timeoutMs`.
 *
 * @example
 * const scope = openAttemptScope(context.signal, handler.timeoutMs, clock);
 * try { return await work(scope.signal); } catch (e) { throw scope.failure(e); } finally { scope.close(); }
 */
export function openAttemptScope(
  parent: AbortSignal,
  timeoutMs: number,
  clock: MonotonicClock,
): AttemptScope {
  const started = clock();
  const elapsedMs = () => elapsedSince(started, clock);
  const controller = new AbortController();

  const onParentAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });

  const timer = setTimeout(() => {
    controller.abort(
      new OpenWorkflowError('TIMEOUT', `Handler exceeded its timeout of ${timeoutMs} ms`, {
        details: { timeout_ms: timeoutMs, elapsed_ms: elapsedMs() },
      }),
    );
  }, timeoutMs);

  return {
    signal: controller.signal,
    elapsedMs,
    failure(thrown) {
      if (controller.signal.aborted) return abortFailure(controller.signal.reason, elapsedMs());
      return toOpenWorkflowError(thrown);
    },
    close() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Whole milliseconds from `started` to now on `clock` (never negative). */
export function elapsedSince(started: number, clock: MonotonicClock): number {
  return Math.max(0, Math.round(clock() - started));
}

/** Names an abort reason: ours pass through, a DOM `TimeoutError` is `TIMEOUT`, anything else `CANCELED`. */
export function abortFailure(reason: unknown, elapsedMs: number): OpenWorkflowError {
  if (OpenWorkflowError.is(reason)) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new OpenWorkflowError('TIMEOUT', 'Handler attempt exceeded its deadline', {
      details: { elapsed_ms: elapsedMs },
      cause: reason,
    });
  }
  return new OpenWorkflowError('CANCELED', 'Handler attempt was canceled', {
    details: { elapsed_ms: elapsedMs },
    cause: reason,
  });
}

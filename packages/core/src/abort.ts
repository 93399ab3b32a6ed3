import { OpenWorkflowError } from './errors.js';

/**
 * A controller that aborts when its parent signal aborts (with the parent's reason). `dispose`
 * detaches it from the parent, so short-lived children do not accumulate listeners on a
 * long-lived run signal.
 */
export interface LinkedController {
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  dispose(): void;
}

export function linkedController(parent: AbortSignal): LinkedController {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, signal: controller.signal, dispose() {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return {
    controller,
    signal: controller.signal,
    dispose: () => parent.removeEventListener('abort', onAbort),
  };
}

/** The reason a signal aborted, as an `OpenWorkflowError` (`CANCELED` unless it carries one). */
export function abortError(signal: AbortSignal): OpenWorkflowError {
  const reason: unknown = signal.reason;
  if (OpenWorkflowError.is(reason)) return reason;
  return new OpenWorkflowError('CANCELED', 'Canceled', { cause: reason });
}

/** Rejects as soon as `signal` aborts; never settles otherwise. Dispose to drop the listener. */
export function abortPromise(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return {
    promise,
    dispose: () => {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    },
  };
}

import { OpenWorkflowError } from './errors.js';

/**
 * A node of the run's cancellation tree. Aborting a scope aborts all its descendants with the same
 * reason. Scopes are cheap (no `AbortController`, no `EventTarget` listeners) because the engine
 * makes one per step attempt; the standard `AbortSignal` handlers receive is created only when
 * someone reads `signal`.
 */
export class CancelScope {
  #aborted = false;
  #reason: unknown;
  #controller: AbortController | undefined;
  #listeners: Set<() => void> | undefined;
  #children: Set<CancelScope> | undefined;
  readonly #parent: CancelScope | undefined;

  constructor(parent?: CancelScope) {
    this.#parent = parent;
    if (parent === undefined) return;
    if (parent.aborted) {
      this.#aborted = true;
      this.#reason = parent.reason;
    } else {
      parent.#children ??= new Set();
      parent.#children.add(this);
    }
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** A standard signal that aborts with this scope (created on first use). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  child(): CancelScope {
    return new CancelScope(this);
  }

  /** Calls `listener` once when the scope aborts; returns a function that unregisters it. */
  onAbort(listener: () => void): () => void {
    if (this.#aborted) {
      listener();
      return noop;
    }
    this.#listeners ??= new Set();
    this.#listeners.add(listener);
    return () => this.#listeners?.delete(listener);
  }

  /**
   * `onAbort` without the unregister function, for a listener that lives as long as the scope
   * (it is dropped by `dispose`): one allocation fewer on the engine's hottest path.
   */
  listen(listener: () => void): void {
    if (this.#aborted) {
      listener();
      return;
    }
    this.#listeners ??= new Set();
    this.#listeners.add(listener);
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    if (this.#listeners !== undefined) for (const listener of [...this.#listeners]) listener();
    this.#listeners = undefined;
    if (this.#children !== undefined) for (const child of [...this.#children]) child.abort(reason);
  }

  /** Detaches from the parent, so finished children do not accumulate. */
  dispose(): void {
    const parent = this.#parent;
    if (parent !== undefined) parent.#children?.delete(this);
    this.#listeners = undefined;
  }

  /** The abort reason as an `OpenWorkflowError` (`CANCELED` unless it carries one). */
  error(): OpenWorkflowError {
    const reason = this.#reason;
    if (OpenWorkflowError.is(reason)) return reason;
    return new OpenWorkflowError('CANCELED', 'Canceled', { cause: reason });
  }
}

function noop(): void {}

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
  /** The first listener in a field, further ones in a set: an attempt scope has exactly one. */
  #listener: (() => void) | undefined;
  #listeners: Set<() => void> | undefined;
  /** Children as an intrusive doubly linked list: adding and dropping one allocates nothing. */
  #firstChild: CancelScope | undefined;
  #lastChild: CancelScope | undefined;
  #previous: CancelScope | undefined;
  #next: CancelScope | undefined;
  /** In the parent's list of children (until `dispose`). */
  #linked = false;
  readonly #parent: CancelScope | undefined;

  constructor(parent?: CancelScope) {
    this.#parent = parent;
    if (parent === undefined) return;
    if (parent.aborted) {
      this.#aborted = true;
      this.#reason = parent.reason;
    } else {
      // Appended at the end: children abort in the order they were made.
      const last = parent.#lastChild;
      if (last === undefined) parent.#firstChild = this;
      else last.#next = this;
      this.#previous = last;
      parent.#lastChild = this;
      this.#linked = true;
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
    this.#add(listener);
    return () => {
      if (this.#listener === listener) this.#listener = undefined;
      else this.#listeners?.delete(listener);
    };
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
    this.#add(listener);
  }

  #add(listener: () => void): void {
    if (this.#listener === undefined && this.#listeners === undefined) {
      this.#listener = listener;
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
    // Registration order: the field holds the first listener.
    const first = this.#listener;
    const rest = this.#listeners === undefined ? undefined : [...this.#listeners];
    this.#listener = undefined;
    this.#listeners = undefined;
    first?.();
    if (rest !== undefined) for (const listener of rest) listener();
    const children: CancelScope[] = [];
    for (let child = this.#firstChild; child !== undefined; child = child.#next) children.push(child);
    for (const child of children) child.abort(reason);
  }

  /** Detaches from the parent, so finished children do not accumulate. */
  dispose(): void {
    const parent = this.#parent;
    if (parent !== undefined && this.#linked) {
      if (this.#previous === undefined) parent.#firstChild = this.#next;
      else this.#previous.#next = this.#next;
      if (this.#next === undefined) parent.#lastChild = this.#previous;
      else this.#next.#previous = this.#previous;
      this.#previous = undefined;
      this.#next = undefined;
      this.#linked = false;
    }
    this.#listener = undefined;
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

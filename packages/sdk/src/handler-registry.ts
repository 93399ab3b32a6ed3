import { type ActionFunction, HandlerRegistry } from '@openworkflow/backend-native';
import { OpenWorkflowError } from '@openworkflow/core';
import { type ActionHandler, actionContext } from './action-context.js';

/** Options of `registerHandler` and `action()`. */
export interface HandlerOptions {
  /** Replace a handler already registered under the name instead of failing `VALIDATION`. */
  readonly replace?: boolean;
}

/** The user's function in the shape the native function executor calls. */
export function toActionFunction(handler: ActionHandler<never, unknown>): ActionFunction {
  if (typeof handler !== 'function') {
    throw new OpenWorkflowError('VALIDATION', 'A handler must be a function', {
      details: { field: 'handler', constraint: 'type' },
    });
  }
  const call = handler as ActionHandler<unknown, unknown>;
  return (input, context) => call(input, actionContext(context));
}

/**
 * Handlers by name: this instance's own first, then (unless isolated) those registered without an
 * instance through `action()` — so decorated functions work with any `OpenWorkflow`.
 */
export class LayeredHandlerRegistry extends HandlerRegistry {
  readonly #fallback: HandlerRegistry | undefined;

  constructor(fallback?: HandlerRegistry) {
    super();
    this.#fallback = fallback;
  }

  override get(name: string): ActionFunction | undefined {
    return super.get(name) ?? this.#fallback?.get(name);
  }

  override has(name: string): boolean {
    return super.has(name) || (this.#fallback?.has(name) ?? false);
  }

  override names(): string[] {
    const own = super.names();
    const shared = this.#fallback?.names().filter((name) => !own.includes(name)) ?? [];
    return [...own, ...shared];
  }
}

/** Registers `handler` under `name` on `registry`, honouring `replace`. */
export function registerIn(
  registry: HandlerRegistry,
  name: string,
  handler: ActionHandler<never, unknown>,
  options: HandlerOptions = {},
): void {
  const fn = toActionFunction(handler);
  if (options.replace === true) registry.unregister(name);
  registry.register(name, fn);
}

/** Handlers registered by `action(name)` without an instance; every non-isolated instance sees them. */
export const defaultHandlers = new HandlerRegistry();

import { type ActionFunction, HandlerRegistry } from '@openworkflow/backend-native';
import { OpenWorkflowError } from '@openworkflow/core';
import { type ActionHandler, actionContext } from './action-context.js';

/** Options of `registerHandler` and `action()`. */
export interface HandlerOptions {
  /** Replace a handler already registered under the name instead of failing `VALIDATION`. */
  readonly replace?: boolean;
  /**
   * Secrets the handler reads through `context.secrets` although no template names them (the
   * seed's `context.secrets.GITHUB_TOKEN`). They are resolved for the handler's connector before
   * each call, scope-checked like a handler config's `${secrets.X}`, and masked everywhere.
   */
  readonly secrets?: readonly string[];
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
  readonly #fallback: LayeredHandlerRegistry | undefined;
  readonly #secrets = new Map<string, readonly string[]>();

  constructor(fallback?: LayeredHandlerRegistry) {
    super();
    this.#fallback = fallback;
  }

  /** Records the secrets a handler declared (see {@link HandlerOptions.secrets}). */
  declareSecrets(name: string, secrets: readonly string[]): void {
    if (secrets.length === 0) this.#secrets.delete(name);
    else this.#secrets.set(name, [...secrets]);
  }

  /** The secrets the handler that `get(name)` returns declared. */
  secretsOf(name: string): readonly string[] {
    if (super.has(name)) return this.#secrets.get(name) ?? [];
    return this.#fallback?.secretsOf(name) ?? [];
  }

  override unregister(name: string): boolean {
    this.#secrets.delete(name);
    return super.unregister(name);
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
  registry: LayeredHandlerRegistry,
  name: string,
  handler: ActionHandler<never, unknown>,
  options: HandlerOptions = {},
): void {
  for (const secret of options.secrets ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(secret)) {
      throw new OpenWorkflowError('VALIDATION', `'${secret}' is not a secret name`, {
        details: { field: 'secrets', constraint: 'pattern' },
      });
    }
  }
  const fn = toActionFunction(handler);
  if (options.replace === true) registry.unregister(name);
  registry.register(name, fn);
  registry.declareSecrets(name, options.secrets ?? []);
}

/** Handlers registered by `action(name)` without an instance; every non-isolated instance sees them. */
export const defaultHandlers = new LayeredHandlerRegistry();

import type { ActionHandler } from './action-context.js';
import { defaultHandlers, type HandlerOptions, registerIn } from './handler-registry.js';
import type { OpenWorkflow } from './open-workflow.js';

/** Options of {@link action}. */
export interface ActionOptions extends HandlerOptions {
  /** Register on this instance instead of the shared registry every instance falls back to. */
  readonly openworkflow?: OpenWorkflow;
}

type AnyHandler = ActionHandler<never, unknown>;

/**
 * Registers a handler under `name` (the `function:` of an action's handler), as the seed
 * contract's `@action('weather.get_current_weather')`. Works two ways:
 *
 * - as a function wrapper: `const getWeather = action('weather.get')(async ({ location }) => ...)`;
 * - as a TC39 standard decorator on class methods: a `static` method registers when the class is
 *   defined; an instance method registers, bound to the instance, when an instance is created
 *   (a later instance replaces an earlier one).
 *
 * Without `openworkflow`, handlers go to a shared registry that every `OpenWorkflow` (not created
 * with `isolated: true`) falls back to when it has no handler of that name itself.
 *
 * @example
 * class Weather {
 *   @action('weather.get_current_weather')
 *   static async current({ location }: { location: string }) {
 *     return { location, temperature: 72, conditions: 'sunny' };
 *   }
 * }
 */
export function action(name: string, options: ActionOptions = {}) {
  const register = (handler: AnyHandler, replace: boolean) => {
    const target = options.openworkflow;
    const settings = { ...options, replace: replace || options.replace === true };
    if (target !== undefined) target.registerHandler(name, handler, settings);
    else registerIn(defaultHandlers, name, handler, settings);
  };
  function decorate<F extends AnyHandler>(handler: F): F;
  function decorate<F extends AnyHandler>(handler: F, context: ClassMethodDecoratorContext): F;
  function decorate<F extends AnyHandler>(handler: F, context?: ClassMethodDecoratorContext): F {
    if (context === undefined) {
      register(handler, false);
      return handler;
    }
    if (context.kind !== 'method') throw new TypeError(`@action('${name}') decorates methods only`);
    if (context.static) {
      context.addInitializer(function (this: unknown) {
        register(handler.bind(this) as F, false);
      });
    } else {
      context.addInitializer(function (this: unknown) {
        register(handler.bind(this) as F, true);
      });
    }
    return handler;
  }
  return decorate;
}

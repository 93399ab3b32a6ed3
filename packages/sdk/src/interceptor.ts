import type { ActionInvocation } from '@openworkflow/core';
import type { JsonValue } from '@openworkflow/schemas';

/**
 * Runs around one action call, whatever its handler type: return `next()` to call the real
 * handler, or a value (or throw) instead of it. The SDK's testing utilities build their mocks and
 * call recording on this; hosts can use it for middleware.
 *
 * @example
 * const timing: ActionInterceptor = async (call, next) => {
 *   const started = performance.now();
 *   try { return await next(); } finally { console.log(call.action.name, performance.now() - started); }
 * };
 */
export type ActionInterceptor = (
  invocation: ActionInvocation,
  next: () => Promise<JsonValue>,
) => Promise<JsonValue>;

/** The address a mock or a recorded call is known by: `<connector name>.<action name>`. */
export function actionAddress(invocation: Pick<ActionInvocation, 'connector' | 'action'>): string {
  return `${invocation.connector.name}.${invocation.action.name}`;
}

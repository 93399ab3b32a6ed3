import { OpenWorkflowError } from '@openworkflow/core';
import { type JsonSchema, type JsonValue, validateJsonSchema } from '@openworkflow/schemas';
import type { ActionContext, ActionHandler } from './action-context.js';

/** Schemas a handler checks itself, on top of the action's own `input` schema. */
export interface HandlerSchemas {
  /** Checked (with defaults applied) before the handler runs: `VALIDATION` naming the field. */
  readonly input?: JsonSchema;
  /** Checked on what the handler returns: `VALIDATION` with `details.direction: 'output'`. */
  readonly output?: JsonSchema;
}

function check(schema: JsonSchema, value: unknown, direction: 'input' | 'output', applyDefaults: boolean) {
  const validation = validateJsonSchema(schema, value as JsonValue, { applyDefaults });
  if (validation.valid) return validation.value;
  const issue = validation.issues[0]!;
  throw new OpenWorkflowError(
    'VALIDATION',
    `${direction === 'input' ? 'Input' : 'Output'} validation failed: ${issue.field} ${issue.message}`,
    { details: { field: issue.field, constraint: issue.keyword, pointer: issue.pointer, direction } },
  );
}

/**
 * Types a handler's input and output, and optionally validates both against JSON Schemas (the
 * seed's "typed parameters … validated automatically"). The engine already validates every call
 * against the action's `input` schema; use this when the handler wants its own guarantees, or
 * is called by code that bypasses the connector.
 *
 * @example
 * interface WeatherInput { location: string; units?: 'metric' | 'imperial' }
 * const getWeather = defineHandler<WeatherInput, { temperature: number }>(
 *   async ({ location, units }) => ({ temperature: units === 'imperial' ? 72 : 22 }),
 *   { input: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
 * );
 * openworkflow.registerHandler('weather.get_current_weather', getWeather);
 */
export function defineHandler<Input = Record<string, unknown>, Output = unknown>(
  handler: ActionHandler<Input, Output>,
  schemas: HandlerSchemas = {},
): ActionHandler<Input, Output> {
  const { input: inputSchema, output: outputSchema } = schemas;
  if (inputSchema === undefined && outputSchema === undefined) return handler;
  return async (input: Input, context: ActionContext): Promise<Output> => {
    const checked = inputSchema === undefined ? input : (check(inputSchema, input, 'input', true) as Input);
    const output = await handler(checked, context);
    if (outputSchema !== undefined)
      check(outputSchema, output === undefined ? null : output, 'output', false);
    return output;
  };
}

/** The input type of a handler made with {@link defineHandler} (or any {@link ActionHandler}). */
export type HandlerInput<H> = H extends ActionHandler<infer Input, unknown> ? Input : never;
/** The resolved output type of a handler. */
export type HandlerOutput<H> = H extends ActionHandler<never, infer Output> ? Awaited<Output> : never;

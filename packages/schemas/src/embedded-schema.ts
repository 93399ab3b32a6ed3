/** JSON Schemas embedded in documents (action input/output, agent io, guardrail output schemas). */
import type { ErrorObject } from 'ajv';
import { validateJsonSchema } from './generated/validators.js';
import type { JsonValue } from './model.js';
import type { NormalizeContext } from './normalize-context.js';
import { reportSchemaErrors } from './schema-diagnostics.js';

/**
 * Checks an embedded schema against the draft 2020-12 meta-schema; every problem is reported as
 * `OW_INVALID_JSON_SCHEMA`. Values that are not objects or booleans are left to the document schema.
 */
export function checkEmbeddedSchema(
  context: NormalizeContext,
  schema: JsonValue | undefined,
  pointer: string,
): void {
  if (
    schema === undefined ||
    (typeof schema !== 'object' && typeof schema !== 'boolean') ||
    Array.isArray(schema)
  ) {
    return;
  }
  if (validateJsonSchema(schema)) return;
  reportSchemaErrors(
    (validateJsonSchema.errors ?? []) as ErrorObject[],
    context.diagnostics,
    pointer,
    'OW_INVALID_JSON_SCHEMA',
  );
}

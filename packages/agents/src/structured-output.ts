import type { JsonSchema, JsonValue } from '@openworkflow/schemas';
import { validateJsonSchema } from '@openworkflow/schemas';

/** The outcome of reading a final answer against the output schema. */
export type OutputCheck =
  | { readonly ok: true; readonly value: JsonValue }
  | { readonly ok: false; readonly problem: string; readonly pointer?: string };

/** The JSON inside a reply: the whole text, or the body of one fenced ```json block. */
function jsonText(text: string): string {
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/.exec(text);
  return (fenced?.[1] ?? text).trim();
}

/** Parses the answer as JSON and validates it against `schema` (defaults applied). */
export function checkStructuredOutput(text: string, schema: JsonSchema): OutputCheck {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(jsonText(text)) as JsonValue;
  } catch {
    return { ok: false, problem: 'the answer is not valid JSON' };
  }
  const checked = validateJsonSchema(schema, parsed, { applyDefaults: true });
  if (checked.valid) return { ok: true, value: checked.value as JsonValue };
  const issue = checked.issues[0]!;
  return { ok: false, problem: `${issue.field} ${issue.message}`, pointer: issue.pointer };
}

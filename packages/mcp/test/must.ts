import { formatDiagnostic } from '@openworkflow/schemas';

/** The value of a loader result, or an error listing its diagnostics (a test document must load). */
export function must<T>(result: {
  ok: boolean;
  value?: T;
  diagnostics: readonly Parameters<typeof formatDiagnostic>[0][];
}): T {
  if (!result.ok || result.value === undefined)
    throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.value;
}

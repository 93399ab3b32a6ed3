import { formatDiagnostic, loadWorkflows, type Workflow } from '@openworkflow/schemas';

/**
 * Loads authoring documents through the real `@openworkflow/schemas` loader (as the SDK does) and
 * fails loudly on any error diagnostic, so a test never runs a document the loader rejects.
 */
export function loadTestWorkflows(documents: readonly object[]): Workflow[] {
  const loaded = loadWorkflows({ workflows: documents });
  const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (!loaded.ok || loaded.value === undefined || errors.length > 0) {
    throw new Error(`test workflow does not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
  return [...loaded.value];
}

/** One workflow document, loaded. */
export function loadTestWorkflow(document: object): Workflow {
  return loadTestWorkflows([document])[0]!;
}

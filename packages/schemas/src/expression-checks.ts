/**
 * The loader's one use of `@openworkflow/expressions`: every template site recorded while
 * normalising is checked (syntax, sandbox rules, the roots available at that place), and the
 * `steps.<id>` paths it reads become step references for the step graph.
 */
import { checkTemplate, templateReferences } from '@openworkflow/expressions';
import type { DiagnosticCollector } from './diagnostics.js';
import type { TemplateSite } from './normalize-context.js';
import type { PositionIndex } from './source-positions.js';
import type { StepReference } from './step-graph.js';

/** Roots every template may read (spec/workflows.md#templates-and-references). */
const COMMON_ROOTS = ['inputs', 'steps', 'env', 'trigger'] as const;
const LOOP_ROOTS = ['item', 'index', 'isFirst', 'isLast'] as const;

/** The roots a template at this site may read. */
export function allowedRoots(site: TemplateSite): string[] {
  return [
    ...COMMON_ROOTS,
    ...(site.secrets ? ['secrets'] : []),
    ...(site.loopVariables ? LOOP_ROOTS : []),
    ...(site.errorVariable ? ['error'] : []),
  ];
}

/**
 * Checks the templates of a workflow's sites, reporting `OW_EXPRESSION_FORBIDDEN_ROOT` and
 * `OW_EXPRESSION_INVALID`, and returns the step references they hold. A problem inside a one-line
 * string is placed at its exact column; otherwise at the string, with the position inside the
 * template in the message.
 */
export function checkTemplateSites(
  sites: readonly TemplateSite[],
  diagnostics: DiagnosticCollector,
  positions: PositionIndex | undefined,
): StepReference[] {
  const references: StepReference[] = [];
  for (const site of sites) {
    const options = { allowedRoots: allowedRoots(site), condition: site.role === 'condition' };
    for (const error of checkTemplate(site.value, options)) {
      const pointer = site.pointer + (error.pointer ?? '');
      const exact =
        error.line === 1 && error.column !== undefined
          ? positions?.locateInString(pointer, error.column)
          : undefined;
      const where =
        exact === undefined && error.line !== undefined
          ? ` (template line ${error.line}, column ${error.column})`
          : '';
      diagnostics.report(
        error.code === 'EXPR_FORBIDDEN_ROOT' ? 'OW_EXPRESSION_FORBIDDEN_ROOT' : 'OW_EXPRESSION_INVALID',
        pointer,
        `${error.code}: ${error.message}${where}`,
        exact === undefined ? {} : { position: exact },
      );
    }
    for (const reference of templateReferences(site.value)) {
      const target = reference.path[0];
      if (reference.root !== 'steps' || typeof target !== 'string') continue;
      const pointer = site.pointer + (reference.pointer ?? '');
      // `start` is an offset into the string; on a one-line string it maps to a column.
      const position = positions?.locateInString(pointer, reference.start + 1);
      references.push({
        ...(site.stepId !== undefined ? { from: site.stepId } : {}),
        target,
        pointer,
        ...(position !== undefined ? { position } : {}),
      });
    }
  }
  return references;
}

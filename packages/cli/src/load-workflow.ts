import { resolve } from 'node:path';
import { findWorkflow } from '@openworkflow/core';
import {
  type Diagnostic,
  formatDiagnostic,
  type LoadedDocument,
  loadFile,
  type Workflow,
} from '@openworkflow/schemas';
import { exitCodeFor } from './exit-codes.js';
import { type CliIo, writeLine } from './io.js';

/** A loaded document, or the exit code after its diagnostics were printed. */
export type Loaded =
  | { readonly ok: true; readonly document: LoadedDocument; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly exitCode: number };

/**
 * Loads `file` (relative to the working directory). Errors are printed to stderr and give the
 * `VALIDATION` exit code; warnings are returned for the caller to show or not.
 */
export async function loadForCommand(file: string, io: CliIo): Promise<Loaded> {
  const result = await loadFile(resolve(io.cwd, file), { file });
  if (!result.ok || result.value === undefined) {
    for (const diagnostic of result.diagnostics) writeLine(io.stderr, formatDiagnostic(diagnostic));
    const unreadable = result.diagnostics.some((diagnostic) => diagnostic.code === 'OW_FILE_UNREADABLE');
    return { ok: false, exitCode: exitCodeFor(unreadable ? 'NOT_FOUND' : 'VALIDATION') };
  }
  return {
    ok: true,
    document: result.value,
    warnings: result.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning'),
  };
}

/** A workflow picked from a file, or the exit code after a message was printed. */
export type Picked =
  | { readonly ok: true; readonly workflow: Workflow }
  | { readonly ok: false; readonly exitCode: number };

/**
 * Picks one workflow: by name or id when `name` is given, the only one otherwise. A file with
 * several workflows and no name, or a name that matches none, is an error naming the choices.
 */
export function pickWorkflow(
  workflows: readonly Workflow[],
  name: string | undefined,
  file: string,
  io: CliIo,
): Picked {
  if (name !== undefined) {
    const workflow = findWorkflow(workflows, name);
    if (workflow !== undefined) return { ok: true, workflow };
    writeLine(io.stderr, `openworkflow: NOT_FOUND: no workflow '${name}' in ${file}`);
    writeLine(io.stderr, `  available: ${workflows.map((item) => `'${item.name}'`).join(', ')}`);
    return { ok: false, exitCode: exitCodeFor('NOT_FOUND') };
  }
  if (workflows.length === 1) return { ok: true, workflow: workflows[0]! };
  writeLine(
    io.stderr,
    `openworkflow: ${file} holds ${workflows.length} workflows; choose one with --workflow:`,
  );
  for (const workflow of workflows) writeLine(io.stderr, `  --workflow '${workflow.name}'`);
  return { ok: false, exitCode: exitCodeFor('VALIDATION') };
}

/**
 * `loadForCommand` then `pickWorkflow`, for commands that need exactly one workflow: a file of
 * another kind (connectors, agents) is a `VALIDATION` error naming its kind.
 */
export async function loadWorkflowForCommand(
  file: string,
  name: string | undefined,
  io: CliIo,
): Promise<Picked> {
  const loaded = await loadForCommand(file, io);
  if (!loaded.ok) return loaded;
  if (loaded.document.kind !== 'workflows') {
    writeLine(
      io.stderr,
      `openworkflow: VALIDATION: ${file} is a ${loaded.document.kind}, not a workflow file`,
    );
    return { ok: false, exitCode: exitCodeFor('VALIDATION') };
  }
  return pickWorkflow(loaded.document.workflows, name, file, io);
}

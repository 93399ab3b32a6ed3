import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Diagnostic, formatDiagnostic, loadFile } from '@openworkflow/schemas';
import { booleanFlag, type ParsedArgs } from '../args.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { type CliIo, writeLine } from '../io.js';

/** The result of validating one file, as `--json` prints it. */
export interface FileValidation {
  readonly file: string;
  readonly ok: boolean;
  /** `workflows`, `connector`, `agent` or `bundle` when the file loaded. */
  readonly kind?: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** `openworkflow validate <files...>`: every diagnostic of every file; exit 1 on any error. */
export async function execute(args: ParsedArgs, io: CliIo): Promise<number> {
  const strict = booleanFlag(args, 'strict');
  const results: FileValidation[] = [];
  for (const file of await expandDirectories(args.positionals, io.cwd)) {
    // Diagnostics name the file as the user wrote it; the read uses the resolved path.
    const result = await loadFile(resolve(io.cwd, file), { file, strict });
    results.push({
      file,
      ok: result.ok,
      ...(result.value === undefined ? {} : { kind: result.value.kind }),
      diagnostics: result.diagnostics,
    });
  }
  const errors = count(results, 'error');
  const warnings = count(results, 'warning');
  if (booleanFlag(args, 'json')) {
    writeLine(io.stdout, JSON.stringify({ ok: errors === 0, errors, warnings, files: results }, null, 2));
  } else {
    for (const result of results) {
      for (const diagnostic of result.diagnostics) writeLine(io.stdout, formatDiagnostic(diagnostic));
    }
    const files = results.length === 1 ? '1 file' : `${results.length} files`;
    writeLine(
      io.stderr,
      `${files} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${errors === 0 ? ' — valid' : ''}`,
    );
  }
  return errors === 0 ? EXIT_OK : EXIT_FAILED;
}

/** A directory argument stands for its YAML and JSON files (not its subdirectories), in name order. */
async function expandDirectories(paths: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let entries: Dirent[] | undefined;
    try {
      if ((await stat(resolve(cwd, path))).isDirectory()) {
        entries = await readdir(resolve(cwd, path), { withFileTypes: true });
      }
    } catch {
      // Not there: loadFile reports it as unreadable.
    }
    if (entries === undefined) {
      files.push(path);
      continue;
    }
    const names = entries
      .filter((entry) => entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name))
      .map((entry) => entry.name)
      .sort();
    for (const name of names) files.push(join(path, name));
  }
  return files;
}

function count(results: readonly FileValidation[], severity: Diagnostic['severity']): number {
  let total = 0;
  for (const result of results) {
    for (const diagnostic of result.diagnostics) if (diagnostic.severity === severity) total++;
  }
  return total;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

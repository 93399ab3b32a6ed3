import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { formatDiagnostic, loadFile } from '@openworkflow/schemas';
import { booleanFlag, type ParsedArgs, stringFlag, UsageError } from '../args.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { type CliIo, writeLine } from '../io.js';
import {
  DEFAULT_LIST_MAX_FILE_BYTES,
  DEFAULT_LIST_MAX_FILES,
  LIST_MAX_DEPTH,
  MAX_INDEXED_DESCRIPTION_LENGTH,
  MAX_INDEXED_INPUTS,
  MAX_INDEXED_NAME_LENGTH,
} from '../limits.js';
import { redactCredentials, truncate } from '../redact-metadata.js';
import {
  collectReferences,
  formatInputSummary,
  type InputSummary,
  summarizeInputs,
} from '../workflow-summary.js';

/** The directories `list` scans under a project root, in this order. */
export const WORKFLOW_DIRECTORIES = ['.openworkflow/workflows', 'workflows'] as const;

const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** One indexed workflow (seed orchestration document §3.1: the minimum metadata). */
export interface IndexedWorkflow {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly file: string;
  readonly inputs: readonly InputSummary[];
  /** Output names (the seed's outputs summary); values are templates and are not shown. */
  readonly outputs: readonly string[];
  readonly connectors: readonly string[];
  readonly agents: readonly string[];
  readonly workflows: readonly string[];
  readonly warnings: number;
}

/** A file that was not indexed, and why. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: 'invalid' | 'too-large' | 'not-a-workflow' | 'symlink' | 'limit';
  readonly message: string;
}

/** What `list --json` prints. */
export interface WorkflowIndex {
  readonly root: string;
  readonly directories: readonly string[];
  readonly workflows: readonly IndexedWorkflow[];
  readonly skipped: readonly SkippedFile[];
}

/** Options of {@link indexWorkflows}. */
export interface IndexOptions {
  readonly maxFiles?: number;
  readonly maxBytes?: number;
}

/**
 * Indexes the workflows of a project without executing or evaluating anything (seed orchestration
 * document §4.1): files are parsed and validated as data by the loader, templates are never
 * rendered, environment variables are never read, nothing touches the network. Symbolic links are
 * not followed, files over the size cap and files past the count cap are skipped, and metadata is
 * bounded and scrubbed of credential-shaped strings.
 *
 * @example
 * const index = await indexWorkflows('/repo');
 * for (const workflow of index.workflows) console.log(workflow.id, workflow.connectors);
 */
export async function indexWorkflows(root: string, options: IndexOptions = {}): Promise<WorkflowIndex> {
  const maxFiles = options.maxFiles ?? DEFAULT_LIST_MAX_FILES;
  const maxBytes = options.maxBytes ?? DEFAULT_LIST_MAX_FILE_BYTES;
  const directories: string[] = [];
  for (const candidate of WORKFLOW_DIRECTORIES) {
    if (await isDirectory(join(root, candidate))) directories.push(join(root, candidate));
  }
  // A directory without the conventional folders is taken to be a workflows folder itself.
  if (directories.length === 0) directories.push(root);

  const skipped: SkippedFile[] = [];
  const files: string[] = [];
  for (const directory of directories) await collectFiles(directory, 0, root, files, skipped);

  const workflows: IndexedWorkflow[] = [];
  for (const [position, path] of files.entries()) {
    const file = relative(root, path).split(sep).join('/');
    if (position >= maxFiles) {
      skipped.push({ file, reason: 'limit', message: `more than ${maxFiles} files; not indexed` });
      continue;
    }
    const result = await loadFile(path, { file, maxBytes });
    if (!result.ok || result.value === undefined) {
      const first = result.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
      const tooLarge = first?.code === 'OW_INPUT_TOO_LARGE';
      skipped.push({
        file,
        reason: tooLarge ? 'too-large' : 'invalid',
        message: first === undefined ? 'invalid' : redactCredentials(formatDiagnostic(first)),
      });
      continue;
    }
    if (result.value.kind !== 'workflows') {
      skipped.push({ file, reason: 'not-a-workflow', message: `a ${result.value.kind} document` });
      continue;
    }
    const warnings = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning').length;
    for (const workflow of result.value.workflows) {
      const references = collectReferences(workflow);
      const description = workflow.description ?? workflow.displayName;
      workflows.push({
        id: workflow.id ?? `${file}#${slug(workflow.name)}`,
        name: clean(workflow.name, MAX_INDEXED_NAME_LENGTH),
        version: clean(workflow.version, MAX_INDEXED_NAME_LENGTH),
        ...(description === undefined
          ? {}
          : { description: clean(description, MAX_INDEXED_DESCRIPTION_LENGTH) }),
        file,
        inputs: summarizeInputs(workflow.inputs)
          .slice(0, MAX_INDEXED_INPUTS)
          .map((input) => ({
            ...input,
            ...(input.description === undefined
              ? {}
              : { description: clean(input.description, MAX_INDEXED_DESCRIPTION_LENGTH) }),
          })),
        outputs: Object.keys(workflow.outputs)
          .slice(0, MAX_INDEXED_INPUTS)
          .map((name) => clean(name, MAX_INDEXED_NAME_LENGTH)),
        connectors: references.connectors,
        agents: references.agents,
        workflows: references.workflows,
        warnings,
      });
    }
  }
  return {
    root,
    directories: directories.map((directory) => relative(root, directory).split(sep).join('/') || '.'),
    workflows,
    skipped,
  };
}

/** `openworkflow list [dir]`. Exit 0 when at least the scan worked, 1 when `dir` is not a directory. */
export async function execute(args: ParsedArgs, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, args.positionals[0] ?? '.');
  const maxFiles = positiveInteger(args, 'max-files');
  const maxBytes = positiveInteger(args, 'max-bytes');
  if (!(await isDirectory(root))) {
    writeLine(io.stderr, `openworkflow: NOT_FOUND: ${args.positionals[0] ?? '.'} is not a directory`);
    return EXIT_FAILED;
  }
  const index = await indexWorkflows(root, {
    ...(maxFiles === undefined ? {} : { maxFiles }),
    ...(maxBytes === undefined ? {} : { maxBytes }),
  });
  if (booleanFlag(args, 'json')) {
    writeLine(io.stdout, JSON.stringify({ ...index, root: args.positionals[0] ?? '.' }, null, 2));
    return EXIT_OK;
  }
  for (const workflow of index.workflows) {
    writeLine(io.stdout, `${workflow.name}  ${workflow.version}`);
    writeLine(io.stdout, `  id:          ${workflow.id}`);
    if (workflow.description !== undefined) {
      writeLine(io.stdout, `  description: ${workflow.description.replace(/\s+/g, ' ').trim()}`);
    }
    writeLine(io.stdout, `  inputs:      ${workflow.inputs.map(formatInputSummary).join(', ') || '-'}`);
    writeLine(io.stdout, `  outputs:     ${workflow.outputs.join(', ') || '-'}`);
    writeLine(io.stdout, `  connectors:  ${workflow.connectors.join(', ') || '-'}`);
    writeLine(io.stdout, `  agents:      ${workflow.agents.join(', ') || '-'}`);
    if (workflow.workflows.length > 0)
      writeLine(io.stdout, `  workflows:   ${workflow.workflows.join(', ')}`);
    writeLine(io.stdout);
  }
  // Connectors and agents beside the workflows are expected there: counted, not listed.
  for (const item of index.skipped) {
    if (item.reason !== 'not-a-workflow')
      writeLine(io.stderr, `skipped ${item.file} (${item.reason}): ${item.message}`);
  }
  writeLine(
    io.stderr,
    `${index.workflows.length} workflow(s) indexed from ${index.directories.join(', ')}; ${index.skipped.length} file(s) skipped`,
  );
  return EXIT_OK;
}

async function collectFiles(
  directory: string,
  depth: number,
  root: string,
  files: string[],
  skipped: SkippedFile[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isSymbolicLink()) {
      if (EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
        const file = relative(root, path).split(sep).join('/');
        skipped.push({ file, reason: 'symlink', message: 'symbolic links are not followed' });
      }
    } else if (entry.isDirectory()) {
      if (depth + 1 <= LIST_MAX_DEPTH && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        await collectFiles(path, depth + 1, root, files, skipped);
      }
    } else if (entry.isFile() && EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
      files.push(path);
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

function clean(text: string, max: number): string {
  return truncate(redactCredentials(text), max);
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'workflow'
  );
}

function positiveInteger(args: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a positive integer (got '${raw}')`, 'list');
  }
  return value;
}

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenWorkflowError } from '@openworkflow/core';
import {
  type Agent,
  type Connector,
  type Diagnostic,
  formatDiagnostic,
  type LoadResult,
  loadAgent,
  loadConnector,
  loadWorkflows,
  type Workflow,
} from '@openworkflow/schemas';

/** A connector as given to `registerConnector`: a file path, or the document as an object. */
export type ConnectorSource = string | URL | object;

/** Diagnostics as details of an error: positions and codes, never document values. */
function diagnosticDetails(diagnostics: readonly Diagnostic[]) {
  return diagnostics
    .filter((diagnostic) => diagnostic.severity === 'error')
    .slice(0, 20)
    .map((diagnostic) => ({
      code: diagnostic.code,
      message: diagnostic.message,
      pointer: diagnostic.pointer,
      ...(diagnostic.file === undefined ? {} : { file: diagnostic.file }),
      ...(diagnostic.line === undefined ? {} : { line: diagnostic.line, column: diagnostic.column ?? 0 }),
    }));
}

/** The loader's result as a value, or `VALIDATION` quoting the first error with its position. */
export function unwrapLoad<T>(result: LoadResult<T>, what: string): T {
  if (result.ok && result.value !== undefined) return result.value;
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw new OpenWorkflowError(
    'VALIDATION',
    first === undefined ? `Invalid ${what}` : `Invalid ${what}: ${formatDiagnostic(first)}${more}`,
    { details: { diagnostics: diagnosticDetails(result.diagnostics) } },
  );
}

function isConnectorModel(value: object): value is Connector {
  const candidate = value as Partial<Connector>;
  return (
    candidate.type === 'connector' &&
    typeof candidate.id === 'string' &&
    Array.isArray(candidate.actions) &&
    typeof candidate.source === 'object' &&
    typeof candidate.runtime === 'object'
  );
}

/** Reads a file given as a path (relative to `baseDir`, default the working directory) or URL. */
export async function readDocument(
  source: string | URL,
  baseDir?: string,
): Promise<{ text: string; file: string }> {
  const file = source instanceof URL ? fileURLToPath(source) : resolve(baseDir ?? process.cwd(), source);
  try {
    return { text: await readFile(file, 'utf8'), file };
  } catch (cause) {
    throw new OpenWorkflowError('NOT_FOUND', `Cannot read ${file}`, {
      details: { file, error_type: (cause as { code?: string }).code ?? 'unknown' },
      cause,
    });
  }
}

/** A loaded connector and whether its document set `runtime.timeout` itself. */
export interface LoadedConnector {
  readonly connector: Connector;
  readonly declaresTimeout: boolean;
}

function runtimeOf(document: unknown): unknown {
  if (typeof document !== 'object' || document === null) return undefined;
  const record = document as Record<string, unknown>;
  const block = record.connector;
  if (typeof block === 'object' && block !== null && 'runtime' in block) {
    return (block as Record<string, unknown>).runtime;
  }
  return record.runtime;
}

/** Loads a connector from a path, a URL, an authoring/registry-shaped object or a loaded model. */
export async function loadConnectorSource(
  source: ConnectorSource,
  baseDir?: string,
): Promise<LoadedConnector> {
  if (typeof source === 'string' || source instanceof URL) {
    const { text, file } = await readDocument(source, baseDir);
    const result = loadConnector(text, { file });
    const connector = unwrapLoad(result, `connector ${file}`);
    const keys = [
      ...(result.positions?.keysOf('/connector/runtime') ?? []),
      ...(result.positions?.keysOf('/runtime') ?? []),
    ];
    return { connector, declaresTimeout: keys.includes('timeout') };
  }
  if (isConnectorModel(source)) return { connector: source, declaresTimeout: true };
  const connector = unwrapLoad(loadConnector(source), 'connector');
  const runtime = runtimeOf(source);
  const declaresTimeout = typeof runtime === 'object' && runtime !== null && 'timeout' in runtime;
  return { connector, declaresTimeout };
}

/** An agent as given to `registerAgent`: a file path or URL, or the manifest as an object. */
export type AgentSource = string | URL | object;

/** A loaded agent model (a document object has no `form`, `registryMode` or `source`). */
function isAgentModel(value: object): value is Agent {
  const candidate = value as Partial<Agent>;
  return (
    candidate.type === 'agent' &&
    (candidate.form === 'manifest' || candidate.form === 'formal') &&
    typeof candidate.registryMode === 'boolean' &&
    typeof candidate.source === 'object'
  );
}

/** Loads an agent manifest (either form) from a path, a URL, a document object or a loaded model. */
export async function loadAgentSource(source: AgentSource, baseDir?: string): Promise<Agent> {
  if (typeof source === 'string' || source instanceof URL) {
    const { text, file } = await readDocument(source, baseDir);
    return unwrapLoad(loadAgent(text, { file }), `agent ${file}`);
  }
  if (isAgentModel(source)) return source;
  return unwrapLoad(loadAgent(source), 'agent');
}

/** Loads a workflow file's workflows from text, bytes or a parsed object. */
export function loadWorkflowSource(source: string | object, file?: string): readonly Workflow[] {
  const result = loadWorkflows(source, file === undefined ? {} : { file });
  return unwrapLoad(result, file === undefined ? 'workflow document' : `workflow file ${file}`);
}

/**
 * The loader: YAML or JSON text, bytes or an already-parsed value in; the canonical model and every
 * diagnostic out. It never throws on document content. See spec/loader.md.
 */
import { readFile, stat } from 'node:fs/promises';
import { type Diagnostic, DiagnosticCollector } from './diagnostics.js';
import { type DocumentKind, detectDocumentKind } from './document-kind.js';
import { checkTemplateSites } from './expression-checks.js';
import {
  type GeneratedValidator,
  validateAgentFormal,
  validateAgentManifest,
  validateBundleDocument,
  validateConnectorDocument,
  validateWorkflowDocument,
} from './generated/validators.js';
import { appendPointer } from './json-pointer.js';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_DOCUMENT_BYTES } from './limits.js';
import type { Agent, Bundle, Connector, JsonObject, JsonValue, Workflow } from './model.js';
import { normalizeAgentFormal, normalizeAgentManifest } from './normalize-agent.js';
import { normalizeBundle } from './normalize-bundle.js';
import { normalizeConnector } from './normalize-connector.js';
import { isObject, type NormalizeContext } from './normalize-context.js';
import { checkWorkflowNames, normalizeWorkflow, splitWorkflowFile } from './normalize-workflow.js';
import { decodeSourceBytes, importParsedValue, parseSourceText } from './parse-source.js';
import { reportSchemaErrors } from './schema-diagnostics.js';
import { PositionIndex } from './source-positions.js';
import { analyzeStepGraph } from './step-graph.js';

/** Options of every loader function (spec/loader.md#api). */
export interface LoadOptions {
  /** Shown in diagnostics and `SourceRef`s; `loadFile` sets it to the path. */
  readonly file?: string;
  /** Reject every legacy alias (their warnings become errors). Default false. */
  readonly strict?: boolean;
  /** Byte cap checked before parsing. Default 1 MiB. */
  readonly maxBytes?: number;
  /** YAML aliases a document may use. Default 0 (none); at most 100. */
  readonly maxAliasCount?: number;
  /** Registry-publish strictness: registry metadata required, bundle includes pinned. Default false. */
  readonly registry?: boolean;
}

/** What a loader call returns. `value` is present exactly when no error was found. */
export interface LoadResult<T> {
  readonly ok: boolean;
  readonly value?: T;
  /** Errors and warnings, ordered by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Line and column of any JSON pointer into the document (text inputs only). */
  readonly positions?: PositionIndex;
}

/** A loaded document of any kind, tagged with its kind. */
export type LoadedDocument =
  | { readonly kind: 'workflows'; readonly workflows: readonly Workflow[] }
  | { readonly kind: 'connector'; readonly connector: Connector }
  | { readonly kind: 'agent'; readonly agent: Agent }
  | { readonly kind: 'bundle'; readonly bundle: Bundle };

/** Text (YAML or JSON), UTF-8 bytes, or a value already parsed from JSON/YAML. */
export type LoadInput = string | Uint8Array | object;

const VALIDATORS: Readonly<Record<DocumentKind, GeneratedValidator>> = {
  workflow: validateWorkflowDocument,
  connector: validateConnectorDocument,
  'agent-manifest': validateAgentManifest,
  'agent-formal': validateAgentFormal,
  bundle: validateBundleDocument,
};

const KIND_NAMES: Readonly<Record<LoadedDocument['kind'], string>> = {
  workflows: 'a workflow file',
  connector: 'a connector',
  agent: 'an agent',
  bundle: 'a bundle',
};

/**
 * Loads any OpenWorkflow document, recognising its kind.
 *
 * @example
 * const result = loadDocument(yamlText, { file: 'flows.yaml' });
 * if (result.ok && result.value?.kind === 'workflows') run(result.value.workflows[0]);
 * else for (const d of result.diagnostics) console.error(formatDiagnostic(d));
 */
export function loadDocument(input: LoadInput, options: LoadOptions = {}): LoadResult<LoadedDocument> {
  return load(input, options, undefined);
}

/** Loads a workflow file (any accepted shape) into its workflows. */
export function loadWorkflows(input: LoadInput, options: LoadOptions = {}): LoadResult<readonly Workflow[]> {
  return narrow(load(input, options, 'workflows'), (document) =>
    document.kind === 'workflows' ? document.workflows : undefined,
  );
}

/** Loads a connector (authoring or registry shape). */
export function loadConnector(input: LoadInput, options: LoadOptions = {}): LoadResult<Connector> {
  return narrow(load(input, options, 'connector'), (document) =>
    document.kind === 'connector' ? document.connector : undefined,
  );
}

/** Loads an agent (manifest or formal form). */
export function loadAgent(input: LoadInput, options: LoadOptions = {}): LoadResult<Agent> {
  return narrow(load(input, options, 'agent'), (document) =>
    document.kind === 'agent' ? document.agent : undefined,
  );
}

/** Loads a bundle manifest. */
export function loadBundle(input: LoadInput, options: LoadOptions = {}): LoadResult<Bundle> {
  return narrow(load(input, options, 'bundle'), (document) =>
    document.kind === 'bundle' ? document.bundle : undefined,
  );
}

/**
 * Reads and loads a file. The size is checked before the file is read; I/O failures become an
 * `OW_FILE_UNREADABLE` diagnostic.
 */
export async function loadFile(path: string, options: LoadOptions = {}): Promise<LoadResult<LoadedDocument>> {
  const withFile = { ...options, file: options.file ?? path };
  const diagnostics = new DiagnosticCollector({ file: withFile.file, strict: withFile.strict ?? false });
  const maxBytes = withFile.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > maxBytes) {
      diagnostics.report(
        'OW_INPUT_TOO_LARGE',
        '',
        `The file is ${info.size} bytes; the limit is ${maxBytes} bytes`,
      );
      return { ok: false, diagnostics: diagnostics.toArray() };
    }
    return loadDocument(await readFile(path), withFile);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    diagnostics.report('OW_FILE_UNREADABLE', '', `The file could not be read (${reason})`);
    return { ok: false, diagnostics: diagnostics.toArray() };
  }
}

function load(
  input: LoadInput,
  options: LoadOptions,
  expected: LoadedDocument['kind'] | undefined,
): LoadResult<LoadedDocument> {
  const positions =
    typeof input === 'string' || input instanceof Uint8Array ? new PositionIndex() : undefined;
  const diagnostics = new DiagnosticCollector({
    ...(options.file !== undefined ? { file: options.file } : {}),
    strict: options.strict ?? false,
    ...(positions !== undefined ? { positions } : {}),
  });
  const finish = (value?: LoadedDocument): LoadResult<LoadedDocument> => {
    const sorted = sortByPosition(diagnostics.toArray());
    const ok = !diagnostics.hasErrors && value !== undefined;
    return {
      ok,
      ...(ok ? { value } : {}),
      diagnostics: sorted,
      ...(positions !== undefined ? { positions } : {}),
    };
  };

  const data = readInput(input, options, diagnostics, positions);
  if (data === undefined) return finish();
  if (!isObject(data)) {
    diagnostics.report('OW_DOCUMENT_NOT_OBJECT', '', 'The document root must be a mapping');
    return finish();
  }
  const kind = detectDocumentKind(data);
  if (kind === undefined) {
    diagnostics.report(
      'OW_UNKNOWN_DOCUMENT_KIND',
      '',
      'Not a workflow, connector, agent or bundle: add `type:` or use `workflows:` / `connector:`',
    );
    return finish();
  }
  const loaded =
    kind === 'workflow' ? 'workflows' : kind.startsWith('agent') ? 'agent' : (kind as 'connector' | 'bundle');
  if (expected !== undefined && loaded !== expected) {
    diagnostics.report(
      'OW_WRONG_DOCUMENT_KIND',
      '',
      `Expected ${KIND_NAMES[expected]}, found ${KIND_NAMES[loaded]}`,
    );
    return finish();
  }

  const validator = VALIDATORS[kind];
  if (!validator(data)) reportSchemaErrors(validator.errors ?? [], diagnostics);
  const context: NormalizeContext = {
    diagnostics,
    ...(options.file !== undefined ? { file: options.file } : {}),
    registry: options.registry ?? false,
    templateSites: [],
    declaredSteps: [],
    ...(positions !== undefined ? { positions } : {}),
  };
  return finish(normalize(kind, data, context));
}

function readInput(
  input: LoadInput,
  options: LoadOptions,
  diagnostics: DiagnosticCollector,
  positions: PositionIndex | undefined,
): JsonValue | undefined {
  const parse = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    maxAliasCount: options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT,
  };
  if (typeof input === 'string') return parseSourceText(input, parse, diagnostics, positions!);
  if (input instanceof Uint8Array) {
    const text = decodeSourceBytes(input, parse, diagnostics);
    return text === undefined ? undefined : parseSourceText(text, parse, diagnostics, positions!);
  }
  return importParsedValue(input, diagnostics);
}

function normalize(
  kind: DocumentKind,
  data: JsonObject,
  context: NormalizeContext,
): LoadedDocument | undefined {
  switch (kind) {
    case 'workflow': {
      const parts = splitWorkflowFile(context, data);
      const loaded = parts.flatMap(({ raw, pointer }) => {
        const sitesBefore = context.templateSites.length;
        const stepsBefore = context.declaredSteps.length;
        const workflow = normalizeWorkflow(context, raw, pointer);
        if (workflow === undefined) return [];
        const sites = context.templateSites.slice(sitesBefore);
        const references = checkTemplateSites(sites, context.diagnostics, context.positions);
        analyzeStepGraph(
          workflow.steps,
          appendPointer(pointer, 'steps'),
          workflow.strategy,
          references,
          context.declaredSteps.slice(stepsBefore),
          context.diagnostics,
        );
        return [{ workflow, pointer }];
      });
      checkWorkflowNames(context, loaded);
      if (loaded.length !== parts.length) return undefined;
      return { kind: 'workflows', workflows: loaded.map((item) => item.workflow) };
    }
    case 'connector': {
      const connector = normalizeConnector(context, data);
      return connector === undefined ? undefined : { kind: 'connector', connector };
    }
    case 'agent-manifest':
    case 'agent-formal': {
      const agent =
        kind === 'agent-manifest'
          ? normalizeAgentManifest(context, data)
          : normalizeAgentFormal(context, data);
      return agent === undefined ? undefined : { kind: 'agent', agent };
    }
    case 'bundle': {
      const bundle = normalizeBundle(context, data);
      return bundle === undefined ? undefined : { kind: 'bundle', bundle };
    }
  }
}

function narrow<T>(
  result: LoadResult<LoadedDocument>,
  pick: (document: LoadedDocument) => T | undefined,
): LoadResult<T> {
  const value = result.value === undefined ? undefined : pick(result.value);
  return {
    ok: result.ok && value !== undefined,
    ...(value !== undefined ? { value } : {}),
    diagnostics: result.diagnostics,
    ...(result.positions !== undefined ? { positions: result.positions } : {}),
  };
}

function sortByPosition(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort(
      (a, b) =>
        (a.diagnostic.line ?? Number.MAX_SAFE_INTEGER) - (b.diagnostic.line ?? Number.MAX_SAFE_INTEGER) ||
        (a.diagnostic.column ?? 0) - (b.diagnostic.column ?? 0) ||
        a.index - b.index,
    )
    .map(({ diagnostic }) => diagnostic);
}

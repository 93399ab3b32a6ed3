/**
 * The one YAML/JSON reader of the project: text (or bytes, or an already-parsed value) in, plain
 * JSON data with null-prototype objects and a position index out. Everything that turns untrusted
 * document text into data goes through here, so the safety rules live in one place:
 * a byte cap before parsing, a flow-nesting pre-scan, no aliases unless opted in, duplicate keys,
 * unknown tags and multi-document streams rejected, and `__proto__`/`constructor` kept as plain own
 * keys of objects that have no prototype.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type YAMLError,
} from 'yaml';
import type { DiagnosticCollector } from './diagnostics.js';
import { appendPointer } from './json-pointer.js';
import { MAX_ALIAS_COUNT, MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES, MAX_FLOW_NESTING } from './limits.js';
import type { JsonObject, JsonValue } from './model.js';
import type { PositionIndex, SourcePosition } from './source-positions.js';

/** The limits of one parse. */
export interface ParseSourceOptions {
  readonly maxBytes: number;
  readonly maxAliasCount: number;
}

const utf8 = new TextEncoder();

/** Creates an object with no prototype, so no key — `__proto__` included — can reach one. */
export function createRecord<T = JsonValue>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Decodes document bytes as UTF-8 after the byte cap. Returns `undefined` (with a diagnostic) when
 * the bytes are too many or not UTF-8.
 */
export function decodeSourceBytes(
  bytes: Uint8Array,
  options: ParseSourceOptions,
  diagnostics: DiagnosticCollector,
): string | undefined {
  if (bytes.byteLength > options.maxBytes) {
    reportTooLarge(bytes.byteLength, options.maxBytes, diagnostics);
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    diagnostics.report('OW_INPUT_NOT_UTF8', '', 'The document bytes are not valid UTF-8');
    return undefined;
  }
}

function reportTooLarge(size: number, limit: number, diagnostics: DiagnosticCollector): void {
  diagnostics.report(
    'OW_INPUT_TOO_LARGE',
    '',
    `The document is ${size} bytes; the limit is ${limit} bytes (LoadOptions.maxBytes)`,
  );
}

/** Deepest `[`/`{` nesting in the text, counted without parsing (brackets in strings count too). */
function flowNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if ((code === 0x5d || code === 0x7d) && depth > 0) {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * Parses YAML (or JSON, which YAML 1.2 reads as flow style) into JSON data and a position index.
 * Never throws: every problem becomes a diagnostic and the result is `undefined` when the text is
 * unusable. Node positions are recorded in `positions`.
 */
export function parseSourceText(
  text: string,
  options: ParseSourceOptions,
  diagnostics: DiagnosticCollector,
  positions: PositionIndex,
): JsonValue | undefined {
  const size = utf8.encode(text).byteLength;
  if (size > options.maxBytes) {
    reportTooLarge(size, options.maxBytes, diagnostics);
    return undefined;
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (flowNesting(source) > MAX_FLOW_NESTING) {
    diagnostics.report(
      'OW_DOCUMENT_TOO_DEEP',
      '',
      `Brackets nest deeper than ${MAX_FLOW_NESTING} levels; the document was not parsed`,
    );
    return undefined;
  }

  const lineCounter = new LineCounter();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  let documents: Document.Parsed[];
  try {
    documents = Array.from(
      parseAllDocuments(source, {
        lineCounter,
        version: '1.2',
        schema: 'core',
        uniqueKeys: true,
        merge: false,
        strict: true,
        prettyErrors: false,
        intAsBigInt: false,
      }),
    );
  } catch (error) {
    // The parser reports problems as document errors; this guards against anything it throws.
    diagnostics.report('OW_YAML_SYNTAX', '', `The document could not be parsed: ${describe(error)}`);
    return undefined;
  }

  if (documents.length === 0) {
    diagnostics.report('OW_DOCUMENT_NOT_OBJECT', '', 'The document is empty');
    return undefined;
  }
  const second = documents[1];
  if (second !== undefined) {
    diagnostics.report(
      'OW_YAML_MULTI_DOCUMENT',
      '',
      `The file holds ${documents.length} YAML documents; put each one in its own file`,
      { position: at(second.range[0]) },
    );
    return undefined;
  }

  const document = documents[0]!;
  let fatal = false;
  for (const error of document.errors) {
    fatal = true;
    reportYamlProblem(error, error.code === 'DUPLICATE_KEY' ? 'OW_YAML_DUPLICATE_KEY' : 'OW_YAML_SYNTAX');
  }
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') reportYamlProblem(warning, 'OW_YAML_UNKNOWN_TAG');
    else reportYamlProblem(warning, 'OW_YAML_SYNTAX', 'warning');
  }
  if (fatal) return undefined;

  function reportYamlProblem(
    problem: YAMLError,
    code: 'OW_YAML_SYNTAX' | 'OW_YAML_DUPLICATE_KEY' | 'OW_YAML_UNKNOWN_TAG',
    severity?: 'warning',
  ): void {
    diagnostics.report(code, '', firstLine(problem.message), {
      position: at(problem.pos[0]),
      ...(severity !== undefined ? { severity } : {}),
    });
  }

  const converter = new NodeConverter(document, source, positions, at, options, diagnostics);
  const root = document.contents;
  if (root === null) {
    diagnostics.report('OW_DOCUMENT_NOT_OBJECT', '', 'The document is empty');
    return undefined;
  }
  const data = converter.convert(root, '', 0);
  return converter.aborted ? undefined : data;
}

/** Walks the YAML node tree once, producing JSON data and recording positions. */
class NodeConverter {
  aborted = false;
  #aliases = 0;
  #nodes = 0;
  readonly #expanding = new Set<Node>();

  constructor(
    private readonly document: Document.Parsed,
    private readonly source: string,
    private readonly positions: PositionIndex,
    private readonly at: (offset: number) => SourcePosition,
    private readonly options: ParseSourceOptions,
    private readonly diagnostics: DiagnosticCollector,
  ) {}

  convert(node: Node, pointer: string, depth: number, key?: SourcePosition): JsonValue | undefined {
    if (this.aborted) return undefined;
    if (depth > MAX_DOCUMENT_DEPTH) {
      this.diagnostics.report(
        'OW_DOCUMENT_TOO_DEEP',
        pointer,
        `The document nests deeper than ${MAX_DOCUMENT_DEPTH} levels`,
      );
      this.aborted = true;
      return undefined;
    }
    this.#nodes += 1;
    if (this.#nodes > MAX_DOCUMENT_NODES) {
      this.diagnostics.report(
        'OW_DOCUMENT_TOO_LARGE',
        pointer,
        `The document expands to more than ${MAX_DOCUMENT_NODES} values`,
      );
      this.aborted = true;
      return undefined;
    }
    const start = node.range ? this.at(node.range[0]) : key;
    if (start !== undefined) this.positions.set(pointer, start, key);

    if (isAlias(node)) return this.convertAlias(node, pointer, depth, key);
    if (isScalar(node)) {
      const value = node.value;
      if (typeof value === 'string') {
        this.recordVerbatim(node, value, pointer);
        return value;
      }
      if (value === null || typeof value === 'boolean') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      this.diagnostics.report(
        'OW_YAML_NON_JSON_VALUE',
        pointer,
        `The value ${String(node.source ?? value)} has no JSON equivalent`,
      );
      return null;
    }
    if (isSeq(node)) {
      const items: JsonValue[] = [];
      node.items.forEach((item, index) => {
        const converted =
          item === null ? null : this.convert(item as Node, appendPointer(pointer, index), depth + 1);
        items.push(converted ?? null);
      });
      return items;
    }
    if (isMap(node)) {
      const object: JsonObject = createRecord();
      const keys: string[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
          const where = keyNode?.range ? this.at(keyNode.range[0]) : start;
          this.diagnostics.report('OW_YAML_COMPLEX_KEY', pointer, 'A mapping key must be a plain scalar', {
            ...(where !== undefined ? { position: where } : {}),
          });
          continue;
        }
        const name = String(keyNode.value);
        const keyPosition = keyNode.range ? this.at(keyNode.range[0]) : start;
        const childPointer = appendPointer(pointer, name);
        if (name === '<<' && keyNode.type === 'PLAIN') {
          this.diagnostics.report(
            'OW_YAML_MERGE_KEY',
            childPointer,
            'YAML merge keys (`<<`) are not expanded; write the keys out',
            { ...(keyPosition !== undefined ? { position: keyPosition } : {}) },
          );
        }
        const valueNode = pair.value as Node | null;
        let value: JsonValue | undefined = null;
        if (valueNode === null) {
          if (keyPosition !== undefined) this.positions.set(childPointer, keyPosition, keyPosition);
        } else {
          value = this.convert(valueNode, childPointer, depth + 1, keyPosition);
        }
        object[name] = value ?? null;
        keys.push(name);
      }
      this.positions.setKeys(pointer, keys);
      return object;
    }
    this.diagnostics.report('OW_YAML_SYNTAX', pointer, 'Unsupported YAML node');
    return null;
  }

  /** Marks a one-line scalar whose source text is exactly its value (see `PositionIndex.setVerbatim`). */
  private recordVerbatim(node: Node, value: string, pointer: string): void {
    const range = node.range;
    const style = (node as { type?: string }).type;
    if (range === undefined || range === null || value.includes('\n')) return;
    const quote = style === 'QUOTE_DOUBLE' || style === 'QUOTE_SINGLE' ? 1 : style === 'PLAIN' ? 0 : -1;
    if (quote < 0) return;
    const inner = this.source.slice(range[0] + quote, range[1] - quote);
    if (inner === value) this.positions.setVerbatim(pointer, this.at(range[0] + quote));
  }

  private convertAlias(
    node: Alias,
    pointer: string,
    depth: number,
    key: SourcePosition | undefined,
  ): JsonValue | undefined {
    this.#aliases += 1;
    const limit = Math.min(this.options.maxAliasCount, MAX_ALIAS_COUNT);
    if (this.#aliases > limit) {
      this.diagnostics.report(
        'OW_YAML_ALIAS_LIMIT',
        pointer,
        limit === 0
          ? `YAML aliases (*${node.source}) are not allowed; repeat the value instead`
          : `More than ${limit} YAML aliases; the document may be an expansion attack`,
      );
      return null;
    }
    const target = node.resolve(this.document);
    if (target === undefined || this.#expanding.has(target)) {
      this.diagnostics.report('OW_YAML_ALIAS_LIMIT', pointer, `The alias *${node.source} cannot be expanded`);
      return null;
    }
    this.#expanding.add(target);
    const value = this.convert(target, pointer, depth, key);
    this.#expanding.delete(target);
    return value;
  }
}

/**
 * Copies an already-parsed value into fresh JSON data with null-prototype objects, rejecting
 * anything that is not JSON (functions, class instances, cycles, non-finite numbers).
 */
export function importParsedValue(value: unknown, diagnostics: DiagnosticCollector): JsonValue | undefined {
  let nodes = 0;
  const ancestors = new Set<object>();
  let failed = false;

  const visit = (current: unknown, pointer: string, depth: number): JsonValue => {
    nodes += 1;
    if (depth > MAX_DOCUMENT_DEPTH || nodes > MAX_DOCUMENT_NODES) {
      if (!failed) {
        diagnostics.report(
          depth > MAX_DOCUMENT_DEPTH ? 'OW_DOCUMENT_TOO_DEEP' : 'OW_DOCUMENT_TOO_LARGE',
          pointer,
          'The value is too deep or too large to load',
        );
      }
      failed = true;
      return null;
    }
    if (current === null || typeof current === 'string' || typeof current === 'boolean') return current;
    if (typeof current === 'number') {
      if (Number.isFinite(current)) return current;
      return reject(pointer, 'a non-finite number');
    }
    if (typeof current !== 'object') return reject(pointer, `a ${typeof current}`);
    if (ancestors.has(current)) return reject(pointer, 'a reference cycle');
    ancestors.add(current);
    try {
      if (Array.isArray(current)) {
        const items: JsonValue[] = [];
        for (let index = 0; index < current.length; index += 1) {
          items.push(visit(current[index], appendPointer(pointer, index), depth + 1));
        }
        return items;
      }
      const prototype = Object.getPrototypeOf(current);
      if (prototype !== Object.prototype && prototype !== null) {
        return reject(pointer, `an instance of ${String(prototype?.constructor?.name ?? 'a class')}`);
      }
      const object: JsonObject = createRecord();
      for (const name of Object.keys(current)) {
        object[name] = visit(
          (current as Record<string, unknown>)[name],
          appendPointer(pointer, name),
          depth + 1,
        );
      }
      return object;
    } finally {
      ancestors.delete(current);
    }
  };

  const reject = (pointer: string, what: string): null => {
    failed = true;
    diagnostics.report('OW_INPUT_NOT_JSON', pointer, `The input holds ${what}, which is not JSON data`);
    return null;
  };

  try {
    const data = visit(value, '', 0);
    return failed ? undefined : data;
  } catch (error) {
    // A getter or proxy trap threw while the value was being read.
    diagnostics.report('OW_INPUT_NOT_JSON', '', `The input could not be read: ${describe(error)}`);
    return undefined;
  }
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

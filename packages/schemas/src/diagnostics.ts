import { DIAGNOSTIC_CODES, type DiagnosticCode, type DiagnosticSeverity } from './diagnostic-codes.js';
import { MAX_DIAGNOSTICS } from './limits.js';
import type { PositionIndex } from './source-positions.js';

/**
 * One problem found in a document. `line`/`column` are 1-based and present when the document came
 * from text; `pointer` (RFC 6901) is always present (`''` is the root).
 */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly pointer: string;
}

/** What a collector needs to place and grade diagnostics. */
export interface DiagnosticContext {
  readonly file?: string;
  /** Alias warnings become errors. */
  readonly strict: boolean;
  readonly positions?: PositionIndex;
}

/** Options of a single report. */
export interface ReportOptions {
  /** Point at the property's key rather than its value (unknown properties, aliases). */
  readonly at?: 'key' | 'value';
  /** Override the code's default severity (used for position-only notes). */
  readonly severity?: DiagnosticSeverity;
  /** A position already computed (e.g. from a YAML parser error) instead of the pointer's. */
  readonly position?: { readonly line: number; readonly column: number };
}

/**
 * Collects the diagnostics of one document: resolves positions from the pointer, applies strict
 * mode to alias codes and caps the total at {@link MAX_DIAGNOSTICS}.
 */
export class DiagnosticCollector {
  readonly #items: Diagnostic[] = [];
  readonly #seen = new Set<string>();
  #dropped = 0;
  readonly context: DiagnosticContext;

  constructor(context: DiagnosticContext) {
    this.context = context;
  }

  report(code: DiagnosticCode, pointer: string, message: string, options: ReportOptions = {}): void {
    const info = DIAGNOSTIC_CODES[code];
    const severity =
      options.severity ?? (info.category === 'alias' && this.context.strict ? 'error' : info.severity);
    const position = options.position ?? this.context.positions?.locate(pointer, options.at ?? 'value');
    // The same problem can be found twice (e.g. by two passes over an aliased node); report it once.
    const key = `${code}\u0000${pointer}\u0000${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.#items.length >= MAX_DIAGNOSTICS) {
      this.#dropped += 1;
      return;
    }
    this.#items.push({
      severity,
      code,
      message,
      ...(this.context.file !== undefined ? { file: this.context.file } : {}),
      ...(position !== undefined ? { line: position.line, column: position.column } : {}),
      pointer,
    });
  }

  /** True when any error (after strict mode) has been reported. */
  get hasErrors(): boolean {
    return this.#dropped > 0 || this.#items.some((item) => item.severity === 'error');
  }

  /** The diagnostics in report order, with a final note when some were dropped. */
  toArray(): Diagnostic[] {
    if (this.#dropped === 0) return [...this.#items];
    return [
      ...this.#items,
      {
        severity: 'error',
        code: 'OW_TOO_MANY_DIAGNOSTICS',
        message: `${this.#dropped} more problem(s) not reported (limit ${MAX_DIAGNOSTICS})`,
        ...(this.context.file !== undefined ? { file: this.context.file } : {}),
        pointer: '',
      },
    ];
  }
}

/**
 * Formats a diagnostic the way compilers do: `file:line:column: severity CODE message (at pointer)`.
 *
 * @example
 * formatDiagnostic(d) // 'flow.yaml:12:9: error OW_DUPLICATE_STEP_ID Step id "fetch" … (at /workflows/0/steps/3/id)'
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = [diagnostic.file ?? '<input>', diagnostic.line, diagnostic.column]
    .filter((part) => part !== undefined)
    .join(':');
  return `${where}: ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message} (at ${diagnostic.pointer || '/'})`;
}

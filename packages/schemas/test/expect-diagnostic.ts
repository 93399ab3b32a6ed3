import { expect } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import type { LoadResult } from '../src/loader.js';

export interface ExpectedDiagnostic {
  readonly code: string;
  readonly pointer: string;
  readonly line?: number;
  readonly column?: number;
  readonly severity?: 'error' | 'warning';
  readonly message?: string | RegExp;
}

/** Asserts the result holds a diagnostic with this code at this pointer (and position), and returns it. */
export function expectDiagnostic(result: LoadResult<unknown>, expected: ExpectedDiagnostic): Diagnostic {
  const found = result.diagnostics.find(
    (item) => item.code === expected.code && item.pointer === expected.pointer,
  );
  expect(
    found,
    `${expected.code} at ${expected.pointer} in ${JSON.stringify(result.diagnostics, null, 1)}`,
  ).toBeDefined();
  const diagnostic = found!;
  if (expected.line !== undefined) expect(diagnostic.line).toBe(expected.line);
  if (expected.column !== undefined) expect(diagnostic.column).toBe(expected.column);
  expect(diagnostic.severity).toBe(expected.severity ?? 'error');
  if (typeof expected.message === 'string') expect(diagnostic.message).toContain(expected.message);
  if (expected.message instanceof RegExp) expect(diagnostic.message).toMatch(expected.message);
  return diagnostic;
}

/** The codes of a result's diagnostics, in order. */
export function codesOf(result: LoadResult<unknown>): string[] {
  return result.diagnostics.map((item) => item.code);
}

/**
 * The 1-based line and column where `needle` first occurs in `text` (after `skip` earlier
 * occurrences), plus `offset` characters. Tests use it as an oracle independent of the loader.
 */
export function positionOf(
  text: string,
  needle: string,
  offset = 0,
  skip = 0,
): { line: number; column: number } {
  let index = -1;
  for (let seen = 0; seen <= skip; seen += 1) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" not found`);
  }
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length;
  return { line, column: before.length - before.lastIndexOf('\n') };
}

/** A one-workflow file whose steps (written at column 1) are indented under `steps:`, line 4 on. */
export function workflowText(steps: string, extra = ''): string {
  return `workflows:\n  - name: w\n${extra}    steps:\n${steps.replace(/^/gm, '      ')}\n`;
}

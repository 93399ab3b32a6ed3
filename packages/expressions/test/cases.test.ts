/**
 * Runs the table-driven cases in `test/cases/*.yaml`. Each file has a default `scope` and a list
 * of `cases`; each case names one entry point (`template`, `expression`, `condition`, `config`,
 * `check` or `references`), its input, and either `expect` (or `expectUndefined`) or `error`.
 * Every error is also checked to be an `ExpressionError` whose JSON carries no secret value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FUNCTIONS } from '../src/functions.js';
import {
  checkTemplate,
  type EngineLimits,
  EXPRESSION_ERROR_CODES,
  ExpressionError,
  evaluate,
  evaluateCondition,
  interpolateConfig,
  renderTracked,
  type Scope,
  templateReferences,
} from '../src/index.js';

interface ExpectedError {
  readonly code: string;
  readonly message?: string;
  readonly line?: number;
  readonly column?: number;
  readonly start?: number;
  readonly end?: number;
  readonly pointer?: string;
}

interface Case {
  readonly name?: string;
  readonly template?: unknown;
  readonly expression?: string;
  readonly condition?: string;
  readonly config?: string;
  readonly check?: unknown;
  readonly references?: unknown;
  readonly scope?: Scope;
  readonly limits?: Partial<EngineLimits>;
  readonly strictRoots?: string[];
  readonly allowedRoots?: string[];
  readonly asCondition?: boolean;
  readonly expect?: unknown;
  readonly expectUndefined?: boolean;
  readonly error?: string | ExpectedError;
  readonly errors?: (string | ExpectedError)[];
  readonly secrets?: string[];
}

interface CaseFile {
  readonly scope?: Scope;
  readonly cases: Case[];
}

const CASES_DIRECTORY = join(import.meta.dirname, 'cases');

/** Expands `{ $repeat: text, times, prefix?, suffix? }` so large inputs stay readable in data. */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.$repeat === 'string') {
    return `${record.prefix ?? ''}${record.$repeat.repeat(Number(record.times))}${record.suffix ?? ''}`;
  }
  return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, expand(entry)]));
}

function secretValues(scope: Scope): string[] {
  const secrets = scope.secrets;
  if (typeof secrets !== 'object' || secrets === null) return [];
  return Object.values(secrets).filter(
    (value): value is string => typeof value === 'string' && value.length > 2,
  );
}

function matchError(error: unknown, expected: string | ExpectedError, scope: Scope): void {
  expect(ExpressionError.is(error), `not an ExpressionError: ${String(error)}`).toBe(true);
  const actual = error as ExpressionError;
  const wanted = typeof expected === 'string' ? { code: expected } : expected;
  expect(actual.code).toBe(wanted.code);
  if (wanted.message !== undefined) expect(actual.message).toContain(wanted.message);
  for (const key of ['line', 'column', 'start', 'end', 'pointer'] as const) {
    if (wanted[key] !== undefined) expect(actual[key], key).toBe(wanted[key]);
  }
  const json = JSON.stringify(actual);
  for (const secret of secretValues(scope)) expect(json).not.toContain(secret);
  expect(actual.message).not.toMatch(/\[object |undefined is not|Cannot read prop/);
}

function run(testCase: Case, scope: Scope): { value: unknown; secrets?: readonly string[] } {
  const options = {
    ...(testCase.limits === undefined ? {} : { limits: testCase.limits }),
    ...(testCase.strictRoots === undefined ? {} : { strictRoots: testCase.strictRoots }),
  };
  if ('template' in testCase) return renderTracked(testCase.template, scope, options);
  if (testCase.expression !== undefined) return { value: evaluate(testCase.expression, scope, options) };
  if (testCase.condition !== undefined)
    return { value: evaluateCondition(testCase.condition, scope, options) };
  if (testCase.config !== undefined) return interpolateConfig(testCase.config, scope, options);
  if ('references' in testCase) {
    return { value: templateReferences(testCase.references).map((reference) => reference.text) };
  }
  if ('check' in testCase) {
    const errors = checkTemplate(testCase.check, {
      ...(testCase.allowedRoots === undefined ? {} : { allowedRoots: testCase.allowedRoots }),
      ...(testCase.asCondition === undefined ? {} : { condition: testCase.asCondition }),
      ...(testCase.limits === undefined ? {} : { limits: testCase.limits }),
    });
    return { value: errors };
  }
  throw new Error('case names no entry point');
}

function describeCase(testCase: Case, index: number): string {
  if (testCase.name !== undefined) return testCase.name;
  const field = (['template', 'expression', 'condition', 'config', 'check', 'references'] as const).find(
    (key) => key in testCase,
  );
  const input = field === undefined ? undefined : testCase[field];
  const text = typeof input === 'string' ? input : String(JSON.stringify(input));
  return `#${index + 1} ${text.length > 90 ? `${text.slice(0, 90)}…` : text}`;
}

const files = readdirSync(CASES_DIRECTORY).filter((file) => file.endsWith('.yaml'));
let total = 0;

for (const file of files) {
  const data = expand(parse(readFileSync(join(CASES_DIRECTORY, file), 'utf8'))) as CaseFile;
  total += data.cases.length;
  describe(file, () => {
    data.cases.forEach((testCase, index) => {
      const scope = testCase.scope ?? data.scope ?? {};
      it(describeCase(testCase, index), () => {
        if (testCase.errors !== undefined) {
          const { value } = run(testCase, scope);
          const errors = value as ExpressionError[];
          expect(errors.map((error) => error.code)).toEqual(
            testCase.errors.map((error) => (typeof error === 'string' ? error : error.code)),
          );
          for (const [position, wanted] of testCase.errors.entries())
            matchError(errors[position], wanted, scope);
          return;
        }
        if (testCase.error !== undefined) {
          let thrown: unknown;
          try {
            run(testCase, scope);
          } catch (error) {
            thrown = error;
          }
          expect(thrown, 'expected an error').toBeDefined();
          matchError(thrown, testCase.error, scope);
          return;
        }
        const result = run(testCase, scope);
        if (testCase.expectUndefined === true) expect(result.value).toBeUndefined();
        else expect(result.value).toEqual(testCase.expect);
        if (testCase.secrets !== undefined) expect(result.secrets).toEqual(testCase.secrets);
      });
    });
  });
}

describe('case tables', () => {
  const text = files.map((file) => readFileSync(join(CASES_DIRECTORY, file), 'utf8')).join('\n');

  it('hold at least 300 cases', () => {
    expect(total).toBeGreaterThanOrEqual(300);
  });

  it('exercise every library function', () => {
    const missing = [...FUNCTIONS.keys()].filter(
      (name) => !new RegExp(`\\b${name}\\(|\\| ?${name}\\b`).test(text),
    );
    expect(missing).toEqual([]);
  });

  it('expect every error code (host-object codes are in security.test.ts)', () => {
    const elsewhere = new Set(['EXPR_CONTEXT_NOT_JSON', 'EXPR_INTERNAL']);
    const missing = Object.keys(EXPRESSION_ERROR_CODES).filter(
      (code) => !elsewhere.has(code) && !text.includes(code),
    );
    expect(missing).toEqual([]);
  });
});

/**
 * The matcher language of case expectations. A plain value is compared structurally; an object
 * whose keys all start with `$` is a matcher (`{$type: number, $gte: 1}` — every operator must
 * hold). Two comparison modes:
 *
 * - `exact`: objects must have exactly the expected keys (outputs, request bodies);
 * - `partial`: only the expected keys are compared, at every depth (records: errors, events,
 *   headers), so targets may add fields.
 *
 * `$exact` and `$partial` switch the mode for a sub-tree; `$literal` compares a value that would
 * otherwise read as a matcher.
 */
import { isJsonObject, type JsonValue, jsonEqual } from './json.js';

export type MatchMode = 'exact' | 'partial';

/** One difference between what a case expected and what the target did. */
export interface Mismatch {
  /** Path inside the compared value, e.g. `steps.a.output.items[2]` (empty for the root). */
  readonly path: string;
  readonly message: string;
  readonly expected?: JsonValue;
  readonly actual?: JsonValue;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;

type Operator = (
  operand: JsonValue,
  actual: JsonValue | undefined,
  mode: MatchMode,
  path: string,
) => Mismatch[];

const OPERATORS: Readonly<Record<string, Operator>> = {
  $exact: (operand, actual, _mode, path) => compare(operand, actual, 'exact', path),
  $partial: (operand, actual, _mode, path) => compare(operand, actual, 'partial', path),
  $literal: (operand, actual, _mode, path) =>
    jsonEqual(operand, actual) ? [] : [miss(path, 'differs', operand, actual)],
  $any: (_operand, actual, _mode, path) => (actual === undefined ? [miss(path, 'is missing')] : []),
  $absent: (_operand, actual, _mode, path) =>
    actual === undefined ? [] : [miss(path, 'should be absent', undefined, actual)],
  $type: (operand, actual, _mode, path) =>
    typeOf(actual) === operand || (operand === 'number' && typeOf(actual) === 'integer')
      ? []
      : [miss(path, `should be of type ${String(operand)}`, operand, actual)],
  $match: (operand, actual, _mode, path) =>
    typeof actual === 'string' && new RegExp(String(operand), 'u').test(actual)
      ? []
      : [miss(path, `should match /${String(operand)}/`, operand, actual)],
  $contains: (operand, actual, mode, path) => {
    if (typeof actual === 'string' && typeof operand === 'string') {
      return actual.includes(operand) ? [] : [miss(path, 'should contain the text', operand, actual)];
    }
    if (Array.isArray(actual) && actual.some((item) => compare(operand, item, mode, path).length === 0))
      return [];
    return [miss(path, 'should contain an element matching', operand, actual)];
  },
  $gt: numeric('>', (a, b) => a > b),
  $gte: numeric('>=', (a, b) => a >= b),
  $lt: numeric('<', (a, b) => a < b),
  $lte: numeric('<=', (a, b) => a <= b),
  $oneOf: (operand, actual, mode, path) =>
    (operand as JsonValue[]).some((option) => compare(option, actual, mode, path).length === 0)
      ? []
      : [miss(path, 'should match one of', operand, actual)],
  $not: (operand, actual, mode, path) =>
    compare(operand, actual, mode, path).length === 0
      ? [miss(path, 'should not match', operand, actual)]
      : [],
  $length: (operand, actual, mode, path) => {
    const length =
      typeof actual === 'string' || Array.isArray(actual)
        ? actual.length
        : isJsonObject(actual)
          ? Object.keys(actual).length
          : undefined;
    if (length === undefined) return [miss(path, 'has no length', operand, actual)];
    return compare(operand, length, mode, `${path}.length`);
  },
};

function numeric(symbol: string, test: (a: number, b: number) => boolean): Operator {
  return (operand, actual, _mode, path) =>
    typeof actual === 'number' && test(actual, operand as number)
      ? []
      : [miss(path, `should be ${symbol} ${String(operand)}`, operand, actual)];
}

function miss(path: string, message: string, expected?: JsonValue, actual?: JsonValue): Mismatch {
  return {
    path,
    message,
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
  };
}

function typeOf(value: JsonValue | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** True when `value` is a matcher object (non-empty, every key an operator). */
export function isMatcher(value: JsonValue | undefined): boolean {
  if (!isJsonObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)
    ? path
      ? `${path}.${key}`
      : key
    : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Compares `actual` against `expected` and returns every difference (empty when it matches).
 *
 * @example
 * compare({ total: { $gte: 3 }, items: { $length: 3 } }, output, 'exact', 'outputs');
 */
export function compare(
  expected: JsonValue,
  actual: JsonValue | undefined,
  mode: MatchMode,
  path = '',
): Mismatch[] {
  if (isMatcher(expected)) {
    const out: Mismatch[] = [];
    for (const [operator, operand] of Object.entries(expected as Record<string, JsonValue>)) {
      out.push(...OPERATORS[operator]!(operand, actual, mode, path));
    }
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [miss(path, 'should be an array', expected, actual)];
    if (actual.length !== expected.length) {
      return [miss(path, `should have ${expected.length} elements, has ${actual.length}`, expected, actual)];
    }
    return expected.flatMap((item, i) => compare(item, actual[i], mode, join(path, i)));
  }
  if (isJsonObject(expected)) {
    if (!isJsonObject(actual)) return [miss(path, 'should be an object', expected, actual)];
    const out: Mismatch[] = [];
    for (const [key, value] of Object.entries(expected)) {
      out.push(
        ...compare(value, Object.hasOwn(actual, key) ? actual[key] : undefined, mode, join(path, key)),
      );
    }
    if (mode === 'exact') {
      for (const key of Object.keys(actual)) {
        if (!Object.hasOwn(expected, key))
          out.push(miss(join(path, key), 'is unexpected', undefined, actual[key]));
      }
    }
    return out;
  }
  if (actual === undefined) return [miss(path, 'is missing', expected)];
  return jsonEqual(expected, actual) ? [] : [miss(path, 'differs', expected, actual)];
}

/** Whether `actual` matches (no differences). */
export function matches(expected: JsonValue, actual: JsonValue | undefined, mode: MatchMode): boolean {
  return compare(expected, actual, mode).length === 0;
}

/**
 * Checks matcher syntax in an expectation before anything runs, so a typo (`$gte` spelled
 * `$gteq`) is a malformed case (exit 2), not a silently passing comparison.
 */
export function checkMatcherSyntax(value: JsonValue, pointer: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => checkMatcherSyntax(item, `${pointer}/${i}`));
  if (!isJsonObject(value)) return [];
  const keys = Object.keys(value);
  const dollar = keys.filter((k) => k.startsWith('$'));
  if (dollar.length === 0) {
    return keys.flatMap((k) => checkMatcherSyntax(value[k]!, `${pointer}/${escapePointer(k)}`));
  }
  if (dollar.length !== keys.length) {
    return [`${pointer}: a matcher object may only hold $-operators (use $literal for data with $ keys)`];
  }
  const problems: string[] = [];
  for (const key of keys) {
    const operand = value[key]!;
    const at = `${pointer}/${escapePointer(key)}`;
    if (!Object.hasOwn(OPERATORS, key)) {
      problems.push(`${at}: unknown matcher ${key} (known: ${Object.keys(OPERATORS).join(', ')})`);
    } else if (key === '$type' && !TYPES.includes(operand as (typeof TYPES)[number])) {
      problems.push(`${at}: $type must be one of ${TYPES.join(', ')}`);
    } else if (['$gt', '$gte', '$lt', '$lte'].includes(key) && typeof operand !== 'number') {
      problems.push(`${at}: ${key} needs a number`);
    } else if (key === '$match') {
      problems.push(...checkRegex(operand, at));
    } else if (key === '$oneOf' && !Array.isArray(operand)) {
      problems.push(`${at}: $oneOf needs a list`);
    } else if ((key === '$any' || key === '$absent') && operand !== true) {
      problems.push(`${at}: ${key} takes the value true`);
    } else if (key !== '$literal') {
      problems.push(...checkMatcherSyntax(operand, at));
    }
  }
  return problems;
}

function checkRegex(operand: JsonValue, at: string): string[] {
  if (typeof operand !== 'string') return [`${at}: $match needs a regular expression string`];
  try {
    new RegExp(operand, 'u');
    return [];
  } catch (error) {
    return [`${at}: invalid regular expression: ${(error as Error).message}`];
  }
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

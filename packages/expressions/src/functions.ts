/**
 * The function library. Every function can be called as `name(a, b)` or used as a filter
 * `a | name(b)`. Functions are pure and deterministic — there is no clock, randomness,
 * environment or I/O here — they never mutate their arguments, and every one that walks a
 * collection or a string charges the work budget and checks the size of what it produces.
 *
 * A missing (`undefined`) or `null` first argument is not an error for functions with a natural
 * empty result (see `onMissing`); numeric functions reject it because no number is neutral.
 */
import {
  chargeCharacters,
  chargeSteps,
  checkArrayLength,
  checkStringLength,
  checkStringSize,
  type EvaluationContext,
  type Site,
} from './evaluation-context.js';
import { MAX_CALL_ARGUMENTS } from './limits.js';
import {
  deepEqual,
  isTruthy,
  kindOf,
  ownKeys,
  readProperty,
  toJson,
  toText,
  type ValueKind,
} from './values.js';

/** What a function implementation receives besides its arguments. */
export interface CallContext {
  readonly name: string;
  readonly context: EvaluationContext;
  readonly site: Site;
  /** The compiled sub-expression argument of `map`, `filter` and `sort`, called per element. */
  readonly lambda: ((item: unknown, index: number) => unknown) | undefined;
}

export interface FunctionSpec {
  readonly name: string;
  readonly minArguments: number;
  readonly maxArguments: number;
  /**
   * Index of the argument that must be a string literal holding a sub-expression evaluated per
   * element with `item` and `index` bound (`map`, `filter`, `sort`). It is parsed when the
   * template is compiled, so data never becomes code.
   */
  readonly lambda?: number;
  /** The result for a missing or null first argument; absent means the function handles it. */
  readonly onMissing?: () => unknown;
  readonly implementation: (args: readonly unknown[], call: CallContext) => unknown;
  /** One line for the spec and for error hints. */
  readonly signature: string;
}

function typeError(call: CallContext, expected: string, actual: ValueKind, position = 1): Error {
  const what =
    call.name === 'in'
      ? `'in' expects ${expected} on the ${position === 1 ? 'right' : 'left'}`
      : `${call.name}() expects ${expected} as argument ${position}`;
  return call.site.fail('EXPR_TYPE', `${what}, got ${actual}`);
}

function argumentError(call: CallContext, message: string): Error {
  return call.site.fail('EXPR_ARGUMENT', `${call.name}(): ${message}`);
}

function expectString(call: CallContext, value: unknown, position = 1): string {
  if (typeof value === 'string') return value;
  throw typeError(call, 'a string', kindOf(value, call.site), position);
}

function expectNumber(call: CallContext, value: unknown, position = 1): number {
  if (typeof value === 'number') {
    kindOf(value, call.site);
    return value;
  }
  throw typeError(call, 'a number', kindOf(value, call.site), position);
}

function expectInteger(call: CallContext, value: unknown, position: number): number {
  const number = expectNumber(call, value, position);
  if (!Number.isInteger(number)) throw argumentError(call, `argument ${position} must be an integer`);
  return number;
}

function expectArray(call: CallContext, value: unknown, position = 1): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw typeError(call, 'an array', kindOf(value, call.site), position);
}

function expectObject(call: CallContext, value: unknown, position = 1): Readonly<Record<string, unknown>> {
  const kind = kindOf(value, call.site);
  if (kind === 'object') return value as Record<string, unknown>;
  throw typeError(call, 'an object', kind, position);
}

function checkedNumber(call: CallContext, value: number): number {
  if (!Number.isFinite(value))
    throw call.site.fail('EXPR_ARITHMETIC', `${call.name}() result is not a finite number`);
  return value;
}

/** Code points of a string, so surrogate pairs are never split. */
function codePoints(call: CallContext, text: string): string[] {
  chargeCharacters(call.context, text.length, call.site);
  return Array.from(text);
}

function hasSurrogates(text: string): boolean {
  return /[\uD800-\uDFFF]/.test(text);
}

/** `contains` and the `in` operator: substring, deep array membership, or object key. */
export function containsValue(haystack: unknown, needle: unknown, call: CallContext, position = 1): boolean {
  const kind = kindOf(haystack, call.site);
  switch (kind) {
    case 'undefined':
    case 'null':
      return false;
    case 'string':
      chargeCharacters(call.context, (haystack as string).length, call.site);
      return (haystack as string).includes(expectString(call, needle, position + 1));
    case 'array': {
      const array = haystack as readonly unknown[];
      chargeSteps(call.context, array.length + 1, call.site);
      return array.some((element) => deepEqual(element, needle, call.context, call.site));
    }
    case 'object':
      return readProperty(haystack, expectString(call, needle, position + 1)) !== undefined;
    default:
      throw typeError(call, 'a string, array or object', kind, position);
  }
}

function stringFunction(name: string, transform: (text: string) => string, signature: string): FunctionSpec {
  return {
    name,
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => '',
    signature,
    implementation: ([value], call) => {
      const text = expectString(call, value);
      chargeCharacters(call.context, text.length, call.site);
      return checkStringSize(call.context, transform(text), call.site);
    },
  };
}

function numberFunction(name: string, operation: (value: number) => number, signature: string): FunctionSpec {
  return {
    name,
    minArguments: 1,
    maxArguments: 1,
    signature,
    implementation: ([value], call) => checkedNumber(call, operation(expectNumber(call, value))),
  };
}

function typeTest(name: string, test: (kind: ValueKind) => boolean): FunctionSpec {
  return {
    name,
    minArguments: 1,
    maxArguments: 1,
    signature: `${name}(value) → boolean`,
    implementation: ([value], call) => test(kindOf(value, call.site)),
  };
}

/** Elements that are all numbers or all strings, for `min`, `max` and `sort`. */
function orderedKind(call: CallContext, values: readonly unknown[]): 'number' | 'string' | undefined {
  let kind: 'number' | 'string' | undefined;
  for (const value of values) {
    const current = kindOf(value, call.site);
    if (current !== 'number' && current !== 'string') throw typeError(call, 'numbers or strings', current);
    if (kind !== undefined && kind !== current) {
      throw call.site.fail('EXPR_TYPE', `${call.name}() cannot order number with string`);
    }
    kind = current;
  }
  return kind;
}

function compareOrdered(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function extreme(direction: 1 | -1): FunctionSpec['implementation'] {
  return (args, call) => {
    let values: readonly unknown[];
    if (args.length === 1) {
      if (args[0] === undefined || args[0] === null) return null;
      values = expectArray(call, args[0]);
    } else values = args;
    chargeSteps(call.context, values.length + 1, call.site);
    if (orderedKind(call, values) === undefined) return null;
    let best = values[0];
    for (const value of values) if (compareOrdered(value, best) * direction > 0) best = value;
    return best;
  };
}

function sumOf(call: CallContext, values: readonly unknown[]): number {
  chargeSteps(call.context, values.length + 1, call.site);
  let total = 0;
  for (const value of values) total += expectNumber(call, value);
  return checkedNumber(call, total);
}

/** Rounds half away from zero at `digits` decimals, using decimal exponents so 1.005 → 1.01. */
function roundNumber(value: number, digits: number): number {
  const sign = value < 0 ? -1 : 1;
  const magnitude = Math.abs(value);
  const text = String(magnitude);
  if (text.includes('e')) {
    const factor = 10 ** digits;
    return (sign * Math.round(magnitude * factor)) / factor;
  }
  const shifted = Math.round(Number(`${text}e${digits}`));
  return sign * Number(`${shifted}e${-digits}`);
}

function formatText(call: CallContext, format: string, values: readonly unknown[]): string {
  chargeCharacters(call.context, format.length, call.site);
  let result = '';
  let index = 0;
  while (index < format.length) {
    const char = format[index]!;
    if (char === '{' && format[index + 1] === '{') {
      result += '{';
      index += 2;
    } else if (char === '}' && format[index + 1] === '}') {
      result += '}';
      index += 2;
    } else if (char === '{') {
      const close = format.indexOf('}', index);
      const slot = close === -1 ? '' : format.slice(index + 1, close);
      if (!/^\d{1,2}$/.test(slot))
        throw argumentError(call, "placeholders are '{0}', '{1}', …; write '{{' for '{'");
      const position = Number(slot);
      if (position >= values.length) throw argumentError(call, `placeholder {${position}} has no argument`);
      result += toText(values[position], call.context, call.site);
      index = close + 1;
    } else if (char === '}') {
      throw argumentError(call, "unmatched '}'; write '}}' for '}'");
    } else {
      const next = format.slice(index).search(/[{}]/);
      const end = next === -1 ? format.length : index + next;
      result += format.slice(index, end);
      index = end;
    }
    checkStringLength(call.context, result.length, call.site);
  }
  return checkStringSize(call.context, result, call.site);
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

const SPECS: readonly FunctionSpec[] = [
  {
    name: 'length',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => 0,
    signature: 'length(string | array | object) → number',
    implementation: ([value], call) => {
      const kind = kindOf(value, call.site);
      if (kind === 'string') {
        const text = value as string;
        return hasSurrogates(text) ? codePoints(call, text).length : text.length;
      }
      if (kind === 'array') return (value as unknown[]).length;
      if (kind === 'object') return ownKeys(value as object).length;
      throw typeError(call, 'a string, array or object', kind);
    },
  },
  {
    name: 'contains',
    minArguments: 2,
    maxArguments: 2,
    onMissing: () => false,
    signature: 'contains(string | array | object, value) → boolean',
    implementation: ([haystack, needle], call) => containsValue(haystack, needle, call),
  },
  {
    name: 'startsWith',
    minArguments: 2,
    maxArguments: 2,
    onMissing: () => false,
    signature: 'startsWith(string, prefix) → boolean',
    implementation: ([text, prefix], call) =>
      expectString(call, text).startsWith(expectString(call, prefix, 2)),
  },
  {
    name: 'endsWith',
    minArguments: 2,
    maxArguments: 2,
    onMissing: () => false,
    signature: 'endsWith(string, suffix) → boolean',
    implementation: ([text, suffix], call) =>
      expectString(call, text).endsWith(expectString(call, suffix, 2)),
  },
  stringFunction('upper', (text) => text.toUpperCase(), 'upper(string) → string'),
  stringFunction('lower', (text) => text.toLowerCase(), 'lower(string) → string'),
  stringFunction(
    'title',
    (text) =>
      text
        .toLowerCase()
        .replace(/(^|\s)(\S)/gu, (_, space: string, first: string) => space + first.toUpperCase()),
    'title(string) → string',
  ),
  stringFunction('trim', (text) => text.trim(), 'trim(string) → string'),
  {
    name: 'split',
    minArguments: 1,
    maxArguments: 2,
    onMissing: () => [],
    signature: 'split(string, separator?) → array',
    implementation: ([value, separator], call) => {
      const text = expectString(call, value);
      chargeCharacters(call.context, text.length, call.site);
      const max = call.context.limits.maxArrayLength;
      let parts: string[];
      if (separator === undefined || separator === null) {
        const trimmed = text.trim();
        parts = trimmed === '' ? [] : trimmed.split(/\s+/, max + 1);
      } else {
        const by = expectString(call, separator, 2);
        parts = by === '' ? Array.from(text).slice(0, max + 1) : text.split(by, max + 1);
      }
      checkArrayLength(call.context, parts.length, call.site);
      return parts;
    },
  },
  {
    name: 'join',
    minArguments: 1,
    maxArguments: 2,
    onMissing: () => '',
    signature: "join(array, separator = '') → string",
    implementation: ([value, separator], call) => {
      const array = expectArray(call, value);
      const by = separator === undefined || separator === null ? '' : expectString(call, separator, 2);
      chargeSteps(call.context, array.length + 1, call.site);
      let result = '';
      for (let index = 0; index < array.length; index++) {
        result += (index === 0 ? '' : by) + toText(array[index], call.context, call.site);
        checkStringLength(call.context, result.length, call.site);
      }
      return checkStringSize(call.context, result, call.site);
    },
  },
  {
    name: 'replace',
    minArguments: 3,
    maxArguments: 3,
    onMissing: () => '',
    signature: 'replace(string, search, replacement) → string',
    implementation: ([value, search, replacement], call) => {
      const text = expectString(call, value);
      const from = expectString(call, search, 2);
      const to = expectString(call, replacement, 3);
      if (from === '') throw argumentError(call, 'the search string must not be empty');
      chargeCharacters(call.context, text.length, call.site);
      const parts = text.split(from);
      // Check the size before building: n occurrences grow the text by n × (to − from).
      checkStringLength(
        call.context,
        text.length + (parts.length - 1) * (to.length - from.length),
        call.site,
      );
      return checkStringSize(call.context, parts.join(to), call.site);
    },
  },
  {
    name: 'default',
    minArguments: 2,
    maxArguments: 2,
    signature: 'default(value, fallback) → value, or fallback when value is null or missing',
    implementation: ([value, fallback]) => (value === undefined || value === null ? fallback : value),
  },
  ...['json', 'toJSON'].map(
    (name): FunctionSpec => ({
      name,
      minArguments: 1,
      maxArguments: 2,
      signature: `${name}(value, indent = 0) → string`,
      implementation: ([value, indent], call) => {
        const spaces = indent === undefined ? 0 : expectInteger(call, indent, 2);
        if (spaces < 0 || spaces > 10) throw argumentError(call, 'indent must be between 0 and 10');
        return toJson(value, call.context, call.site, spaces);
      },
    }),
  ),
  {
    name: 'fromJSON',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => null,
    signature: 'fromJSON(string) → value',
    implementation: ([value], call) => {
      const text = expectString(call, value);
      chargeCharacters(call.context, text.length, call.site);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // The parser's own message quotes the input, which may be secret: report only the fact.
        throw call.site.fail('EXPR_INVALID_JSON', 'fromJSON() argument is not valid JSON');
      }
    },
  },
  {
    name: 'round',
    minArguments: 1,
    maxArguments: 2,
    signature: 'round(number, digits = 0) → number (half away from zero)',
    implementation: ([value, digits], call) => {
      const number = expectNumber(call, value);
      const places = digits === undefined ? 0 : expectInteger(call, digits, 2);
      if (places < -15 || places > 15) throw argumentError(call, 'digits must be between -15 and 15');
      return checkedNumber(call, roundNumber(number, places));
    },
  },
  numberFunction('floor', Math.floor, 'floor(number) → number'),
  numberFunction('ceil', Math.ceil, 'ceil(number) → number'),
  numberFunction('abs', Math.abs, 'abs(number) → number'),
  {
    name: 'min',
    minArguments: 1,
    maxArguments: MAX_CALL_ARGUMENTS,
    signature: 'min(array) or min(a, b, …) → smallest number or string, null when empty',
    implementation: extreme(-1),
  },
  {
    name: 'max',
    minArguments: 1,
    maxArguments: MAX_CALL_ARGUMENTS,
    signature: 'max(array) or max(a, b, …) → largest number or string, null when empty',
    implementation: extreme(1),
  },
  {
    name: 'sum',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => 0,
    signature: 'sum(array of numbers) → number',
    implementation: ([value], call) => sumOf(call, expectArray(call, value)),
  },
  {
    name: 'avg',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => null,
    signature: 'avg(array of numbers) → number, null when empty',
    implementation: ([value], call) => {
      const array = expectArray(call, value);
      return array.length === 0 ? null : checkedNumber(call, sumOf(call, array) / array.length);
    },
  },
  {
    name: 'keys',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => [],
    signature: 'keys(object) → array of strings',
    implementation: ([value], call) => {
      const keys = ownKeys(expectObject(call, value));
      chargeSteps(call.context, keys.length + 1, call.site);
      return keys;
    },
  },
  {
    name: 'values',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => [],
    signature: 'values(object) → array',
    implementation: ([value], call) => {
      const object = expectObject(call, value);
      const keys = ownKeys(object);
      chargeSteps(call.context, keys.length + 1, call.site);
      return keys.map((key) => object[key]);
    },
  },
  {
    name: 'first',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => null,
    signature: 'first(array | string) → first element or character, null when empty',
    implementation: ([value], call) => {
      if (typeof value === 'string') return value === '' ? null : String.fromCodePoint(value.codePointAt(0)!);
      const array = expectArray(call, value);
      return array.length === 0 ? null : array[0];
    },
  },
  {
    name: 'last',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => null,
    signature: 'last(array | string) → last element or character, null when empty',
    implementation: ([value], call) => {
      if (typeof value === 'string') return value === '' ? null : (codePoints(call, value).at(-1) ?? null);
      const array = expectArray(call, value);
      return array.length === 0 ? null : array[array.length - 1];
    },
  },
  {
    name: 'unique',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => [],
    signature: 'unique(array) → array without later duplicates (deep equality)',
    implementation: ([value], call) => {
      const array = expectArray(call, value);
      chargeSteps(call.context, array.length + 1, call.site);
      const seen = new Set<unknown>();
      const result: unknown[] = [];
      for (const element of array) {
        if (typeof element === 'object' && element !== null) {
          if (!result.some((kept) => deepEqual(kept, element, call.context, call.site))) result.push(element);
          continue;
        }
        kindOf(element, call.site);
        const key = element === undefined ? null : element;
        if (!seen.has(key)) {
          seen.add(key);
          result.push(element);
        }
      }
      return result;
    },
  },
  {
    name: 'sort',
    minArguments: 1,
    maxArguments: 2,
    lambda: 1,
    onMissing: () => [],
    signature: "sort(array, key = 'item') → array sorted by number or string key, stable",
    implementation: ([value], call) => {
      const array = expectArray(call, value);
      chargeSteps(call.context, array.length * Math.ceil(Math.log2(array.length + 2)), call.site);
      const keys = call.lambda === undefined ? array : array.map((item, index) => call.lambda!(item, index));
      orderedKind(call, keys);
      const order = keys.map((_, index) => index);
      order.sort((a, b) => compareOrdered(keys[a], keys[b]) || a - b);
      return order.map((index) => array[index]);
    },
  },
  {
    name: 'reverse',
    minArguments: 1,
    maxArguments: 1,
    onMissing: () => null,
    signature: 'reverse(array | string) → array | string',
    implementation: ([value], call) => {
      if (typeof value === 'string') return codePoints(call, value).reverse().join('');
      const array = expectArray(call, value);
      chargeSteps(call.context, array.length + 1, call.site);
      return [...array].reverse();
    },
  },
  {
    name: 'slice',
    minArguments: 2,
    maxArguments: 3,
    onMissing: () => null,
    signature: 'slice(array | string, start, end?) → array | string (negative counts from the end)',
    implementation: ([value, start, end], call) => {
      const from = expectInteger(call, start, 2);
      const to = end === undefined || end === null ? undefined : expectInteger(call, end, 3);
      if (typeof value === 'string') {
        return hasSurrogates(value)
          ? codePoints(call, value).slice(from, to).join('')
          : value.slice(from, to);
      }
      const result = expectArray(call, value).slice(from, to);
      chargeSteps(call.context, result.length + 1, call.site);
      return result;
    },
  },
  {
    name: 'range',
    minArguments: 1,
    maxArguments: 3,
    signature: 'range(end) | range(start, end, step = 1) → array of integers, end excluded',
    implementation: (args, call) => {
      const [start, end] =
        args.length === 1
          ? [0, expectInteger(call, args[0], 1)]
          : [expectInteger(call, args[0], 1), expectInteger(call, args[1], 2)];
      const step = args.length === 3 ? expectInteger(call, args[2], 3) : 1;
      if (step === 0) throw argumentError(call, 'step must not be 0');
      const size = Math.max(0, Math.ceil((end - start) / step));
      if (size > call.context.limits.maxRangeSize) {
        throw call.site.fail('EXPR_RANGE_LIMIT', 'range() would produce more than maxRangeSize elements');
      }
      chargeSteps(call.context, size + 1, call.site);
      return Array.from({ length: size }, (_, index) => start + index * step);
    },
  },
  {
    name: 'map',
    minArguments: 2,
    maxArguments: 2,
    lambda: 1,
    onMissing: () => [],
    signature: "map(array, 'expression with item') → array",
    implementation: ([value], call) =>
      expectArray(call, value).map((item, index) => call.lambda!(item, index)),
  },
  {
    name: 'filter',
    minArguments: 2,
    maxArguments: 2,
    lambda: 1,
    onMissing: () => [],
    signature: "filter(array, 'condition with item') → array of the elements where it is truthy",
    implementation: ([value], call) =>
      expectArray(call, value).filter((item, index) => isTruthy(call.lambda!(item, index))),
  },
  {
    name: 'format',
    minArguments: 1,
    maxArguments: MAX_CALL_ARGUMENTS,
    signature: "format(template, a, b, …) → string with {0}, {1}, … replaced ('{{' and '}}' escape braces)",
    implementation: ([format, ...values], call) => formatText(call, expectString(call, format), values),
  },
  typeTest('isString', (kind) => kind === 'string'),
  typeTest('isNumber', (kind) => kind === 'number'),
  typeTest('isBoolean', (kind) => kind === 'boolean'),
  typeTest('isArray', (kind) => kind === 'array'),
  typeTest('isObject', (kind) => kind === 'object'),
  typeTest('isNull', (kind) => kind === 'null'),
  typeTest('isDefined', (kind) => kind !== 'undefined'),
  {
    name: 'isEmpty',
    minArguments: 1,
    maxArguments: 1,
    signature: "isEmpty(value) → true for missing, null, '', [] and {}",
    implementation: ([value], call) => {
      const kind = kindOf(value, call.site);
      if (kind === 'undefined' || kind === 'null') return true;
      if (kind === 'string' || kind === 'array') return (value as string | unknown[]).length === 0;
      return kind === 'object' && ownKeys(value as object).length === 0;
    },
  },
  {
    name: 'typeOf',
    minArguments: 1,
    maxArguments: 1,
    signature: "typeOf(value) → 'undefined' | 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object'",
    implementation: ([value], call) => kindOf(value, call.site),
  },
  {
    name: 'number',
    minArguments: 1,
    maxArguments: 1,
    signature: 'number(number | numeric string | boolean) → number',
    implementation: ([value], call) => {
      const kind = kindOf(value, call.site);
      if (kind === 'number') return value;
      if (kind === 'boolean') return value ? 1 : 0;
      if (kind !== 'string') throw typeError(call, 'a number, string or boolean', kind);
      const text = (value as string).trim();
      if (!NUMBER_TEXT.test(text)) throw argumentError(call, 'the string is not a decimal number');
      return checkedNumber(call, Number(text));
    },
  },
  {
    name: 'string',
    minArguments: 1,
    maxArguments: 1,
    signature: 'string(value) → the text it interpolates as',
    implementation: ([value], call) => toText(value, call.context, call.site),
  },
  {
    name: 'bool',
    minArguments: 1,
    maxArguments: 1,
    signature: 'bool(value) → its truthiness',
    implementation: ([value], call) => {
      kindOf(value, call.site);
      return isTruthy(value);
    },
  },
];

/** The library by name. A `Map`, so names like `toString` can never reach `Object.prototype`. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(SPECS.map((spec) => [spec.name, spec]));

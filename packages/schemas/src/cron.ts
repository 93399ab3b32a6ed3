/**
 * A validator for the five-field cron expressions of schedule triggers
 * (`minute hour day-of-month month day-of-week`). Only the portable syntax is accepted: `*`, numbers,
 * ranges `a-b`, steps `/n` and comma lists, plus month and weekday names. Macros (`@daily`), seconds
 * fields and the Quartz extensions (`?`, `L`, `W`, `#`) are rejected so a schedule means the same in
 * every runtime. Evaluation (next fire time, timezones) belongs to the trigger scheduler.
 */
import { MAX_CRON_LENGTH } from './limits.js';

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 0 and 7 are both Sunday, as in Vixie cron.
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** The outcome of {@link checkCron}: `undefined` when valid, else the reason. */
export type CronProblem = string | undefined;

/**
 * Checks a cron expression and explains the first problem.
 *
 * @example
 * checkCron('*\/30 * * * *') // undefined
 * checkCron('0 24 * * *') // 'hour value 24 is outside 0-23'
 */
export function checkCron(expression: string): CronProblem {
  if (expression.length > MAX_CRON_LENGTH) return `longer than ${MAX_CRON_LENGTH} characters`;
  const trimmed = expression.trim();
  if (trimmed.startsWith('@'))
    return `macros such as ${trimmed.split(/\s/)[0]} are not supported; write five fields`;
  const parts = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (parts.length !== FIELDS.length)
    return `expected 5 fields (minute hour day month weekday), found ${parts.length}`;
  for (let index = 0; index < FIELDS.length; index += 1) {
    const problem = checkField(parts[index]!, FIELDS[index]!);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkField(text: string, field: FieldSpec): CronProblem {
  for (const item of text.split(',')) {
    if (item === '') return `${field.name} has an empty list item in "${text}"`;
    const [range, step, ...extra] = item.split('/');
    if (extra.length > 0 || range === undefined) return `${field.name} item "${item}" has more than one "/"`;
    if (step !== undefined && !/^\d+$/.test(step)) return `${field.name} step "${step}" is not a number`;
    if (step !== undefined && Number(step) === 0) return `${field.name} step must be at least 1`;
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `${field.name} range "${range}" is malformed`;
    const values: number[] = [];
    for (const bound of bounds) {
      const value = fieldValue(bound, field);
      if (typeof value === 'string') return value;
      values.push(value);
    }
    if (values.length === 2 && values[0]! > values[1]!) {
      return `${field.name} range "${range}" runs backwards`;
    }
  }
  return undefined;
}

function fieldValue(text: string, field: FieldSpec): number | string {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < field.min || value > field.max) {
      return `${field.name} value ${text} is outside ${field.min}-${field.max}`;
    }
    return value;
  }
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (field.min === 1 ? 1 : 0);
  return `${field.name} value "${text}" is not a number${field.names ? ' or a name' : ''}`;
}

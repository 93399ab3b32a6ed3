import { describe, expect, it } from 'vitest';
import { checkCron } from './cron.js';

describe('checkCron', () => {
  it.each([
    '0 8 * * *',
    '*/30 * * * *',
    '*/5 * * * *',
    '0 9 * * 1-5',
    '0,15,30,45 * * * *',
    '5-50/5 0-23/2 1,15 JAN-mar sun',
    '0 0 1 12 7',
    '  0  8  *  *  *  ',
  ])('accepts %j', (expression) => {
    expect(checkCron(expression)).toBeUndefined();
  });

  it.each([
    ['', 'expected 5 fields'],
    ['* * * *', 'found 4'],
    ['0 0 * * * *', 'found 6'],
    ['60 * * * *', 'minute value 60 is outside 0-59'],
    ['0 24 * * *', 'hour value 24 is outside 0-23'],
    ['0 0 0 * *', 'day-of-month value 0 is outside 1-31'],
    ['0 0 * 13 *', 'month value 13 is outside 1-12'],
    ['0 0 * * 8', 'day-of-week value 8 is outside 0-7'],
    ['*/0 * * * *', 'step must be at least 1'],
    ['5-1 * * * *', 'runs backwards'],
    ['1,,2 * * * *', 'empty list item'],
    ['*/x * * * *', 'step "x" is not a number'],
    ['0 0 * FOO *', 'month value "FOO" is not a number or a name'],
    ['0 0 ? * *', 'is not a number'],
    ['0 0 L * *', 'is not a number'],
    ['@daily', 'macros such as @daily are not supported'],
    ['1-2-3 * * * *', 'malformed'],
    ['1/2/3 * * * *', 'more than one "/"'],
  ])('rejects %j (%s)', (expression, reason) => {
    expect(checkCron(expression)).toContain(reason);
  });

  it('bounds the length it examines', () => {
    expect(checkCron(`${'1,'.repeat(200)}1 * * * *`)).toContain('longer than');
  });
});

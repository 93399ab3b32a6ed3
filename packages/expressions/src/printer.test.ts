import { describe, expect, it } from 'vitest';
import { parseExpression } from './parse.js';
import { printExpression, quoteString } from './printer.js';

const print = (source: string) => printExpression(parseExpression(source));

describe('printExpression', () => {
  it.each([
    ['(a  +  b)*2', '(a + b) * 2'],
    ['a + (b * 2)', 'a + b * 2'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['not (a == b)', 'not a == b'],
    ['(not a) == b', '(not a) == b'],
    ['!(a && b)', '!(a && b)'],
    ['-(x | abs)', '-x | abs'],
    ['(-x) | abs', '(-x) | abs'],
    ['(-2) | abs', '(-2) | abs'],
    ['- -x', '- -x'],
    ['a if b else (c if d else e)', 'a if b else c if d else e'],
    ['(a if b else c) if d else e', '(a if b else c) if d else e'],
    ['(a or b) and c', '(a or b) and c'],
    ['a.b[0]["c d"].e', "a.b[0]['c d'].e"],
    ['x not in [1, 2]', 'x not in [1, 2]'],
    ["{a: 1, 'b c': [true, null]}", "{a: 1, 'b c': [true, null]}"],
    ["xs | map('item.a') | join(', ')", "xs | map('item.a') | join(', ')"],
    ['(a < b) == c', '(a < b) == c'],
  ])('%s prints as %s', (source, expected) => {
    expect(print(source)).toBe(expected);
    expect(print(expected)).toBe(expected);
  });

  it('escapes what the lexer would misread', () => {
    expect(quoteString("it's \\ \n\t\r\u0001")).toBe("'it\\'s \\\\ \\n\\t\\r\\u0001'");
    expect(printExpression({ type: 'Literal', value: -0, start: 0, end: 0 })).toBe('-0');
  });
});

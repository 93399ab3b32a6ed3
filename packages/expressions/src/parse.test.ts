import { describe, expect, it } from 'vitest';
import { parseExpression, parseTemplate } from './parse.js';

describe('parseExpression', () => {
  it('builds a tree with offsets', () => {
    expect(parseExpression('a.b > 1')).toEqual({
      type: 'Binary',
      operator: '>',
      start: 0,
      end: 7,
      left: {
        type: 'Member',
        computed: false,
        start: 0,
        end: 3,
        object: { type: 'Identifier', name: 'a', start: 0, end: 1 },
        property: { type: 'Literal', value: 'b', start: 2, end: 3 },
      },
      right: { type: 'Literal', value: 1, start: 6, end: 7 },
    });
  });

  it('binds filters tighter than comparisons', () => {
    const node = parseExpression('xs | length > 0');
    expect(node.type === 'Binary' && node.left.type).toBe('Filter');
  });

  it('applies static checks', () => {
    expect(() => parseExpression('nope()')).toThrow(/Unknown function/);
    expect(() => parseExpression('secrets')).toThrow(/whole 'secrets'/);
  });
});

describe('parseTemplate', () => {
  it('builds text, output and block nodes', () => {
    const template = parseTemplate('Hi {{ name }}{% for x in xs %}[{{ x }}]{% endfor %}');
    expect(template.kind).toBe('mixed');
    expect(template.body.map((part) => part.type)).toEqual(['Text', 'Output', 'For']);
    const loop = template.body[2];
    expect(loop?.type === 'For' && loop.variable).toBe('x');
    expect(loop?.type === 'For' && loop.body.map((part) => part.type)).toEqual(['Text', 'Output', 'Text']);
  });

  it('keeps if/elif/else arms apart', () => {
    const template = parseTemplate('{% if a %}1{% elif b %}2{% else %}3{% endif %}');
    const block = template.body[0];
    expect(block?.type).toBe('If');
    if (block?.type !== 'If') return;
    expect(block.branches).toHaveLength(2);
    expect(block.alternate).toEqual([{ type: 'Text', value: '3', start: 34, end: 35 }]);
  });
});

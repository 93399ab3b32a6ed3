import { describe, expect, it } from 'vitest';
import { ExpressionError } from './expression-error.js';
import { clearTemplateCache, compileExpression, compileTemplate } from './program.js';

describe('compileTemplate', () => {
  it('classifies templates', () => {
    expect(compileTemplate('plain').kind).toBe('literal');
    expect(compileTemplate(' {{ a }} ').kind).toBe('expression');
    expect(compileTemplate('x {{ a }}').kind).toBe('mixed');
    expect(compileTemplate('{% if a %}{% endif %}').kind).toBe('mixed');
    expect(compileTemplate('{% raw %}x{% endraw %}').kind).toBe('mixed');
  });

  it('caches by source text, except under non-default parse limits', () => {
    clearTemplateCache();
    const first = compileTemplate('{{ inputs.a + 1 }}');
    expect(compileTemplate('{{ inputs.a + 1 }}')).toBe(first);
    expect(compileTemplate('{{ inputs.a + 1 }}', { limits: { maxNodes: 100 } })).not.toBe(first);
    clearTemplateCache();
    expect(compileTemplate('{{ inputs.a + 1 }}')).not.toBe(first);
  });

  it('does not cache huge templates', () => {
    const huge = `${'x'.repeat(70_000)}{{ 1 }}`;
    expect(compileTemplate(huge)).not.toBe(compileTemplate(huge));
    expect(compileTemplate(huge).render({})).toBe(`${'x'.repeat(70_000)}1`);
  });

  it('renders many times with separate budgets', () => {
    const template = compileTemplate('{% for i in range(3) %}{{ i }}{% endfor %}');
    const limits = { maxSteps: 20 };
    for (let round = 0; round < 5; round++) expect(template.render({}, { limits })).toBe('012');
  });

  it('lists references in source order', () => {
    const template = compileTemplate('{{ steps.a.output.x }} {{ inputs.y[0] }}');
    expect(template.references.map((reference) => [reference.root, reference.path, reference.start])).toEqual(
      [
        ['steps', ['a', 'output', 'x'], 3],
        ['inputs', ['y', 0], 26],
      ],
    );
  });

  it('checks strict roots on every render', () => {
    const template = compileTemplate('{{ trigger.payload }}');
    expect(template.render({ trigger: { payload: 1 } })).toBe(1);
    expect(() => template.render({}, { strictRoots: ['inputs'] })).toThrow(/'trigger' is not available/);
  });
});

describe('compileExpression', () => {
  it('evaluates a bare expression against many scopes', () => {
    const hot = compileExpression("steps.w.output.temp > 30 and inputs.city == 'Paris'");
    expect(hot.evaluate({ inputs: { city: 'Paris' }, steps: { w: { output: { temp: 31 } } } })).toBe(true);
    expect(hot.evaluate({ inputs: { city: 'Oslo' }, steps: { w: { output: { temp: 31 } } } })).toBe(false);
    expect(hot.references.map((reference) => reference.text)).toEqual(['steps.w.output.temp', 'inputs.city']);
  });

  it('runs context-free expressions with the same checks: strict roots, errors with positions', () => {
    const condition = compileExpression("inputs.temp > 30 and inputs.city == 'Paris'");
    expect(() => condition.evaluate({}, { strictRoots: ['steps'] })).toThrow(/'inputs' is not available/);
    let failure: unknown;
    try {
      condition.evaluate({ inputs: { temp: 'hot' } });
    } catch (error) {
      failure = error;
    }
    expect(ExpressionError.is(failure)).toBe(true);
    expect((failure as ExpressionError).code).toBe('EXPR_TYPE');
    expect((failure as ExpressionError).start).toBe(0);
    expect((failure as ExpressionError).end).toBe(16);
  });

  it('turns anything a host getter throws inside a context-free expression into EXPR_INTERNAL', () => {
    const inputs = {
      get city(): string {
        throw new TypeError('host failure');
      },
    };
    const condition = compileExpression("inputs.city == 'Paris'");
    expect(() => condition.evaluate({ inputs })).toThrow(
      expect.objectContaining({ code: 'EXPR_INTERNAL' }) as unknown as Error,
    );
  });

  it('lets a host getter re-enter the engine during a context-free evaluation', () => {
    const inner = compileExpression("inputs.city == 'Paris'");
    const outer = compileExpression('inputs.nested.value > 1 and inputs.city == inputs.city');
    const inputs = {
      city: 'Paris',
      nested: {
        get value(): number {
          return inner.evaluate({ inputs: { city: 'Paris' } }) === true ? 2 : 0;
        },
      },
    };
    expect(outer.evaluate({ inputs })).toBe(true);
  });
});

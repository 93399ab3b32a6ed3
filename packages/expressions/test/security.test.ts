/**
 * Security cases that need host objects and cannot be written as YAML data: functions and class
 * instances in the scope (PP-8), own `__proto__` keys (TI-7, PP-9), prototype pollution done by
 * other code, cross-realm data, and secret tracking (B.4).
 */
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ExpressionError,
  evaluate,
  evaluateCondition,
  render,
  renderTracked,
  TEMPLATE_STRING,
} from '../src/index.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(ExpressionError.is(error)).toBe(true);
    return (error as ExpressionError).code;
  }
  return undefined;
}

describe('PP-8: the host scope must be JSON data', () => {
  class Point {
    constructor(readonly x: number) {}
  }
  const scope = {
    inputs: {
      fn: () => 'called',
      point: new Point(1),
      date: new Date(0),
      map: new Map([['a', 1]]),
      list: [() => 1],
      big: 10n,
      nan: Number.NaN,
    },
  };

  it.each([
    'inputs.fn',
    'inputs.point',
    'inputs.date',
    'inputs.map',
    'inputs.big',
    'inputs.nan',
    'inputs.list[0]',
    'json(inputs.list)',
    'inputs.fn.name',
  ])('%s is EXPR_CONTEXT_NOT_JSON', (expression) => {
    expect(codeOf(() => evaluate(expression, scope))).toBe('EXPR_CONTEXT_NOT_JSON');
  });

  it('never calls a function found in the scope', () => {
    let calls = 0;
    const counting = { inputs: { fn: () => calls++ } };
    for (const expression of ['inputs.fn', 'string(inputs.fn)', '[inputs.fn] | length', 'inputs.fn()']) {
      codeOf(() => evaluate(expression, counting));
    }
    expect(calls).toBe(0);
  });

  it('reads methods of data values as missing, not as functions', () => {
    expect(evaluate('inputs.point.constructor', scope)).toBeUndefined();
    expect(evaluate('inputs.date.getTime', scope)).toBeUndefined();
    expect(evaluate('inputs.text.toUpperCase', { inputs: { text: 'x' } })).toBeUndefined();
  });

  it('applies the same rules to paths read by text templates, also from a shared prefix', () => {
    for (const template of [
      'x {{ inputs.fn.name }}',
      '{{ inputs.fn }} x',
      '{{ inputs.point.x }} {{ inputs.fn.name }}',
      '{{ inputs.list }} x',
    ]) {
      expect(
        codeOf(() => render(template, scope)),
        template,
      ).toBe('EXPR_CONTEXT_NOT_JSON');
    }
    expect(render('[{{ inputs.date.getTime.name }}|{{ inputs.date.getTime }}]', scope)).toBe('[|]');
    expect(render('[{{ toString.name }}|{{ inputs.nan.x }}]', scope)).toBe('[|]');
  });

  it('rejects template documents that are not data', () => {
    expect(codeOf(() => render({ a: () => 1 }, {}))).toBe('EXPR_CONTEXT_NOT_JSON');
    expect(codeOf(() => render({ a: new Point(1) }, {}))).toBe('EXPR_CONTEXT_NOT_JSON');
  });
});

describe('TI-7 / PP-9: __proto__ keys stay own keys', () => {
  it('copies an own __proto__ key of a template object without changing any prototype', () => {
    const template = JSON.parse(
      '{"__proto__": {"polluted": "{{ inputs.x }}"}, "a": "{{ inputs.x }}"}',
    ) as object;
    const result = render(template, { inputs: { x: 'yes' } }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(result.a).toBe('yes');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds object literals with own __proto__ keys', () => {
    const value = evaluate("{'__proto__': {polluted: 1}}", {}) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns fresh containers, never the template objects', () => {
    const template = { a: ['{{ 1 }}'], b: { c: 'text' } };
    const result = render(template, {}) as typeof template;
    expect(result).toEqual({ a: [1], b: { c: 'text' } });
    expect(result).not.toBe(template);
    expect(result.b).not.toBe(template.b);
    expect(template.a[0]).toBe('{{ 1 }}');
  });
});

describe('prototype pollution done by other code', () => {
  const prototype = Object.prototype as unknown as Record<string, unknown>;
  afterEach(() => {
    delete prototype.isAdmin;
    delete prototype.output;
  });

  it('is never observed by a path, even after the engine has run', () => {
    const scope = { inputs: { user: { name: 'Ada' } } };
    expect(evaluate('inputs.user.isAdmin', scope)).toBeUndefined();
    prototype.isAdmin = true;
    expect(({} as Record<string, unknown>).isAdmin).toBe(true);
    expect(evaluate('inputs.user.isAdmin', scope)).toBeUndefined();
    expect(evaluate("inputs.user['isAdmin']", scope)).toBeUndefined();
    expect(evaluateCondition('{{ inputs.user.isAdmin }}', scope)).toBe(false);
    expect(evaluate('isAdmin', scope)).toBeUndefined();
    expect(evaluate("'isAdmin' in inputs.user", scope)).toBe(false);
    expect(evaluate('keys(inputs.user)', scope)).toEqual(['name']);
    expect(render('[{{ inputs.user.name }}|{{ inputs.user.isAdmin }}]', scope)).toBe('[Ada|]');
    delete prototype.isAdmin;
    expect(evaluate('inputs.user.name', scope)).toBe('Ada');
  });

  it('is never observed through a name read by a fixed-name load', () => {
    const scope = { steps: { fetch: { status: 'success' } } };
    expect(evaluate('steps.fetch.output', scope)).toBeUndefined();
    prototype.output = { admin: true };
    expect(evaluate('steps.fetch.output', scope)).toBeUndefined();
    expect(evaluate('steps.fetch.output.admin == true', scope)).toBe(false);
    expect(render('[{{ steps.fetch.status }}|{{ steps.fetch.output }}]', scope)).toBe('[success|]');
  });
});

describe('cross-realm data', () => {
  it('accepts plain objects and arrays from another realm', () => {
    const foreign = runInNewContext('({ user: { name: "Ada", tags: ["a", "b"] } })') as object;
    expect(evaluate('inputs.user.name', { inputs: foreign })).toBe('Ada');
    expect(evaluate('inputs.user.tags | length', { inputs: foreign })).toBe(2);
    expect(evaluate('inputs.user', { inputs: foreign })).toEqual({ name: 'Ada', tags: ['a', 'b'] });
  });

  it('rejects class instances from another realm', () => {
    const foreign = runInNewContext('({ when: new Date(0) })') as object;
    expect(codeOf(() => evaluate('inputs.when', { inputs: foreign }))).toBe('EXPR_CONTEXT_NOT_JSON');
  });
});

describe('error records render as their message', () => {
  const error = { code: 'TIMEOUT', message: 'took too long', [TEMPLATE_STRING]: 'took too long' };
  const scope = { steps: { a: { status: 'failed', error } } };

  it('in mixed text, + and join', () => {
    expect(render('Failed: {{ steps.a.error }}', scope)).toBe('Failed: took too long');
    expect(evaluate("'E: ' + steps.a.error", scope)).toBe('E: took too long');
    expect(evaluate("join([steps.a.error], '')", scope)).toBe('took too long');
  });

  it('as a native value and through paths it stays an object', () => {
    expect(render('{{ steps.a.error }}', scope)).toBe(error);
    expect(render('{{ steps.a.error.code }}', scope)).toBe('TIMEOUT');
    expect(evaluate('json(steps.a.error)', scope)).toBe('{"code":"TIMEOUT","message":"took too long"}');
  });
});

describe('B.4: secret tracking', () => {
  const scope = { inputs: { name: 'x' }, secrets: { A: 'alpha-canary', B: 'beta-canary' } };

  it('reports each secret read once, in first-read order', () => {
    const { value, secrets } = renderTracked(
      { h: 'Bearer {{ secrets.B }}', b: ['{{ secrets.A }}', '{{ secrets.B }}'], n: '{{ inputs.name }}' },
      scope,
    );
    expect(value).toEqual({ h: 'Bearer beta-canary', b: ['alpha-canary', 'beta-canary'], n: 'x' });
    expect(secrets).toEqual(['B', 'A']);
  });

  it('reports secrets read inside loops and sub-expressions', () => {
    const { secrets } = renderTracked(
      "{% for k in ['x'] %}{{ secrets.A }}{% endfor %}{{ map([1], 'item + secrets.B') | length }}",
      scope,
    );
    expect(secrets).toEqual(['A', 'B']);
  });

  it('reports nothing when no secret is read', () => {
    expect(renderTracked('{{ inputs.name }}', scope).secrets).toEqual([]);
  });

  it('never puts a secret value into an error', () => {
    for (const expression of [
      'secrets.A > 1',
      'secrets.A - 1',
      'fromJSON(secrets.A)',
      'number(secrets.A)',
      'round(secrets.A)',
    ]) {
      try {
        evaluate(expression, scope);
        expect.unreachable(expression);
      } catch (error) {
        const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
        expect(text).not.toContain('alpha-canary');
      }
    }
  });
});

describe('the engine throws only ExpressionError', () => {
  it('wraps a host value whose read throws into EXPR_INTERNAL without the message', () => {
    const hostile = {
      get boom(): string {
        throw new Error('host secret detail');
      },
    };
    let thrown: unknown;
    try {
      evaluate('inputs.boom', { inputs: hostile });
    } catch (error) {
      thrown = error;
    }
    expect(ExpressionError.is(thrown)).toBe(true);
    expect((thrown as ExpressionError).code).toBe('EXPR_INTERNAL');
    expect(JSON.stringify(thrown)).not.toContain('host secret detail');
  });
});

/**
 * Property tests: printing round-trips through the parser; evaluation of arbitrary text and of
 * generated expressions over generated data throws nothing but `ExpressionError` (and never
 * `EXPR_INTERNAL`); nothing an expression does can reach or change the built-in prototypes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExpressionNode } from '../src/ast.js';
import { ExpressionParser } from '../src/expression-parser.js';
import { FUNCTIONS } from '../src/functions.js';
import {
  checkTemplate,
  compileTemplate,
  DEFAULT_LIMITS,
  ExpressionError,
  evaluate,
  printExpression,
  render,
  templateReferences,
} from '../src/index.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'if', 'else', 'true', 'false', 'null']);
const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/).filter((name) => !KEYWORDS.has(name));
const span = { start: 0, end: 0 };

type Node = ExpressionNode;

/** JSON-shaped data: any of `leaves`, arrays of up to two values, records over any subset of `keys`. */
function jsonTree(leaves: readonly fc.Arbitrary<unknown>[], keys: readonly string[]): fc.Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      ...leaves,
      fc.array(tie('value'), { maxLength: 2 }),
      fc.record(Object.fromEntries(keys.map((key) => [key, tie('value')])), { requiredKeys: [] }),
    ),
  })).value;
}

/** The value, or the error code, of `run`. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { code: (error as ExpressionError).code };
  }
}

/** Trees the parser can produce (it folds `-<number>` into a literal, so no such unary here). */
function expressionTree(names: fc.Arbitrary<string>, callees: fc.Arbitrary<string>): fc.Arbitrary<Node> {
  const { node } = fc.letrec<{ node: Node }>((tie) => {
    const child = tie('node');
    const literal = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 6, unit: 'binary' }),
      fc.boolean(),
      fc.constant(null),
    );
    return {
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        literal.map((value): Node => ({ type: 'Literal', value, ...span })),
        names.map((name): Node => ({ type: 'Identifier', name, ...span })),
        fc.array(child, { maxLength: 3 }).map((elements): Node => ({ type: 'Array', elements, ...span })),
        fc
          .uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), child), {
            maxLength: 3,
            selector: ([key]) => key,
          })
          .map(
            (entries): Node => ({
              type: 'Object',
              properties: entries.map(([key, value]) => ({ key, value, ...span })),
              ...span,
            }),
          ),
        fc.tuple(child, names).map(
          ([object, name]): Node => ({
            type: 'Member',
            object,
            property: { type: 'Literal', value: name, ...span },
            computed: false,
            ...span,
          }),
        ),
        fc
          .tuple(child, child)
          .map(([object, property]): Node => ({ type: 'Member', object, property, computed: true, ...span })),
        fc
          .tuple(callees, fc.array(child, { maxLength: 3 }))
          .map(([callee, args]): Node => ({ type: 'Call', callee, arguments: args, ...span })),
        fc
          .tuple(child, callees, fc.array(child, { maxLength: 2 }))
          .map(([input, name, args]): Node => ({ type: 'Filter', input, name, arguments: args, ...span })),
        fc
          .tuple(fc.constantFrom('-', '!', 'not' as const), child)
          .filter(([operator, argument]) => !(operator === '-' && isNumberLiteral(argument)))
          .map(([operator, argument]): Node => ({ type: 'Unary', operator, argument, ...span })),
        fc
          .tuple(
            fc.constantFrom(
              '+',
              '-',
              '*',
              '/',
              '%',
              '==',
              '!=',
              '<',
              '<=',
              '>',
              '>=',
              'in',
              'not in' as const,
            ),
            child,
            child,
          )
          .map(([operator, left, right]): Node => ({ type: 'Binary', operator, left, right, ...span })),
        fc
          .tuple(fc.constantFrom('and', 'or', '&&', '||' as const), child, child)
          .map(([operator, left, right]): Node => ({ type: 'Logical', operator, left, right, ...span })),
        fc.tuple(child, child, child).map(
          ([test, consequent, alternate]): Node => ({
            type: 'Conditional',
            test,
            consequent,
            alternate,
            ...span,
          }),
        ),
      ),
    };
  });
  return node;
}

function isNumberLiteral(node: Node): boolean {
  return node.type === 'Literal' && typeof node.value === 'number';
}

/** A tree without offsets, for structural comparison. */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'start' && key !== 'end')
      .map(([key, entry]) => [key, withoutPositions(entry)]),
  );
}

function parseSyntax(source: string): Node {
  return new ExpressionParser(source, 0, {
    ...DEFAULT_LIMITS,
    maxDepth: 1000,
    maxNodes: 100_000,
  }).parseComplete();
}

/** Names that probe the sandbox: prototype doors, methods and real-looking roots. */
const HOSTILE_NAMES = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '__lookupGetter__',
  'length',
  'inputs',
  'steps',
  'item',
  'a',
  'b',
  'x',
  'polluted',
);

const LIBRARY = [...FUNCTIONS.keys()];
const LAMBDAS = ['item', 'item + 1', 'item.a', 'index', "item == 'a'", 'item.constructor', 'length(item)'];

/** Evaluable trees: library calls with fitting arities and valid sub-expression arguments. */
const evaluableTree: fc.Arbitrary<Node> = expressionTree(HOSTILE_NAMES, fc.constantFrom(...LIBRARY)).map(
  function fixCalls(node: Node): Node {
    const fix = (child: Node): Node => fixCalls(child);
    switch (node.type) {
      case 'Call':
      case 'Filter': {
        const name = node.type === 'Call' ? node.callee : node.name;
        const spec = FUNCTIONS.get(name)!;
        const offset = node.type === 'Filter' ? 1 : 0;
        const args = node.arguments.map(fix);
        const wanted =
          Math.max(spec.minArguments, Math.min(spec.maxArguments, args.length + offset)) - offset;
        while (args.length < wanted) args.push({ type: 'Literal', value: 1, ...span });
        args.length = Math.max(0, wanted);
        const lambda = spec.lambda === undefined ? -1 : spec.lambda - offset;
        if (lambda >= 0 && lambda < args.length) {
          args[lambda] = { type: 'Literal', value: LAMBDAS[name.length % LAMBDAS.length]!, ...span };
        }
        return node.type === 'Call'
          ? { ...node, arguments: args }
          : { ...node, input: fix(node.input), arguments: args };
      }
      case 'Array':
        return { ...node, elements: node.elements.map(fix) };
      case 'Object':
        return {
          ...node,
          properties: node.properties.map((property) => ({ ...property, value: fix(property.value) })),
        };
      case 'Member':
        return {
          ...node,
          object: fix(node.object),
          property: node.computed ? fix(node.property) : node.property,
        };
      case 'Unary':
        return { ...node, argument: fix(node.argument) };
      case 'Binary':
      case 'Logical':
        return { ...node, left: fix(node.left), right: fix(node.right) };
      case 'Conditional':
        return {
          ...node,
          test: fix(node.test),
          consequent: fix(node.consequent),
          alternate: fix(node.alternate),
        };
      default:
        return node;
    }
  },
);

/** JSON data, including objects that own `__proto__`/`constructor` keys as JSON.parse makes them. */
const data = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .jsonValue({ maxDepth: 2 })
    .map((value) =>
      JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "constructor": {"prototype": 1}, "a": 1}`),
    ),
);

const scope = fc.record({ inputs: data, steps: data, item: data, a: data, x: data });

function expectOnlyExpressionErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    expect(ExpressionError.is(error), String(error)).toBe(true);
    expect((error as ExpressionError).code).not.toBe('EXPR_INTERNAL');
  }
}

function snapshotPrototypes(): string {
  const describe = (object: object) =>
    Reflect.ownKeys(object)
      .map((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(object, key)!;
        return `${String(key)}:${typeof descriptor.value}:${String(descriptor.get)}:${descriptor.enumerable}`;
      })
      .join(',');
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map(describe).join('|');
}

/** Asserts a result is plain data: no functions, no prototype objects, no class instances. */
function expectPlainData(value: unknown, depth = 0): void {
  if (depth > 50) return;
  expect(typeof value).not.toBe('function');
  if (typeof value !== 'object' || value === null) return;
  expect([Object.prototype, Array.prototype, Function.prototype]).not.toContain(value);
  const prototype = Object.getPrototypeOf(value);
  expect(prototype === Object.prototype || prototype === Array.prototype || prototype === null).toBe(true);
  for (const key of Object.keys(value)) expectPlainData((value as Record<string, unknown>)[key], depth + 1);
}

describe('printing', () => {
  it('round-trips: parse(print(tree)) is the tree', () => {
    fc.assert(
      fc.property(expressionTree(identifier, identifier), (tree) => {
        const printed = printExpression(tree);
        expect(withoutPositions(parseSyntax(printed))).toEqual(withoutPositions(tree));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('is a fixed point on parsed text', () => {
    fc.assert(
      fc.property(evaluableTree, (tree) => {
        const once = printExpression(tree);
        expect(printExpression(parseSyntax(once))).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('robustness', () => {
  it('throws only ExpressionError for arbitrary template text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), scope, (source, context) => {
        expectOnlyExpressionErrors(() => render(source, context));
        expectOnlyExpressionErrors(() => evaluate(source, context));
        expect(Array.isArray(checkTemplate(source))).toBe(true);
        expect(Array.isArray(templateReferences(source))).toBe(true);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('throws only ExpressionError for template-shaped text', () => {
    const piece = fc.constantFrom(
      '{{',
      '}}',
      '{%',
      '%}',
      'if ',
      'for x in ',
      'endif',
      'endfor',
      "'",
      '"',
      ' ',
      'a',
      '1',
      '|',
      '-',
      '(',
      ')',
      'raw',
      'else',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), scope, (pieces, context) => {
        const source = pieces.join('');
        expectOnlyExpressionErrors(() => render(source, context));
        expect(Array.isArray(checkTemplate(source, { condition: true }))).toBe(true);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('throws only ExpressionError for generated expressions over generated data', () => {
    fc.assert(
      fc.property(evaluableTree, scope, (tree, context) => {
        expectOnlyExpressionErrors(() => evaluate(printExpression(tree), context));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('mixed templates', () => {
  // `output` and `status` are read by fixed-name loads, the others by keyed loads.
  const key = fc.constantFrom('a', 'b', 'c', 'output', 'status', 'toString', 'length');
  const path = fc.tuple(fc.constantFrom('inputs', 'steps'), fc.array(key, { maxLength: 4 }));
  const nested = jsonTree(
    [fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null)],
    ['a', 'b', 'c', 'output', 'status'],
  );

  it('render text equal to evaluating each output on its own', () => {
    fc.assert(
      fc.property(fc.array(path, { minLength: 1, maxLength: 4 }), nested, nested, (paths, inputs, steps) => {
        const sources = paths.map(([root, keys]) => [root, ...keys].join('.'));
        const context = { inputs, steps };
        const expected = sources.map((source) => {
          const value = evaluate(source, context);
          return typeof value === 'string'
            ? value
            : (render(`<{{ ${source} }}>`, context) as string).slice(1, -1);
        });
        const template = `[${sources.map((source) => `{{ ${source} }}`).join('|')}]`;
        expect(render(template, context)).toBe(`[${expected.join('|')}]`);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('flat templates over static paths', () => {
  // `output` is read by a fixed-name load; `t` holds values text cannot show without JSON.
  const key = fc.constantFrom('a', 'b', 'output', 't', 'length');
  const path = fc
    .tuple(fc.constantFrom('inputs', 'steps'), fc.array(key, { minLength: 1, maxLength: 3 }))
    .map(([root, keys]) => [root, ...keys].join('.'));
  const leaf = fc.oneof(
    fc.integer({ min: -99, max: 99 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 6 }),
    fc.constantFrom('é', '日本', '😀'),
    fc.boolean(),
    fc.constant(null),
  );
  const nested = jsonTree([leaf], ['a', 'b', 'output', 't']);
  const limits = fc.record(
    { maxOutputBytes: fc.integer({ min: 1, max: 80 }), maxEvaluations: fc.integer({ min: 1, max: 5 }) },
    { requiredKeys: [] },
  );

  it('render through a compiled template exactly as through the general path, limits included', () => {
    fc.assert(
      fc.property(
        fc.array(path, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '-', 'é'),
        nested,
        nested,
        limits,
        (paths, separator, inputs, steps, overrides) => {
          const template = `[${paths.map((read) => `{{ ${read} }}`).join(separator)}]`;
          const scope = { inputs, steps };
          const options = { limits: overrides };
          // `render` of a document always takes the general path (it needs a context).
          expect(outcome(() => compileTemplate(template).render(scope, options))).toEqual(
            outcome(() => render(template, scope, options)),
          );
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('render the same while Object.prototype is polluted', () => {
    const prototype = Object.prototype as unknown as Record<string, unknown>;
    try {
      prototype.b = 'polluted';
      fc.assert(
        fc.property(
          fc.array(path, { minLength: 1, maxLength: 3 }),
          nested,
          nested,
          (paths, inputs, steps) => {
            const template = paths.map((read) => `{{ ${read} }}`).join('|');
            const scope = { inputs, steps };
            const compiled = outcome(() => compileTemplate(template).render(scope));
            expect(compiled).toEqual(outcome(() => render(template, scope)));
            expect(JSON.stringify(compiled)).not.toContain('polluted');
          },
        ),
        { numRuns: RUNS },
      );
    } finally {
      delete prototype.b;
    }
  });
});

describe('specialised closures', () => {
  const key = fc.constantFrom('a', 'b', 'c', 'output', 'status', 'toString', 'length', '__proto__');
  const path = fc
    .tuple(fc.constantFrom('inputs', 'steps', 'hasOwnProperty'), fc.array(key, { maxLength: 3 }))
    .map(([root, keys]) => [root, ...keys].join('.'));
  const nested = jsonTree(
    [
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom('x', 'y', '', 'false'),
      fc.boolean(),
      fc.constant(null),
    ],
    ['a', 'b', 'c', 'output', 'status'],
  );
  const literal = fc.constantFrom('0', '2', '-1', '1.5', "'x'", "''", "'false'", 'true', 'false', 'null');
  const mirrored: Readonly<Record<string, string>> = {
    '==': '==',
    '!=': '!=',
    '<': '>',
    '<=': '>=',
    '>': '<',
    '>=': '<=',
  };

  /** The value, or the error code, of evaluating `source`. */
  const evaluated = (source: string, context: Record<string, unknown>) =>
    outcome(() => evaluate(source, context));

  it('`path op literal` agrees with the general operator (`literal op′ path`)', () => {
    fc.assert(
      fc.property(
        path,
        fc.constantFrom(...Object.keys(mirrored)),
        literal,
        nested,
        nested,
        (read, operator, value, inputs, steps) => {
          const context = { inputs, steps };
          expect(evaluated(`${read} ${operator} ${value}`, context)).toEqual(
            evaluated(`${value} ${mirrored[operator]} ${read}`, context),
          );
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('`and`/`or` after a comparison agree with the general truthiness rule', () => {
    fc.assert(
      fc.property(
        path,
        literal,
        path,
        fc.constantFrom('and', 'or'),
        nested,
        nested,
        (left, value, right, operator, inputs, steps) => {
          const context = { inputs, steps };
          const comparison = `${left} == ${value}`;
          expect(evaluated(`${comparison} ${operator} ${right}`, context)).toEqual(
            evaluated(`[${comparison}][0] ${operator} ${right}`, context),
          );
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('context-free evaluation agrees with evaluation inside a document (with a context)', () => {
    fc.assert(
      fc.property(
        path,
        fc.constantFrom(...Object.keys(mirrored)),
        literal,
        path,
        nested,
        nested,
        (left, operator, value, right, inputs, steps) => {
          const context = { inputs, steps };
          const source = `${left} ${operator} ${value} or ${right}`;
          let inDocument: unknown;
          try {
            inDocument = {
              value: (render({ result: `{{ ${source} }}` }, context) as { result: unknown }).result,
            };
          } catch (error) {
            inDocument = { code: (error as ExpressionError).code };
          }
          expect(evaluated(source, context)).toEqual(inDocument);
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('sandbox', () => {
  it('never exposes or changes the built-in prototypes', () => {
    const before = snapshotPrototypes();
    fc.assert(
      fc.property(evaluableTree, scope, (tree, context) => {
        let result: unknown;
        try {
          result = render(
            { value: `{{ ${printExpression(tree)} }}`, text: `<{{ ${printExpression(tree)} }}>` },
            context,
          );
        } catch (error) {
          expect(ExpressionError.is(error)).toBe(true);
          return;
        }
        expectPlainData(result);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS * 3 },
    );
    expect(snapshotPrototypes()).toBe(before);
  });
});

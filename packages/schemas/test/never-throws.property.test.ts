/**
 * The loader never throws on document content: arbitrary text, bytes, JSON values and mutations of
 * real documents all come back as a result whose `ok` agrees with its diagnostics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LoadResult, loadDocument, loadWorkflows } from '../src/loader.js';

function expectConsistent(result: LoadResult<unknown>): void {
  expect(Array.isArray(result.diagnostics)).toBe(true);
  const hasError = result.diagnostics.some((item) => item.severity === 'error');
  expect(result.ok).toBe(!hasError && result.value !== undefined);
  if (!result.ok) expect(hasError).toBe(true);
  for (const item of result.diagnostics) {
    expect(item.code).toMatch(/^OW_[A-Z0-9_]+$/);
    expect(typeof item.pointer).toBe('string');
  }
}

const documents = ['logic', 'workflows', 'registry', 'agents', 'connectors'].flatMap((dir) =>
  readdirSync(new URL(`./fixtures/${dir}/`, import.meta.url)).map((file) =>
    readFileSync(new URL(`./fixtures/${dir}/${file}`, import.meta.url), 'utf8'),
  ),
);

/** A real document with a random slice replaced: mostly broken YAML near valid structure. */
const mutated = fc
  .tuple(fc.constantFrom(...documents), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 20 }))
  .map(([text, at, length, insert]) => {
    const start = at % (text.length + 1);
    return text.slice(0, start) + insert + text.slice(start + length);
  });

const yamlish = fc
  .array(
    fc.constantFrom(
      'workflows:',
      '- ',
      '  ',
      'steps:',
      'id: a',
      'type: if',
      '{',
      '}',
      '[',
      ']',
      ':',
      '*a',
      '&a',
      '!!str',
      '"',
      "'",
      '\n',
      '#',
      '---',
      '<<: ',
      'then:',
      'needs: [a]',
      'x',
    ),
    {
      maxLength: 40,
    },
  )
  .map((parts) => parts.join(''));

describe('the loader never throws', () => {
  it('on arbitrary text', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) =>
        expectConsistent(loadDocument(text)),
      ),
      { numRuns: 150 },
    );
  });

  it('on YAML-shaped fragments', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(yamlish, (text) => expectConsistent(loadDocument(text, { maxAliasCount: 5 }))),
      { numRuns: 150 },
    );
  });

  it('on mutated real documents', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(mutated, (text) => expectConsistent(loadDocument(text))),
      { numRuns: 150 },
    );
  });

  it('on arbitrary bytes', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => expectConsistent(loadDocument(bytes))),
      { numRuns: 100 },
    );
  });

  it('on arbitrary JSON values and JavaScript values', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => expectConsistent(loadDocument(value as object))),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => expectConsistent(loadDocument(value as object))),
      { numRuns: 150 },
    );
  });

  it('on workflow-shaped objects with arbitrary leaves', { timeout: 60_000 }, () => {
    const leaf = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const step = fc.dictionary(
      fc.constantFrom(
        'id',
        'name',
        'type',
        'connector',
        'plugin',
        'action',
        'with',
        'input',
        'then',
        'else',
        'steps',
        'node',
        'needs',
        'parallel',
        'retry',
        'join',
        'until',
        'duration',
        'cases',
        'branches',
        'agent',
        'selectAgent',
      ),
      leaf,
    );
    const workflow = fc.record({
      name: leaf,
      strategy: fc.constantFrom('dag', 'sequential', 3),
      steps: fc.array(step, { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.array(workflow, { maxLength: 3 }), (workflows) =>
        expectConsistent(loadWorkflows({ workflows })),
      ),
      {
        numRuns: 150,
      },
    );
  });
});

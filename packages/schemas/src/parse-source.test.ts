import { describe, expect, it } from 'vitest';
import { codesOf, expectDiagnostic, positionOf } from '../test/expect-diagnostic.js';
import { loadDocument, loadWorkflows } from './loader.js';

const minimal =
  'workflows:\n  - name: w\n    steps:\n      - id: s\n        type: wait\n        duration: 1s\n';

describe('byte cap (security B.6 Y-2, Y-10)', () => {
  it('rejects text above the cap before parsing', () => {
    const result = loadDocument(`x: "${'a'.repeat(2048)}"`, { maxBytes: 1024 });
    expect(codesOf(result)).toEqual(['OW_INPUT_TOO_LARGE']);
    expect(result.diagnostics[0]?.pointer).toBe('');
  });

  it('defaults to 1 MiB and counts UTF-8 bytes, not characters', () => {
    const scalar = 'é'.repeat(600_000); // 1.2 MB in UTF-8, 600 k characters
    expect(codesOf(loadDocument(`x: "${scalar}"`))).toEqual(['OW_INPUT_TOO_LARGE']);
  });

  it('applies the cap to bytes and decodes them strictly as UTF-8', () => {
    expect(codesOf(loadDocument(new Uint8Array(2048), { maxBytes: 1024 }))).toEqual(['OW_INPUT_TOO_LARGE']);
    expect(codesOf(loadDocument(new Uint8Array([0x78, 0x3a, 0x20, 0xff])))).toEqual(['OW_INPUT_NOT_UTF8']);
    expect(loadWorkflows(new TextEncoder().encode(minimal)).ok).toBe(true);
  });
});

describe('YAML hardening (security B.6)', () => {
  it('Y-1: rejects a billion-laughs document even when aliases are allowed', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ] as const) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = lines.join('\n');
    const result = loadDocument(text, { maxAliasCount: 100 });
    expect(result.ok).toBe(false);
    // Expanding `d` already needs more than 100 aliases; the first one over the limit is an alias
    // of `b` inside the expansion of `c`, reported at that alias's own position.
    expectDiagnostic(result, { code: 'OW_YAML_ALIAS_LIMIT', pointer: '/d/0/0', ...positionOf(text, '*b') });
  });

  it('Y-11: rejects any alias by default, at the alias', () => {
    const result = loadDocument('defaults: &d {a: 1}\nother: *d\n');
    expectDiagnostic(result, {
      code: 'OW_YAML_ALIAS_LIMIT',
      pointer: '/other',
      line: 2,
      column: 8,
      message: 'not allowed',
    });
  });

  it('expands a few aliases when the caller opts in', () => {
    const text = minimal.replace(
      'duration: 1s',
      'duration: &d 1s\n      - id: t\n        type: wait\n        duration: *d',
    );
    const result = loadWorkflows(text, { maxAliasCount: 1 });
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    expect(result.value?.[0]?.steps.map((step) => step.id)).toEqual(['s', 't']);
  });

  it('Y-3: rejects 20,000 nested brackets without parsing, and the process survives', () => {
    const result = loadDocument(`x: ${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    expect(codesOf(result)).toEqual(['OW_DOCUMENT_TOO_DEEP']);
  });

  it('rejects block nesting deeper than the depth limit', () => {
    let text = '';
    for (let depth = 0; depth < 140; depth += 1) text += `${' '.repeat(depth)}k:\n`;
    expect(codesOf(loadDocument(text))).toContain('OW_DOCUMENT_TOO_DEEP');
  });

  it('Y-4: rejects duplicate keys at the duplicate', () => {
    const result = loadDocument('workflows: []\nname: a\nname: b\n');
    expectDiagnostic(result, { code: 'OW_YAML_DUPLICATE_KEY', pointer: '', line: 3, column: 1 });
  });

  it('Y-5: reports merge keys instead of expanding them', () => {
    const result = loadDocument('base: {a: 1}\nthing:\n  <<: {a: 2}\n');
    expectDiagnostic(result, { code: 'OW_YAML_MERGE_KEY', pointer: '/thing/<<', line: 3, column: 3 });
  });

  it.each([
    '!!js/function "x"',
    '!!python/object/apply:os.system ["ls"]',
    '!Ref Foo',
    '!<tag:example.com,2000:app/foo> bar',
  ])('Y-6: rejects the unknown tag %s', (tagged) => {
    const result = loadDocument(`name: w\nsteps: []\nx: ${tagged}\n`);
    expectDiagnostic(result, { code: 'OW_YAML_UNKNOWN_TAG', pointer: '', line: 3, column: 4 });
  });

  it('Y-7: rejects multi-document streams at the second document', () => {
    const result = loadDocument(`${minimal}---\n${minimal}`);
    expectDiagnostic(result, { code: 'OW_YAML_MULTI_DOCUMENT', pointer: '', line: 7 });
  });

  it('Y-8 / PP-7: keeps __proto__ and constructor as own keys and never touches a prototype', () => {
    const text = `${minimal.replace('duration: 1s', 'duration: 1s\n      - id: t\n        type: action\n        connector: connector:a/b@1.0.0\n        action: go\n        input:\n          __proto__: { polluted: 1 }\n          constructor: { prototype: { polluted: 1 } }')}`;
    const result = loadWorkflows(text);
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    const step = result.value?.[0]?.steps[1];
    expect(step?.type).toBe('action');
    if (step?.type === 'action') {
      expect(Object.keys(step.input)).toEqual(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(step.input)).toBeNull();
      expect(Object.getOwnPropertyDescriptor(step.input, '__proto__')?.value).toEqual({ polluted: 1 });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('Y-9: reads no/on/yes as strings (YAML 1.2 core schema)', () => {
    const text = minimal.replace(
      'type: wait\n        duration: 1s',
      'type: agent\n        agent: agent:a/b@1.0.0\n        input: {answer: no, switch: on, ok: yes}',
    );
    const step = loadWorkflows(text).value?.[0]?.steps[0];
    expect(step?.type === 'agent' && step.input).toEqual({ answer: 'no', switch: 'on', ok: 'yes' });
  });

  it('reports scalars without a JSON equivalent', () => {
    const result = loadDocument('name: w\nsteps: []\nx: .inf\n');
    expectDiagnostic(result, { code: 'OW_YAML_NON_JSON_VALUE', pointer: '/x', line: 3, column: 4 });
    // The parser knows `!!binary` but a byte array is not JSON data either.
    expect(codesOf(loadDocument('name: w\nsteps: []\nx: !!binary aGk=\n'))).toContain(
      'OW_YAML_NON_JSON_VALUE',
    );
  });

  it('reports complex mapping keys', () => {
    const result = loadDocument('? [a, b]\n: 1\n');
    expectDiagnostic(result, { code: 'OW_YAML_COMPLEX_KEY', pointer: '', line: 1, column: 3 });
  });

  it('reports syntax errors with their position and no data', () => {
    const result = loadDocument('workflows:\n  - name: "unterminated\n');
    expect(result.ok).toBe(false);
    // The parser notices the missing quote at the end of the text.
    expectDiagnostic(result, {
      code: 'OW_YAML_SYNTAX',
      pointer: '',
      line: 3,
      column: 1,
      message: 'Missing closing',
    });
  });

  it('reads JSON, including tab-indented JSON, with positions', () => {
    const text =
      '{\n\t"workflows": [{\n\t\t"name": "w",\n\t\t"steps": [{"id": "s", "type": "wait", "duration": "x"}]\n\t}]\n}';
    const result = loadDocument(text);
    expectDiagnostic(result, {
      code: 'OW_INVALID_DURATION',
      pointer: '/workflows/0/steps/0/duration',
      line: 4,
      column: 53,
    });
  });

  it('reports an empty or non-mapping document', () => {
    expect(codesOf(loadDocument(''))).toEqual(['OW_DOCUMENT_NOT_OBJECT']);
    expect(codesOf(loadDocument('- a\n- b\n'))).toEqual(['OW_DOCUMENT_NOT_OBJECT']);
    expect(codesOf(loadDocument('just text'))).toEqual(['OW_DOCUMENT_NOT_OBJECT']);
  });
});

describe('already-parsed input (security B.2)', () => {
  it('copies JSON.parse output with an own __proto__ key into a null-prototype object', () => {
    const parsed = JSON.parse(
      '{"workflows":[{"name":"w","steps":[{"id":"s","type":"action","connector":"connector:a/b@1.0.0","action":"go","input":{"__proto__":{"polluted":true}}}]}]}',
    );
    const result = loadWorkflows(parsed);
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    const step = result.value?.[0]?.steps[0];
    if (step?.type === 'action') {
      expect(Object.getPrototypeOf(step.input)).toBeNull();
      expect(Object.hasOwn(step.input, '__proto__')).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.diagnostics.every((item) => item.line === undefined)).toBe(true);
  });

  it.each([
    ['a function', { name: 'w', steps: [], f: () => 1 }, '/f'],
    ['undefined', { name: 'w', steps: [undefined] }, '/steps/0'],
    ['a class instance', { name: 'w', steps: [], when: new Date(0) }, '/when'],
    ['a non-finite number', { name: 'w', steps: [], n: Number.NaN }, '/n'],
    ['a bigint', { name: 'w', steps: [], n: 1n }, '/n'],
  ])('rejects %s at its pointer', (_what, value, pointer) => {
    expectDiagnostic(loadDocument(value), { code: 'OW_INPUT_NOT_JSON', pointer });
  });

  it('rejects reference cycles', () => {
    const value: Record<string, unknown> = { name: 'w', steps: [] };
    value.self = value;
    expectDiagnostic(loadDocument(value), { code: 'OW_INPUT_NOT_JSON', pointer: '/self', message: 'cycle' });
  });

  it('reports a throwing getter instead of throwing', () => {
    const value = {
      name: 'w',
      get steps(): never {
        throw new Error('boom');
      },
    };
    expect(codesOf(loadDocument(value))).toEqual(['OW_INPUT_NOT_JSON']);
  });
});

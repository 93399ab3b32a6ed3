import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, expectDiagnostic } from '../test/expect-diagnostic.js';
import { formatDiagnostic } from './diagnostics.js';
import { detectDocumentKind } from './document-kind.js';
import { loadDocument, loadFile, loadWorkflows } from './loader.js';
import type { JsonObject } from './model.js';

const text = 'workflows:\n  - name: w\n    steps:\n      - {id: s, type: wait, duration: 1s}\n';

describe('detectDocumentKind', () => {
  it.each([
    [{ workflows: [] }, 'workflow'],
    [{ workflow: {} }, 'workflow'],
    [{ type: 'workflow' }, 'workflow'],
    [{ name: 'x', steps: [] }, 'workflow'],
    [{ connector: {}, actions: [] }, 'connector'],
    [{ type: 'connector' }, 'connector'],
    [{ actions: [] }, 'connector'],
    [{ type: 'agent' }, 'agent-manifest'],
    [{ agent: { id: 'x' } }, 'agent-formal'],
    [{ instructions: {} }, 'agent-formal'],
    [{ type: 'bundle' }, 'bundle'],
    [{ includes: [] }, 'bundle'],
    [{ type: 'plugin' }, undefined],
    [{ type: 'toString' }, undefined],
    [{ workflow: 'name-only' }, undefined],
  ])('%j is %s', (root, kind) => {
    expect(detectDocumentKind(root as JsonObject)).toBe(kind);
  });
});

describe('results', () => {
  it('returns the model only when there is no error, with every diagnostic ordered by position', () => {
    const broken = text
      .replace('duration: 1s', 'duration: soon, extra: 1')
      .replace('name: w', 'name: w\n    strategy: fast');
    const result = loadWorkflows(broken);
    expect(result.ok).toBe(false);
    expect(result.value).toBeUndefined();
    expect(result.diagnostics.map((item) => [item.code, item.line])).toEqual([
      ['OW_SCHEMA_ENUM', 3],
      ['OW_INVALID_DURATION', 5],
      ['OW_SCHEMA_UNKNOWN_PROPERTY', 5],
    ]);
  });

  it('keeps warnings beside a value', () => {
    const result = loadWorkflows(text.replace('id: s', 'name: s'));
    expect(result.ok).toBe(true);
    expect(result.value).toHaveLength(1);
    expect(codesOf(result)).toEqual(['OW_ALIAS_STEP_NAME_AS_ID']);
  });

  it('exposes positions for any pointer and names the file in diagnostics and sources', () => {
    const result = loadWorkflows(text, { file: 'flows/w.yaml' });
    expect(result.positions?.locate('/workflows/0/steps/0/duration')).toEqual({ line: 4, column: 39 });
    expect(result.positions?.locate('/workflows/0/name', 'key')).toEqual({ line: 2, column: 5 });
    expect(result.value?.[0]?.source).toEqual({ file: 'flows/w.yaml', pointer: '/workflows/0' });
    const bad = loadWorkflows(text.replace('1s', 'x'), { file: 'flows/w.yaml' });
    expect(bad.diagnostics[0]?.file).toBe('flows/w.yaml');
    expect(formatDiagnostic(bad.diagnostics[0]!)).toBe(
      'flows/w.yaml:4:39: error OW_INVALID_DURATION Must be a duration such as 30s, 5m, 2h, 1d or 1h30m (at /workflows/0/steps/0/duration)',
    );
  });

  it('never shares data with an already-parsed input', () => {
    const input = {
      name: 'w',
      steps: [{ id: 's', type: 'action', connector: 'connector:a/b@1.0.0', action: 'go', input: { x: [1] } }],
    };
    const step = loadWorkflows(input).value?.[0]?.steps[0];
    input.steps[0]!.input.x.push(2);
    expect(step?.type === 'action' && step.input.x).toEqual([1]);
  });
});

describe('loadFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ow-schemas-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it in every diagnostic', async () => {
    const path = join(dir, 'flow.yaml');
    await writeFile(path, text.replace('id: s', 'name: s'));
    const result = await loadFile(path);
    expect(result.ok).toBe(true);
    expect(result.value?.kind).toBe('workflows');
    expect(result.diagnostics[0]?.file).toBe(path);
  });

  it('checks the size before reading', async () => {
    const path = join(dir, 'big.yaml');
    await writeFile(path, `x: "${'a'.repeat(4096)}"`);
    const result = await loadFile(path, { maxBytes: 1024 });
    expectDiagnostic(result, { code: 'OW_INPUT_TOO_LARGE', pointer: '', message: 'limit is 1024 bytes' });
  });

  it('reports missing files and directories as OW_FILE_UNREADABLE', async () => {
    expectDiagnostic(await loadFile(join(dir, 'missing.yaml')), {
      code: 'OW_FILE_UNREADABLE',
      pointer: '',
      message: 'ENOENT',
    });
    expectDiagnostic(await loadFile(dir), { code: 'OW_FILE_UNREADABLE', pointer: '' });
  });
});

describe('kind-specific loaders', () => {
  it('loadDocument reports what it found', () => {
    expect(loadDocument(text).value?.kind).toBe('workflows');
    expect(
      loadDocument({
        type: 'bundle',
        name: 'b',
        namespace: 'n',
        version: '1.0.0',
        includes: ['agent:a/b@1.0.0'],
      }).value?.kind,
    ).toBe('bundle');
  });
});

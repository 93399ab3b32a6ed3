/**
 * Every legacy alias loads into the same model as the canonical form, with its warning code at the
 * alias key; `strict: true` turns each warning into an error.
 */
import { describe, expect, it } from 'vitest';
import { codesOf, expectDiagnostic, workflowText } from '../test/expect-diagnostic.js';
import { stripSource } from '../test/strip-source.js';
import { type LoadResult, loadAgent, loadConnector, loadWorkflows } from './loader.js';

const workflow = workflowText;

interface AliasCase {
  readonly code: string;
  readonly canonical: string;
  readonly legacy: string;
  readonly pointer: string;
  readonly line: number;
  readonly column: number;
  /** Compare without `source` pointers (the alias moves nodes in the document). */
  readonly ignoreSource?: boolean;
}

const cases: AliasCase[] = [
  {
    code: 'OW_ALIAS_SINGULAR_WORKFLOW',
    canonical: 'workflows:\n  - name: w\n    steps: [{id: s, type: wait, duration: 1s}]\n',
    legacy: 'workflow:\n  name: w\n  steps: [{id: s, type: wait, duration: 1s}]\n',
    pointer: '/workflow',
    line: 1,
    column: 1,
    ignoreSource: true,
  },
  {
    code: 'OW_ALIAS_STEP_NAME_AS_ID',
    canonical: workflow('- id: s\n  type: wait\n  duration: 1s'),
    legacy: workflow('- name: s\n  type: wait\n  duration: 1s'),
    pointer: '/workflows/0/steps/0/name',
    line: 4,
    column: 9,
  },
  {
    code: 'OW_ALIAS_WITH_INPUT',
    canonical: workflow('- id: s\n  connector: connector:a/b@1.0.0\n  action: go\n  input: {x: 1}'),
    legacy: workflow('- id: s\n  connector: connector:a/b@1.0.0\n  action: go\n  with: {x: 1}'),
    pointer: '/workflows/0/steps/0/with',
    line: 7,
    column: 9,
  },
  {
    code: 'OW_ALIAS_INPUTS_INPUT',
    canonical: workflow('- id: s\n  agent: agent:a/b@1.0.0\n  input: {x: 1}'),
    legacy: workflow('- id: s\n  agent: agent:a/b@1.0.0\n  inputs: {x: 1}'),
    pointer: '/workflows/0/steps/0/inputs',
    line: 6,
    column: 9,
  },
  {
    code: 'OW_ALIAS_TRIGGER_SHORTHAND',
    canonical: workflow(
      '- {id: s, type: wait, duration: 1s}',
      '    triggers: [{type: schedule, cron: "0 8 * * *"}]\n',
    ),
    legacy: workflow('- {id: s, type: wait, duration: 1s}', '    triggers:\n      - schedule: "0 8 * * *"\n'),
    pointer: '/workflows/0/triggers/0/schedule',
    line: 4,
    column: 9,
  },
  {
    code: 'OW_ALIAS_INPUTS_LIST',
    canonical: workflow(
      '- {id: s, type: wait, duration: 1s}',
      '    inputs: {city: {type: string, required: true}}\n',
    ),
    legacy: workflow(
      '- {id: s, type: wait, duration: 1s}',
      '    inputs: [{id: city, type: string, required: true}]\n',
    ),
    pointer: '/workflows/0/inputs',
    line: 3,
    column: 5,
  },
  {
    code: 'OW_ALIAS_OUTPUTS_LIST',
    canonical: workflow('- {id: s, type: wait, duration: 1s}', '    outputs: {done: {value: yes}}\n'),
    legacy: workflow('- {id: s, type: wait, duration: 1s}', '    outputs: [{id: done, value: yes}]\n'),
    pointer: '/workflows/0/outputs',
    line: 3,
    column: 5,
  },
  {
    code: 'OW_ALIAS_NODE_STEPS',
    canonical: workflow(
      '- id: loop\n  type: forEach\n  items: [1]\n  steps: [{id: s, type: wait, duration: 1s}]',
    ),
    legacy: workflow(
      '- id: loop\n  type: forEach\n  items: [1]\n  node: [{id: s, type: wait, duration: 1s}]',
    ),
    pointer: '/workflows/0/steps/0/node',
    line: 7,
    column: 9,
    ignoreSource: true,
  },
  {
    code: 'OW_ALIAS_JOIN_COUNT_CALL',
    canonical: workflow('- id: p\n  type: parallel\n  join: {count: 2}\n  branches: {a: [], b: []}'),
    legacy: workflow('- id: p\n  type: parallel\n  join: count(2)\n  branches: {a: [], b: []}'),
    pointer: '/workflows/0/steps/0/join',
    line: 6,
    column: 15,
  },
  {
    code: 'OW_ALIAS_JOIN_COUNT_KEY',
    canonical: workflow('- id: p\n  type: parallel\n  join: {count: 2}\n  branches: {a: [], b: []}'),
    legacy: workflow('- id: p\n  type: parallel\n  join: count\n  count: 2\n  branches: {a: [], b: []}'),
    pointer: '/workflows/0/steps/0/count',
    line: 7,
    column: 9,
  },
  {
    code: 'OW_ALIAS_RETRY_CASE',
    canonical: workflow(
      '- id: s\n  type: wait\n  duration: 1s\n  retry: {max_attempts: 3, backoff_factor: 2, retry_on: [timeout]}',
    ),
    legacy: workflow(
      '- id: s\n  type: wait\n  duration: 1s\n  retry: {maxAttempts: 3, backoffFactor: 2, retryOn: [timeout]}',
    ),
    pointer: '/workflows/0/steps/0/retry/maxAttempts',
    line: 7,
    column: 17,
  },
  {
    code: 'OW_ALIAS_CONTINUE_ON_ERROR_CASE',
    canonical: workflow('- id: s\n  type: wait\n  duration: 1s\n  continue_on_error: true'),
    legacy: workflow('- id: s\n  type: wait\n  duration: 1s\n  continueOnError: true'),
    pointer: '/workflows/0/steps/0/continueOnError',
    line: 7,
    column: 9,
  },
  {
    code: 'OW_ALIAS_BACKEND_SMARTIFY',
    canonical: workflow('- id: s\n  agent: agent:a/b@1.0.0\n  backend: native'),
    legacy: workflow('- id: s\n  agent: agent:a/b@1.0.0\n  backend: smartify'),
    pointer: '/workflows/0/steps/0/backend',
    line: 6,
    column: 18,
  },
];

function expectSame(
  canonical: LoadResult<unknown>,
  legacy: LoadResult<unknown>,
  ignoreSource: boolean,
): void {
  expect(canonical.diagnostics).toEqual([]);
  expect(legacy.ok).toBe(true);
  if (ignoreSource) expect(stripSource(legacy.value)).toEqual(stripSource(canonical.value));
  else expect(legacy.value).toEqual(canonical.value);
}

describe.each(cases)('$code', (alias) => {
  it('loads into the canonical model with a warning at the alias', () => {
    const canonical = loadWorkflows(alias.canonical);
    const legacy = loadWorkflows(alias.legacy);
    expectSame(canonical, legacy, alias.ignoreSource ?? false);
    expect(new Set(codesOf(legacy))).toEqual(new Set([alias.code]));
    expectDiagnostic(legacy, { ...alias, severity: 'warning' });
  });

  it('is an error in strict mode', () => {
    const strict = loadWorkflows(alias.legacy, { strict: true });
    expect(strict.ok).toBe(false);
    expect(strict.value).toBeUndefined();
    expectDiagnostic(strict, { ...alias, severity: 'error' });
    expect(loadWorkflows(alias.canonical, { strict: true }).ok).toBe(true);
  });
});

describe('aliases whose canonical form cannot express the same value', () => {
  it('OW_ALIAS_PLUGIN keeps the slug as the connector reference', () => {
    const result = loadWorkflows(workflow('- id: s\n  plugin: calculator\n  action: add'));
    expectDiagnostic(result, {
      code: 'OW_ALIAS_PLUGIN',
      pointer: '/workflows/0/steps/0/plugin',
      line: 5,
      column: 9,
      severity: 'warning',
    });
    expect(result.value?.[0]?.steps[0]).toMatchObject({
      type: 'action',
      connector: 'calculator',
      action: 'add',
    });
    expect(loadWorkflows(workflow('- id: s\n  plugin: calculator\n  action: add'), { strict: true }).ok).toBe(
      false,
    );
  });

  it('retry keys in the try step are camelCase; snake_case there is the alias', () => {
    const body = '  steps: [{id: s, type: wait, duration: 1s}]';
    const canonical = loadWorkflows(workflow(`- id: t\n  type: try\n  retry: {maxAttempts: 2}\n${body}`));
    const legacy = loadWorkflows(workflow(`- id: t\n  type: try\n  retry: {max_attempts: 2}\n${body}`));
    expectSame(canonical, legacy, false);
    expectDiagnostic(legacy, {
      code: 'OW_ALIAS_RETRY_CASE',
      pointer: '/workflows/0/steps/0/retry/max_attempts',
      severity: 'warning',
    });
  });
});

describe('OW_ALIAS_CONFLICT', () => {
  it('is an error when both spellings are present, and the canonical one wins', () => {
    const result = loadWorkflows(
      workflow('- id: s\n  agent: agent:a/b@1.0.0\n  input: {x: 1}\n  with: {x: 2}'),
    );
    expectDiagnostic(result, {
      code: 'OW_ALIAS_CONFLICT',
      pointer: '/workflows/0/steps/0/with',
      line: 7,
      column: 9,
    });
    const retry = loadWorkflows(
      workflow('- id: s\n  type: wait\n  duration: 1s\n  retry: {max_attempts: 2, maxAttempts: 3}'),
    );
    expectDiagnostic(retry, { code: 'OW_ALIAS_CONFLICT', pointer: '/workflows/0/steps/0/retry/maxAttempts' });
    const steps = loadWorkflows(workflow('- id: l\n  type: forEach\n  items: [1]\n  steps: []\n  node: []'));
    expectDiagnostic(steps, { code: 'OW_ALIAS_CONFLICT', pointer: '/workflows/0/steps/0/node' });
  });
});

describe('connector shapes and auth descriptors', () => {
  const metadata = {
    type: 'connector',
    kind: 'http',
    name: 'weather',
    namespace: 'community',
    version: '1.0.0',
    displayName: 'Weather',
    description: 'Weather data',
    categories: ['weather'],
    runtime: { timeout: 30, environment: [{ name: 'KEY', required: true }] },
    approval: { required: 'always' },
    auth: { type: 'apiKey', in: 'header', name: 'X-Key', prefix: 'Key' },
  };
  const actions = [{ name: 'get', description: 'Get', handler: { function: 'weather.get' } }];

  it('the nested authoring form and the flat registry manifest load into deep-equal models', () => {
    const nested = loadConnector({ connector: metadata, actions });
    const flat = loadConnector({ ...metadata, actions });
    expect(nested.diagnostics).toEqual([]);
    expect(flat.diagnostics).toEqual([]);
    expect(flat.value).toEqual(nested.value);
  });

  it.each([
    [
      { type: 'apiKey', apiKey: { in: 'query', name: 'key' } },
      { type: 'apiKey', in: 'query', name: 'key' },
    ],
    [
      { type: 'oauth2', oauth2: { tokenUrl: 'https://t.example/token', scopes: ['a'] } },
      { type: 'oauth2', tokenUrl: 'https://t.example/token', scopes: ['a'] },
    ],
    [
      { type: 'bearer', bearer: { scheme: 'Bearer' } },
      { type: 'bearer', scheme: 'bearer' },
    ],
    [
      { type: 'mtls', mtls: { clientCert: 'client.pem', clientKey: 'client.key' } },
      { type: 'mtls', clientCert: 'client.pem', clientKey: 'client.key' },
    ],
  ])('OW_ALIAS_AUTH_NESTED: %j loads like its flat form', (nestedAuth, flatAuth) => {
    const legacy = loadConnector({ ...metadata, auth: nestedAuth, actions });
    const canonical = loadConnector({ ...metadata, auth: flatAuth, actions });
    expect(canonical.diagnostics).toEqual([]);
    expect(legacy.value).toEqual(canonical.value);
    const block = Object.keys(nestedAuth)[1]!;
    expectDiagnostic(legacy, {
      code: 'OW_ALIAS_AUTH_NESTED',
      pointer: `/auth/${block}`,
      severity: 'warning',
    });
    expect(loadConnector({ ...metadata, auth: nestedAuth, actions }, { strict: true }).ok).toBe(false);
  });
});

describe('agent aliases', () => {
  const agent = {
    schemaVersion: '0.1.0',
    type: 'agent',
    name: 'bot',
    namespace: 'acme',
    version: '1.0.0',
    model: { provider: 'openai', id: 'gpt-4o' },
  };

  it.each([
    [
      'OW_ALIAS_RUNTIME_HINT',
      '/execution/runtime',
      { backend: 'langchain', runtime: 'python' },
      { backend: 'langchain', runtimeHint: 'python' },
    ],
    ['OW_ALIAS_BACKEND_SMARTIFY', '/execution/backend', { backend: 'smartify' }, { backend: 'native' }],
  ])('%s: %s loads like its canonical spelling', (code, pointer, legacyExecution, canonicalExecution) => {
    const legacy = loadAgent({ ...agent, execution: legacyExecution });
    const canonical = loadAgent({ ...agent, execution: canonicalExecution });
    expect(canonical.diagnostics).toEqual([]);
    expect(legacy.value).toEqual(canonical.value);
    expectDiagnostic(legacy, { code, pointer, severity: 'warning' });
    expect(loadAgent({ ...agent, execution: legacyExecution }, { strict: true }).ok).toBe(false);
  });

  it('a top-level systemPrompt and personality.systemPrompt give the same prompt', () => {
    const top = loadAgent({ ...agent, systemPrompt: 'Be brief.' }).value;
    const nested = loadAgent({ ...agent, personality: { systemPrompt: 'Be brief.' } }).value;
    expect(top?.systemPrompt).toBe('Be brief.');
    expect(nested?.systemPrompt).toBe('Be brief.');
  });
});

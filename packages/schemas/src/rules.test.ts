/**
 * One failing input per rule, asserting the code, the JSON pointer and the line/column.
 */
import { describe, expect, it } from 'vitest';
import { codesOf, expectDiagnostic, positionOf, workflowText } from '../test/expect-diagnostic.js';
import { loadAgent, loadBundle, loadConnector, loadDocument, loadWorkflows } from './loader.js';

const workflow = workflowText;

const wait = (id: string, more = ''): string => `- id: ${id}\n  type: wait\n  duration: 1s${more}`;

describe('JSON Schema rules', () => {
  it('OW_SCHEMA_REQUIRED: a missing property, at its object', () => {
    const result = loadWorkflows(workflow('- id: s\n  type: if\n  then: []'));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_REQUIRED',
      pointer: '/workflows/0/steps/0',
      line: 4,
      column: 9,
      message: 'Missing required property "condition"',
    });
  });

  it('OW_SCHEMA_REQUIRED: a step whose kind cannot be inferred', () => {
    const result = loadWorkflows(workflow('- id: s\n  input: {}'));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_REQUIRED',
      pointer: '/workflows/0/steps/0',
      line: 4,
      column: 9,
      message: 'infer',
    });
  });

  it('OW_SCHEMA_UNKNOWN_PROPERTY (Y-12): an unknown key, at the key', () => {
    const result = loadWorkflows(workflow(`${wait('s')}\n  retries: 3`));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_UNKNOWN_PROPERTY',
      pointer: '/workflows/0/steps/0/retries',
      line: 7,
      column: 9,
    });
    // Properties of a subschema that failed elsewhere are not echoed as unknown.
    expect(
      codesOf(loadWorkflows(workflow('- id: s\n  type: wait\n  duration: 1s\n  timeout: nope'))),
    ).toEqual(['OW_INVALID_DURATION']);
  });

  it('OW_SCHEMA_TYPE', () => {
    const result = loadWorkflows(workflow(`${wait('s')}\n  continue_on_error: "yes"`));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_TYPE',
      pointer: '/workflows/0/steps/0/continue_on_error',
      line: 7,
      column: 28,
    });
  });

  it('OW_SCHEMA_ENUM: an unknown step type', () => {
    const result = loadWorkflows(workflow('- id: s\n  type: loop'));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_ENUM',
      pointer: '/workflows/0/steps/0/type',
      line: 5,
      column: 15,
    });
  });

  it('OW_SCHEMA_PATTERN: a step id that cannot appear in a template path', () => {
    const result = loadWorkflows(workflow('- id: fetch-weather\n  type: wait\n  duration: 1s'));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_PATTERN',
      pointer: '/workflows/0/steps/0/id',
      line: 4,
      column: 13,
    });
  });

  it('OW_SCHEMA_FORMAT', () => {
    const result = loadConnector(
      'type: connector\nkind: mcp-server\nname: x\nnamespace: y\nversion: 1.0.0\ndisplayName: X\ndescription: X\nhomepage: not a url\n',
    );
    expectDiagnostic(result, { code: 'OW_SCHEMA_FORMAT', pointer: '/homepage', line: 8, column: 11 });
  });

  it('OW_SCHEMA_RANGE', () => {
    const text = workflow('- id: l\n  type: forEach\n  items: []\n  maxConcurrency: 0\n  steps: []');
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_SCHEMA_RANGE',
      pointer: '/workflows/0/steps/0/maxConcurrency',
      ...positionOf(text, 'maxConcurrency: 0', 16),
    });
  });

  it('OW_SCHEMA_DEPENDENCY: `parallel: true` without for_each', () => {
    const result = loadWorkflows(workflow(`${wait('s')}\n  parallel: true`));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_DEPENDENCY',
      pointer: '/workflows/0/steps/0',
      line: 4,
      column: 9,
    });
  });

  it('OW_SCHEMA_NO_MATCH: a handler with two types', () => {
    const text =
      'type: connector\nkind: sdk\nname: x\nnamespace: y\nversion: 1.0.0\ndisplayName: X\ndescription: X\nactions:\n  - name: a\n    description: A\n    handler: {function: f, command: c}\n';
    expectDiagnostic(loadConnector(text), {
      code: 'OW_SCHEMA_NO_MATCH',
      pointer: '/actions/0/handler',
      ...positionOf(text, '{function'),
      message: 'exactly one of',
    });
  });

  it('OW_SCHEMA_INVALID: a repeated `needs` entry', () => {
    const result = loadWorkflows(workflow(`${wait('a')}\n${wait('b', '\n  needs: [a, a]')}`));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_INVALID',
      pointer: '/workflows/0/steps/1/needs',
      line: 10,
      column: 16,
    });
  });
});

describe('document-level rules', () => {
  it('OW_UNKNOWN_DOCUMENT_KIND', () => {
    expectDiagnostic(loadDocument('hello: world\n'), {
      code: 'OW_UNKNOWN_DOCUMENT_KIND',
      pointer: '',
      line: 1,
      column: 1,
    });
  });

  it('OW_WRONG_DOCUMENT_KIND', () => {
    expectDiagnostic(loadConnector(workflow(wait('s'))), {
      code: 'OW_WRONG_DOCUMENT_KIND',
      pointer: '',
      message: 'found a workflow file',
    });
  });

  it('OW_TOO_MANY_DIAGNOSTICS caps the report', () => {
    const steps = Array.from(
      { length: 250 },
      (_, index) => `- {id: s${index}, type: wait, duration: nope}`,
    ).join('\n');
    const result = loadWorkflows(workflow(steps));
    expect(result.diagnostics).toHaveLength(201);
    expect(result.diagnostics.at(-1)).toMatchObject({
      code: 'OW_TOO_MANY_DIAGNOSTICS',
      message: '50 more problem(s) not reported (limit 200)',
    });
  });
});

describe('steps and workflows', () => {
  it('OW_DUPLICATE_STEP_ID at any nesting depth, at the second id', () => {
    const text = workflow(
      `${wait('a')}\n- id: b\n  type: if\n  condition: "{{ true }}"\n  then:\n${wait('a').replace(/^/gm, '    ')}`,
    );
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_DUPLICATE_STEP_ID',
      pointer: '/workflows/0/steps/1/then/0/id',
      ...positionOf(text, 'id: a', 4, 1),
      message: 'already used at /workflows/0/steps/0/id',
    });
  });

  it('OW_DUPLICATE_STEP_ID also counts the legacy name-as-id and steps that failed to load', () => {
    const text = workflow(`- id: a\n  type: wait\n${wait('x')}\n- name: a\n  type: wait\n  duration: 1s`);
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_DUPLICATE_STEP_ID',
      pointer: '/workflows/0/steps/2/name',
      ...positionOf(text, 'name: a', 6),
    });
  });

  it('OW_DUPLICATE_WORKFLOW_NAME, at the second name', () => {
    const text = `${workflow(wait('s'))}  - name: w\n    steps: [{id: t, type: wait, duration: 1s}]\n`;
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_DUPLICATE_WORKFLOW_NAME',
      pointer: '/workflows/1/name',
      ...positionOf(text, 'name: w', 6, 1),
    });
  });

  it('OW_NEEDS_UNKNOWN_STEP', () => {
    const result = loadWorkflows(workflow(wait('a', '\n  needs: [ghost]')));
    expectDiagnostic(result, {
      code: 'OW_NEEDS_UNKNOWN_STEP',
      pointer: '/workflows/0/steps/0/needs/0',
      line: 7,
      column: 17,
    });
  });

  it('OW_NEEDS_SELF', () => {
    const result = loadWorkflows(workflow(wait('a', '\n  needs: [a]')));
    expectDiagnostic(result, {
      code: 'OW_NEEDS_SELF',
      pointer: '/workflows/0/steps/0/needs/0',
      line: 7,
      column: 17,
    });
  });

  it('OW_NEEDS_NOT_SIBLING', () => {
    const nested = wait('inner', '\n  needs: [a]').replace(/^/gm, '    ');
    const text = workflow(`${wait('a')}\n- id: b\n  type: try\n  steps:\n${nested}`);
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_NEEDS_NOT_SIBLING',
      pointer: '/workflows/0/steps/1/steps/0/needs/0',
      ...positionOf(text, 'needs: [a]', 8),
    });
  });

  it('OW_FORWARD_REFERENCE: needs on a later step under strategy: sequential', () => {
    const result = loadWorkflows(workflow(`${wait('a', '\n  needs: [b]')}\n${wait('b')}`));
    expectDiagnostic(result, {
      code: 'OW_FORWARD_REFERENCE',
      pointer: '/workflows/0/steps/0/needs/0',
      line: 7,
      column: 17,
    });
  });

  it('OW_DEPENDENCY_CYCLE: under strategy: dag, naming the path', () => {
    const steps = `${wait('a', '\n  needs: [c]')}\n${wait('b', '\n  needs: [a]')}\n${wait('c', '\n  needs: [b]')}`;
    const result = loadWorkflows(workflow(steps, '    strategy: dag\n'));
    expectDiagnostic(result, {
      code: 'OW_DEPENDENCY_CYCLE',
      pointer: '/workflows/0/steps/0/id',
      line: 5,
      column: 13,
      message: 'a → c → b → a',
    });
    expect(codesOf(result)).toEqual(['OW_DEPENDENCY_CYCLE']);
  });

  it('dag: needs become dependsOn and later steps may be needed', () => {
    const result = loadWorkflows(
      workflow(`${wait('a', '\n  needs: [b]')}\n${wait('b')}`, '    strategy: dag\n'),
    );
    expect(result.ok).toBe(true);
    expect(result.value?.[0]?.steps.map((step) => step.dependsOn)).toEqual([['b'], []]);
  });

  it('OW_CONCURRENT_REFERENCE: needs between children of a parallel group', () => {
    const children = `${wait('a')}\n${wait('b', '\n  needs: [a]')}`.replace(/^/gm, '    ');
    const result = loadWorkflows(workflow(`- id: group\n  parallel:\n${children}`));
    expectDiagnostic(result, {
      code: 'OW_CONCURRENT_REFERENCE',
      pointer: '/workflows/0/steps/0/parallel/1/needs/0',
    });
  });

  it('OW_INVALID_DURATION: a wait duration, at the value', () => {
    const result = loadWorkflows(workflow('- id: s\n  type: wait\n  duration: 5 minutes'));
    expectDiagnostic(result, {
      code: 'OW_INVALID_DURATION',
      pointer: '/workflows/0/steps/0/duration',
      line: 6,
      column: 19,
    });
  });

  it('OW_INVALID_DURATION: a duration that overflows', () => {
    const result = loadWorkflows(workflow('- id: s\n  type: wait\n  duration: 99999999999999999d'));
    expectDiagnostic(result, {
      code: 'OW_INVALID_DURATION',
      pointer: '/workflows/0/steps/0/duration',
      line: 6,
      column: 19,
    });
  });

  it('OW_INVALID_CRON', () => {
    const result = loadWorkflows(workflow(wait('s'), '    triggers: [{type: schedule, cron: "0 8 * *"}]\n'));
    expectDiagnostic(result, {
      code: 'OW_INVALID_CRON',
      pointer: '/workflows/0/triggers/0/cron',
      line: 3,
      column: 39,
      message: 'found 4',
    });
  });

  it('OW_INVALID_TIMEZONE', () => {
    const result = loadWorkflows(
      workflow(wait('s'), '    triggers: [{type: schedule, cron: "0 8 * * *", timezone: Mars/Base}]\n'),
    );
    expectDiagnostic(result, {
      code: 'OW_INVALID_TIMEZONE',
      pointer: '/workflows/0/triggers/0/timezone',
      line: 3,
      column: 62,
    });
  });

  it('OW_INVALID_RESOURCE_ID: a malformed connector reference', () => {
    const result = loadWorkflows(workflow('- id: s\n  connector: slack\n  action: post'));
    expectDiagnostic(result, {
      code: 'OW_INVALID_RESOURCE_ID',
      pointer: '/workflows/0/steps/0/connector',
      line: 5,
      column: 20,
    });
  });

  it('OW_INVALID_RESOURCE_ID: a version slot that is no version, range or tag', () => {
    const result = loadWorkflows(workflow('- id: s\n  agent: "agent:acme/bot@>=1 <<2"'));
    expectDiagnostic(result, {
      code: 'OW_INVALID_RESOURCE_ID',
      pointer: '/workflows/0/steps/0/agent',
      line: 5,
      column: 16,
    });
  });

  it('OW_INVALID_RESOURCE_ID: a namespaced workflow without a kebab-case name', () => {
    const text = workflow(wait('s'), '    namespace: acme\n').replace('name: w', 'name: My Flow');
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_INVALID_RESOURCE_ID',
      pointer: '/workflows/0/name',
      ...positionOf(text, 'My Flow'),
    });
  });

  it('OW_INVALID_VERSION: a manifest version that is not SemVer (1.0)', () => {
    const result = loadWorkflows(workflow(wait('s'), '    version: 1.0\n'));
    expectDiagnostic(result, {
      code: 'OW_INVALID_VERSION',
      pointer: '/workflows/0/version',
      line: 3,
      column: 14,
    });
  });

  it('OW_INVALID_VERSION_RANGE: a subworkflow version and a requires range', () => {
    const text = workflow(
      '- id: s\n  workflow: etl\n  version: "=>1"',
      '    requires: {spec: "bogus range"}\n',
    );
    const result = loadWorkflows(text);
    expectDiagnostic(result, {
      code: 'OW_INVALID_VERSION_RANGE',
      pointer: '/workflows/0/steps/0/version',
      ...positionOf(text, '"=>1"'),
    });
    expectDiagnostic(result, {
      code: 'OW_INVALID_VERSION_RANGE',
      pointer: '/workflows/0/requires/spec',
      ...positionOf(text, '"bogus range"'),
    });
  });

  it('OW_REQUIRES_SPEC_INCOMPATIBLE', () => {
    const text = workflow(wait('s'), '    requires: {spec: ">=0.2.0"}\n');
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_REQUIRES_SPEC_INCOMPATIBLE',
      pointer: '/workflows/0/requires/spec',
      ...positionOf(text, '">=0.2.0"'),
    });
  });

  it('OW_SCHEMA_VERSION_UNSUPPORTED is a warning', () => {
    const text = workflow(wait('s'), '    schemaVersion: 0.2.0\n');
    const result = loadWorkflows(text);
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_VERSION_UNSUPPORTED',
      pointer: '/workflows/0/schemaVersion',
      ...positionOf(text, '0.2.0'),
      severity: 'warning',
    });
    expect(result.ok).toBe(true);
  });

  it('OW_BACKEND_CONFLICT', () => {
    const text = workflow(
      '- id: s\n  agent: agent:a/b@1.0.0\n  backend: native\n  execution: {backend: langchain}',
    );
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_BACKEND_CONFLICT',
      pointer: '/workflows/0/steps/0/execution/backend',
      ...positionOf(text, 'langchain'),
    });
  });

  it('OW_HANDOFF_TARGET: both agent and selectAgent', () => {
    const result = loadWorkflows(
      workflow(
        '- id: h\n  type: handoff\n  agent: agent:a/b@1.0.0\n  selectAgent: [{default: agent:a/c@1.0.0}]',
      ),
    );
    expectDiagnostic(result, {
      code: 'OW_HANDOFF_TARGET',
      pointer: '/workflows/0/steps/0',
      line: 4,
      column: 9,
    });
  });

  it('OW_WAIT_EVENT_NO_TIMEOUT is a warning', () => {
    const result = loadWorkflows(workflow('- id: s\n  type: wait\n  until: {event: approval.received}'));
    expectDiagnostic(result, {
      code: 'OW_WAIT_EVENT_NO_TIMEOUT',
      pointer: '/workflows/0/steps/0/until',
      line: 6,
      column: 16,
      severity: 'warning',
    });
    expect(result.ok).toBe(true);
  });

  it('OW_REGISTRY_FIELD_REQUIRED only in registry mode', () => {
    const text = workflow(wait('s'));
    expect(loadWorkflows(text).ok).toBe(true);
    const result = loadWorkflows(text, { registry: true });
    expectDiagnostic(result, {
      code: 'OW_REGISTRY_FIELD_REQUIRED',
      pointer: '/workflows/0',
      line: 2,
      column: 5,
      message: 'schemaVersion',
    });
  });
});

describe('connectors', () => {
  const connector = (
    extra: string,
    actions = 'actions:\n  - {name: a, description: A, handler: {function: f}}\n',
  ): string =>
    `connector:\n  type: connector\n  kind: sdk\n  name: c\n  namespace: acme\n  version: 1.0.0\n  displayName: C\n  description: C\n${extra}${actions}`;

  it('OW_DUPLICATE_ACTION_NAME', () => {
    const result = loadConnector(
      connector(
        '',
        'actions:\n  - {name: a, description: A, handler: {function: f}}\n  - {name: a, description: B, handler: {function: g}}\n',
      ),
    );
    expectDiagnostic(result, {
      code: 'OW_DUPLICATE_ACTION_NAME',
      pointer: '/actions/1/name',
      line: 11,
      column: 12,
    });
  });

  it('OW_INVALID_JSON_SCHEMA: an action input that is not a JSON Schema', () => {
    const result = loadConnector(
      connector(
        '',
        'actions:\n  - name: a\n    description: A\n    input: {type: objekt}\n    handler: {function: f}\n',
      ),
    );
    expectDiagnostic(result, {
      code: 'OW_INVALID_JSON_SCHEMA',
      pointer: '/actions/0/input/type',
      line: 12,
      column: 19,
    });
  });

  it('OW_RESOURCE_LIMIT: resources above the documented maxima', () => {
    const text = connector('  runtime:\n    resources: {cpu: 8, memory: 8GB, timeout: 900}\n');
    const result = loadConnector(text);
    const resources = '/connector/runtime/resources';
    expectDiagnostic(result, {
      code: 'OW_RESOURCE_LIMIT',
      pointer: `${resources}/cpu`,
      ...positionOf(text, 'cpu: 8', 5),
    });
    expectDiagnostic(result, {
      code: 'OW_RESOURCE_LIMIT',
      pointer: `${resources}/memory`,
      ...positionOf(text, '8GB'),
    });
    expectDiagnostic(result, {
      code: 'OW_RESOURCE_LIMIT',
      pointer: `${resources}/timeout`,
      ...positionOf(text, '900'),
    });
  });

  it('OW_MCP_TRANSPORT_REQUIRED', () => {
    const result = loadConnector(
      connector('  mcp: {protocolVersion: "2024-11-05"}\n').replace('kind: sdk', 'kind: mcp-server'),
    );
    expectDiagnostic(result, {
      code: 'OW_MCP_TRANSPORT_REQUIRED',
      pointer: '/connector/mcp',
      line: 9,
      column: 8,
    });
  });

  it('infers the MCP transport from a command or an endpoint', () => {
    const stdio = loadConnector(connector('  mcp: {command: npx, args: [server]}\n'));
    expect(stdio.value?.mcp).toEqual({ transport: 'stdio', command: 'npx', args: ['server'], expose: 'all' });
    const http = loadConnector(connector('  mcp: {endpoint: "https://mcp.example/mcp", expose: [a]}\n'));
    expect(http.value?.mcp).toEqual({
      transport: 'streamable-http',
      endpoint: 'https://mcp.example/mcp',
      expose: ['a'],
    });
  });

  it('a connector without actions is an error unless it is an MCP server', () => {
    expectDiagnostic(loadConnector(connector('', '')), {
      code: 'OW_SCHEMA_REQUIRED',
      pointer: '',
      line: 1,
      column: 1,
    });
  });
});

describe('agents and bundles', () => {
  const agent =
    'schemaVersion: 0.1.0\ntype: agent\nname: bot\nnamespace: acme\nversion: 1.0.0\nmodel: {provider: openai, id: gpt-4o}\n';

  it('OW_AGENT_RUNTIME_REQUIRED: langchain without a runtime hint', () => {
    const result = loadAgent(`${agent}execution: {backend: langchain}\n`);
    expectDiagnostic(result, {
      code: 'OW_AGENT_RUNTIME_REQUIRED',
      pointer: '/execution',
      line: 7,
      column: 12,
    });
  });

  it('OW_INVALID_VERSION_RANGE: execution.compatibility', () => {
    const result = loadAgent(`${agent}execution: {backend: native, compatibility: {langchain: "~~1"}}\n`);
    expectDiagnostic(result, {
      code: 'OW_INVALID_VERSION_RANGE',
      pointer: '/execution/compatibility/langchain',
      line: 7,
      column: 57,
    });
  });

  it('OW_SCHEMA_REQUIRED: an agent manifest without a model', () => {
    const result = loadAgent(agent.replace('model: {provider: openai, id: gpt-4o}\n', ''));
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_REQUIRED',
      pointer: '',
      line: 1,
      column: 1,
      message: '"model"',
    });
  });

  it('OW_SCHEMA_RANGE: model parameters outside their ranges', () => {
    const text = agent.replace('id: gpt-4o', 'id: gpt-4o, temperature: 2.5');
    expectDiagnostic(loadAgent(text), {
      code: 'OW_SCHEMA_RANGE',
      pointer: '/model/temperature',
      ...positionOf(text, '2.5'),
    });
  });

  it('formal form: registryMode requires tool input schemas and io.output_schema', () => {
    const formal = {
      registryMode: true,
      agent: { id: 'bot' },
      model: { provider: 'openai', name: 'gpt-4o' },
      instructions: { system: 'Help.' },
      tools: [{ name: 'search' }],
      runtime: 'langchain',
    };
    const text = JSON.stringify(formal, null, 2);
    const result = loadAgent(text);
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_REQUIRED',
      pointer: '/tools/0',
      ...positionOf(text, '{', 0, 4),
      message: '"input_schema"',
    });
    expectDiagnostic(result, {
      code: 'OW_SCHEMA_REQUIRED',
      pointer: '',
      line: 1,
      column: 1,
      message: '"io"',
    });
    expect(loadAgent({ ...formal, registryMode: false }).ok).toBe(true);
    expectDiagnostic(loadAgent({ ...formal, runtime: 'crewai' }), {
      code: 'OW_SCHEMA_ENUM',
      pointer: '/runtime',
    });
    expectDiagnostic(loadAgent({ ...formal, extra: 1 }), {
      code: 'OW_SCHEMA_UNKNOWN_PROPERTY',
      pointer: '/extra',
    });
  });

  const bundle = (includes: string): string =>
    `type: bundle\nname: pack\nnamespace: acme\nversion: 1.0.0\nincludes:\n${includes}`;

  it('OW_BUNDLE_DUPLICATE_INCLUDE', () => {
    const result = loadBundle(bundle('  - connector:acme/a@1.0.0\n  - connector:acme/a@2.0.0\n'));
    expectDiagnostic(result, {
      code: 'OW_BUNDLE_DUPLICATE_INCLUDE',
      pointer: '/includes/1',
      line: 7,
      column: 5,
    });
  });

  it('OW_BUNDLE_NESTED', () => {
    const result = loadBundle(bundle('  - bundle:acme/other@1.0.0\n'));
    expectDiagnostic(result, { code: 'OW_BUNDLE_NESTED', pointer: '/includes/0', line: 6, column: 5 });
  });

  it('OW_BUNDLE_UNPINNED_INCLUDE: a warning, and an error in registry mode', () => {
    const text = bundle('  - connector:acme/a@~1.0\n  - agent:acme/b\n');
    const lenient = loadBundle(text);
    expect(lenient.ok).toBe(true);
    expectDiagnostic(lenient, {
      code: 'OW_BUNDLE_UNPINNED_INCLUDE',
      pointer: '/includes/0',
      line: 6,
      column: 5,
      severity: 'warning',
    });
    expectDiagnostic(lenient, {
      code: 'OW_BUNDLE_UNPINNED_INCLUDE',
      pointer: '/includes/1',
      line: 7,
      column: 5,
      severity: 'warning',
    });
    const strict = loadBundle(text, { registry: true });
    expectDiagnostic(strict, {
      code: 'OW_BUNDLE_UNPINNED_INCLUDE',
      pointer: '/includes/0',
      severity: 'error',
    });
  });

  it('OW_INVALID_RESOURCE_ID: an include of an unknown type', () => {
    const result = loadBundle(bundle('  - plugin:acme/a@1.0.0\n'));
    expectDiagnostic(result, { code: 'OW_INVALID_RESOURCE_ID', pointer: '/includes/0', line: 6, column: 5 });
  });
});

/**
 * Every example document of the seeds, the spec digest and the vendored examples/ loads, normalises
 * and validates. Each test also checks what the document should load into.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgent, loadBundle, loadConnector, loadDocument, loadWorkflows } from '../src/loader.js';
import type { Step, Workflow } from '../src/model.js';
import { childStepLists } from '../src/step-graph.js';

const fixtures = new URL('./fixtures/', import.meta.url);
const examples = new URL('../../../examples/', import.meta.url);
const read = (base: URL, path: string): string => readFileSync(new URL(path, base), 'utf8');

/** Package tooling beside the documents of an example that is also a workspace package. */
const NOT_DOCUMENTS = /^(node_modules|dist|bench-dist|\.turbo|package\.json|tsconfig(\..+)?\.json)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (NOT_DOCUMENTS.test(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

function allSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((step) => [step, ...childStepLists(step).flatMap((list) => allSteps(list.steps))]);
}

function workflows(base: URL, path: string): readonly Workflow[] {
  const result = loadWorkflows(read(base, path), { file: path });
  expect(result.diagnostics.filter((item) => item.severity === 'error')).toEqual([]);
  expect(result.ok).toBe(true);
  return result.value!;
}

const warnings = (result: { diagnostics: readonly { code: string }[] }): string[] =>
  [...new Set(result.diagnostics.map((item) => item.code))].sort();

describe('every document loads without errors', () => {
  const all = [
    ...files(new URL('.', fixtures).pathname).map((path) => [path, 'fixture'] as const),
    ...files(new URL('.', examples).pathname).map((path) => [path, 'example'] as const),
  ];

  it('finds the documents', () => {
    expect(all.length).toBeGreaterThanOrEqual(30);
  });

  it.each(all)('%s', (path) => {
    const result = loadDocument(readFileSync(path, 'utf8'), { file: path });
    expect(result.diagnostics.filter((item) => item.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('seed 000: the introduction', () => {
  it('loads the weather connector with an HTTP handler', () => {
    const result = loadConnector(read(fixtures, 'intro/weather-connector.yaml'));
    expect(result.value).toMatchObject({
      id: 'connector:community/weather@1.0.0',
      kind: 'http',
      metadata: { categories: ['weather', 'api'] },
      runtime: { timeoutMs: 300_000, environment: [] },
      actions: [
        {
          name: 'getCurrentWeather',
          handler: { type: 'http', url: 'https://api.weather.com/current', method: 'POST' },
        },
      ],
    });
  });

  it('loads the daily report with the schedule shorthand and `with:` as warnings', () => {
    const result = loadWorkflows(read(fixtures, 'intro/workflows.yaml'));
    expect(warnings(result)).toEqual(['OW_ALIAS_TRIGGER_SHORTHAND', 'OW_ALIAS_WITH_INPUT']);
    const [workflow] = result.value!;
    expect(workflow?.triggers).toEqual([{ type: 'schedule', cron: '0 8 * * *' }]);
    expect(workflow?.steps[1]).toMatchObject({
      type: 'action',
      connector: 'connector:community/slack@1.2.0',
      input: { channel: '#general' },
    });
  });
});

describe('seed 002: registry manifests', () => {
  it('loads the MCP connector without actions, keeping the auth prefix and MCP settings', () => {
    const connector = loadConnector(read(fixtures, 'registry/connector-mcp.json')).value!;
    expect(connector).toMatchObject({
      id: 'connector:github/github-mcp@0.4.1',
      kind: 'mcp-server',
      schemaVersion: '0.1.0',
      auth: { type: 'apiKey', in: 'header', name: 'Authorization', prefix: 'Bearer ' },
      mcp: {
        transport: 'websocket',
        endpoint: 'wss://mcp.github.dev',
        protocolVersion: '2024-11-05',
        expose: 'all',
      },
      metadata: { license: 'MIT', homepage: 'https://github.com/mcp/servers/github' },
      actions: [],
    });
  });

  it('loads the HTTP connector with its security block and oauth2 scopes', () => {
    const connector = loadConnector(read(fixtures, 'registry/connector-http.json')).value!;
    expect(connector.auth).toEqual({ type: 'oauth2', scopes: ['chat:write', 'channels:read'] });
    expect(connector.security).toMatchObject({ trustLevel: 'official', permissions: { network: true } });
    expect(connector.actions[0]?.handler).toEqual({
      type: 'http',
      url: 'https://slack.com/api/chat.postMessage',
      method: 'POST',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the connector's own `${NAME}` placeholder, kept verbatim.
      headers: { Authorization: 'Bearer ${SLACK_TOKEN}' },
    });
  });

  it('loads the SDK connector with its runtime timeout in milliseconds', () => {
    const connector = loadConnector(read(fixtures, 'registry/connector-sdk.json')).value!;
    expect(connector.runtime.timeoutMs).toBe(5000);
    expect(connector.actions[0]?.handler).toEqual({ type: 'function', function: 'calculator.add' });
  });

  it('loads the flat workflow manifest as one workflow with a resource id', () => {
    const [workflow] = workflows(fixtures, 'registry/workflow.json');
    expect(workflow).toMatchObject({
      id: 'workflow:smartify/daily-weather-to-slack@1.0.0',
      namespace: 'smartify',
      requires: { spec: '>=0.1.0 <0.3.0' },
      categories: ['automation', 'notifications'],
      triggers: [{ type: 'schedule', cron: '0 9 * * *', timezone: 'America/Los_Angeles' }],
      inputs: { city: { type: 'string', default: 'San Francisco', required: false } },
      outputs: { message_id: { value: '{{ steps.post_slack.output.ts }}' } },
    });
    expect(workflow?.steps.map((step) => step.source.pointer)).toEqual(['/steps/0', '/steps/1']);
  });

  it('loads the agent manifest with its top-level system prompt, planner and toolset', () => {
    const agent = loadAgent(read(fixtures, 'registry/agent.json')).value!;
    expect(agent).toMatchObject({
      form: 'manifest',
      id: 'agent:smartify/triage-bot@0.2.0',
      model: { provider: 'anthropic', id: 'claude-3-5-sonnet-20241022' },
      planner: { strategy: 'react', maxTurns: 8 },
      execution: { backend: 'native', config: { maxIterations: 8 } },
      toolset: [
        { connector: 'connector:github/mcp@0.4.1' },
        { connector: 'connector:community/slack@1.2.0' },
      ],
      policies: { safety: 'medium', rateLimit: { rpm: 200 } },
      metadata: { categories: ['automation', 'ai'], license: 'MIT' },
    });
    expect(agent.systemPrompt).toMatch(/^You are a helpful GitHub issue triage assistant/);
    expect(agent.io.inputSchema).toMatchObject({ required: ['issueUrl'] });
  });

  it('loads the bundle with parsed, pinned includes', () => {
    const bundle = loadBundle(read(fixtures, 'registry/bundle.json')).value!;
    expect(bundle.id).toBe('bundle:smartify/startup-starter@1.0.0');
    expect(bundle.includes).toHaveLength(5);
    expect(bundle.includes[4]).toEqual({
      type: 'agent',
      namespace: 'openworkflow',
      name: 'triage-bot',
      version: '0.2.0',
    });
  });
});

describe('examples/ (the spec’s weather and calculator examples)', () => {
  it('loads the three weather workflows with step-level loops', () => {
    const loaded = workflows(examples, 'weather/workflows.yaml');
    expect(loaded.map((workflow) => workflow.name)).toEqual([
      'Daily Weather Report',
      'Weather Alert Monitor',
      'Service Health Check',
    ]);
    expect(loaded[0]?.steps[0]).toMatchObject({
      id: 'fetch_weather',
      loop: { items: '{{ inputs.locations }}', parallel: true },
    });
    expect(loaded[1]?.steps[2]).toMatchObject({
      condition: '{{ steps.find_alerts.output | length > 0 }}',
      loop: { items: '{{ steps.find_alerts.output }}', parallel: false },
    });
    expect(loaded[1]?.triggers).toEqual([{ type: 'schedule', cron: '*/30 * * * *' }]);
    expect(loaded[2]?.steps[0]?.timeoutMs).toBe(10_000);
  });

  it('loads the weather connector with handler retries', () => {
    const connector = loadConnector(read(examples, 'weather/connectors/weather.yaml')).value!;
    const handler = connector.actions[0]?.handler;
    expect(handler?.type).toBe('http');
    if (handler?.type === 'http') {
      expect(handler.retry).toEqual({ maxAttempts: 3, backoff: 'exponential', backoffFactor: 0.5 });
    }
  });

  it('loads the calculator connector and the compound-interest workflow with its legacy forms', () => {
    const connector = loadConnector(read(examples, 'calculator/connector.yaml')).value!;
    expect(connector.actions.map((action) => action.handler)).toContainEqual({
      type: 'function',
      function: 'calculator.divide',
    });
    const result = loadWorkflows(read(examples, 'calculator/compound-interest.yaml'));
    expect(warnings(result)).toEqual([
      'OW_ALIAS_PLUGIN',
      'OW_ALIAS_SINGULAR_WORKFLOW',
      'OW_ALIAS_STEP_NAME_AS_ID',
    ]);
    const [workflow] = result.value!;
    expect(workflow?.inputs.principal).toEqual({
      type: 'number',
      description: 'Initial investment amount',
      default: 1000,
      required: false,
    });
    expect(workflow?.steps[1]).toMatchObject({
      id: 'calculate_power',
      connector: 'calculator',
      action: 'power',
      input: { base: '{{ 1 + steps.rate_to_decimal.output.result }}' },
    });
    expect(workflow?.steps.every((step) => step.source.pointer.startsWith('/workflow/steps/'))).toBe(true);
  });
});

describe('digest §6: every logic step', () => {
  it('if: the branch test and both branches', () => {
    const [workflow] = workflows(fixtures, 'logic/if.yaml');
    expect(workflow?.steps[1]).toMatchObject({
      type: 'if',
      test: '{{ steps.fetch_weather.output.temperature > 30 }}',
      // biome-ignore lint/suspicious/noThenProperty: `then` is the if step's branch in the model.
      then: [{ id: 'send_heat_alert' }],
      else: [{ id: 'log_normal' }],
    });
    expect(workflow?.steps[1]?.condition).toBeUndefined();
  });

  it('switch: cases in document order and a default', () => {
    const step = workflows(fixtures, 'logic/switch.yaml')[0]?.steps[1];
    expect(step?.type).toBe('switch');
    if (step?.type === 'switch') {
      expect(step.cases.map((item) => item.key)).toEqual(['high', 'medium', 'low']);
      expect(step.default?.[0]?.id).toBe('ask_human');
    }
  });

  it('forEach: items, concurrency, ordering and its own continueOnError', () => {
    expect(workflows(fixtures, 'logic/for-each.yaml')[0]?.steps[1]).toMatchObject({
      type: 'forEach',
      items: '{{ steps.fetch_users.output.users }}',
      maxConcurrency: 5,
      ordered: false,
      continueOnItemError: false,
      continueOnError: false,
      steps: [{ id: 'send_welcome' }],
    });
  });

  it('parallel: join, timeout in ms and named branches', () => {
    expect(workflows(fixtures, 'logic/parallel.yaml')[0]?.steps[0]).toMatchObject({
      type: 'parallel',
      join: { type: 'all' },
      timeoutMs: 60_000,
      continueOnBranchError: false,
      branches: [{ name: 'weather' }, { name: 'news' }, { name: 'stocks' }],
    });
  });

  it('wait: duration, event and time', () => {
    const steps = workflows(fixtures, 'logic/wait.yaml')[0]!.steps;
    expect(steps.map((step) => (step.type === 'wait' ? step.wait : undefined))).toEqual([
      { kind: 'duration', durationMs: 30_000 },
      {
        kind: 'event',
        event: 'shipment.dispatched',
        timeoutMs: 86_400_000,
        channel: 'webhook',
        filter: { order_id: '42' },
      },
      { kind: 'time', time: '2025-10-08T09:00:00Z' },
    ]);
  });

  it('try: a camelCase retry with normalised retryOn codes, catch and finally', () => {
    expect(workflows(fixtures, 'logic/try.yaml')[0]?.steps[0]).toMatchObject({
      type: 'try',
      retry: {
        maxAttempts: 3,
        backoff: 'exponential',
        backoffFactor: 2,
        retryOn: ['TIMEOUT', 'RATE_LIMITED'],
      },
      steps: [{ id: 'call_api' }],
      catch: [{ id: 'log_failure' }],
      finally: [{ id: 'cleanup' }],
    });
  });

  it('transform: every language, with the input extension', () => {
    const steps = workflows(fixtures, 'logic/transform.yaml')[0]!.steps.slice(1);
    expect(steps.map((step) => (step.type === 'transform' ? step.language : undefined))).toEqual([
      'jq',
      'template',
      'jsonpath',
      'javascript',
    ]);
    expect(steps[0]).toMatchObject({ input: '{{ steps.fetch_data.output }}', timeoutMs: 5000 });
  });

  it('handoff: a fixed agent and selectAgent with a default', () => {
    const [fixed, routed] = workflows(fixtures, 'logic/handoff.yaml')[0]!.steps;
    expect(fixed).toMatchObject({
      agent: 'agent:openworkflow/human-support@1.0.0',
      resumeAfter: false,
      timeoutMs: 300_000,
    });
    expect(routed).toMatchObject({
      resumeAfter: true,
      selectAgent: [
        {
          condition: "{{ inputs.category == 'technical' }}",
          agent: 'agent:acme/technical-support@1.0.0',
          isDefault: false,
        },
        { agent: 'agent:acme/general-support@1.0.0', isDefault: true },
      ],
    });
  });

  it('approval (extension): approvers, message and its own timeout', () => {
    expect(workflows(fixtures, 'logic/approval.yaml')[0]?.steps[0]).toMatchObject({
      type: 'approval',
      approvers: ['finance-team'],
      approvalTimeoutMs: 7_200_000,
      onTimeout: 'reject',
    });
  });
});

describe('digest §3-5 and §13: workflow features', () => {
  it('loads the legacy parallel group with its children', () => {
    const result = loadWorkflows(read(fixtures, 'workflows/legacy-parallel-group.yaml'));
    const group = result.value?.[0]?.steps[0];
    expect(group).toMatchObject({ type: 'parallel-group', id: 'parallel_tasks' });
    expect(allSteps(result.value![0]!.steps).map((step) => step.id)).toEqual([
      'parallel_tasks',
      'fetch_weather',
      'fetch_news',
      'generate_report',
    ]);
  });

  it('loads agent steps with backend overrides and a versioned subworkflow', () => {
    const steps = workflows(fixtures, 'workflows/agent-and-subworkflow.yaml')[0]!.steps;
    expect(steps[0]).toMatchObject({
      type: 'agent',
      backend: 'langchain',
      guardrails: { maxToolCalls: 5, timeLimitMs: 60_000, outputSchema: { required: ['summary'] } },
    });
    expect(steps[1]).toMatchObject({ backend: 'langchain', runtimeHint: 'python' });
    expect(steps[2]).toMatchObject({ type: 'workflow', workflow: 'data-etl-pipeline', version: '1.2.0' });
    expect(steps[3]).toMatchObject({ executionMode: 'local' });
  });

  it('loads every workflow-level field', () => {
    const [workflow] = workflows(fixtures, 'workflows/features.yaml');
    expect(workflow).toMatchObject({
      version: '0.1.0',
      strategy: 'dag',
      maxConcurrency: 4,
      timeoutMs: 3_600_000,
      backend: 'native',
      inputs: {
        location: { required: true, default: 'San Francisco' },
        units: { enum: ['celsius', 'fahrenheit'] },
      },
      authorization: {
        enabled: true,
        roles: ['admin', 'data-team-lead'],
        approval: { required: true, approvers: ['manager'], timeoutMs: 3_600_000 },
      },
      testing: {
        dryRun: { enabled: true, mockConnectors: true },
        fixtures: [{ name: 'sample_user', inputs: { user_id: 'test_123' } }],
      },
    });
    expect(workflow?.triggers.map((trigger) => trigger.type)).toEqual([
      'manual',
      'schedule',
      'webhook',
      'event',
    ]);
    expect(workflow?.steps[0]).toMatchObject({
      retry: { maxAttempts: 3, backoff: 'exponential', backoffFactor: 2 },
      timeoutMs: 300_000,
      continueOnError: true,
      authorization: { permissions: ['database:write:users'] },
    });
    expect(workflow?.steps.map((step) => step.dependsOn)).toEqual([[], [], ['risky_operation']]);
  });
});

describe('digest §10 and §2.5: agents and connectors', () => {
  it('loads the formal agent form', () => {
    const agent = loadAgent(read(fixtures, 'agents/formal.json')).value!;
    expect(agent).toMatchObject({
      form: 'formal',
      id: 'agent:acme/support-bot@1.0.0',
      name: 'support-bot',
      namespace: 'acme',
      version: '1.0.0',
      registryMode: true,
      model: {
        provider: 'anthropic',
        id: 'claude-3-5-sonnet',
        temperature: 0.2,
        providerConfig: { max_output: 900 },
      },
      systemPrompt: 'You answer support questions.',
      goals: ['Resolve the ticket'],
      toolset: [
        { connector: 'connector:community/zendesk@1.0.0', inputSchema: 'schemas/zendesk-input.json' },
      ],
      execution: { backend: 'native' },
      io: { outputSchemaRef: 'schemas/answer.json' },
      extensions: { 'x-team': 'support' },
    });
  });

  it('loads a manifest agent with every block', () => {
    const agent = loadAgent(read(fixtures, 'agents/manifest-full.yaml')).value!;
    expect(agent).toMatchObject({
      execution: { backend: 'langchain', runtime: 'python', compatibility: { langchain: '>=0.1.0 <0.3.0' } },
      model: { temperature: 0.3, fallback: { provider: 'anthropic', id: 'claude-3-5-sonnet' } },
      systemPrompt: 'You analyse data carefully.',
      toolset: [
        { connector: 'connector:community/database@1.0.0' },
        {
          connector: 'connector:community/http@1.0.0',
          actions: ['get'],
          deny: ['post'],
          rateLimit: { rpm: 30 },
        },
      ],
      metadata: { categories: ['ai', 'analytics'], tags: ['sql'], license: 'Apache-2.0' },
    });
  });

  it('loads every handler type', () => {
    const connector = loadConnector(read(fixtures, 'connectors/handlers.yaml')).value!;
    expect(connector.actions.map((action) => action.handler.type)).toEqual([
      'http',
      'function',
      'command',
      'kafka',
      'mcp',
    ]);
    expect(connector.actions[0]?.handler).toMatchObject({
      timeoutMs: 10_000,
      retry: { maxAttempts: 2, backoff: 'linear' },
      urlValidation: { allowedDomains: ['*.acme.example'], allowedSchemes: ['https'], blockedPorts: [6379] },
    });
    expect(connector.actions[2]?.handler).toMatchObject({
      command: './scripts/process.py',
      args: ['--format', 'json'],
      env: { MODE: 'batch' },
      workingDir: './work',
      timeoutMs: 30_000,
      allowedCommands: ['./scripts/*.py'],
    });
    expect(connector.actions[3]?.handler).toEqual({
      type: 'kafka',
      topic: 'acme.requests',
      responseTopic: 'acme.responses',
      timeoutMs: 30_000,
      key: '{{ input.id }}',
    });
    expect(connector).toMatchObject({
      auth: { type: 'bearer', scheme: 'jwt' },
      approval: { required: 'first_use', timeoutMs: 600_000, onTimeout: 'escalate' },
      runtime: { timeoutMs: 60_000, environment: [{ name: 'API_TOKEN', required: true }] },
    });
  });
});

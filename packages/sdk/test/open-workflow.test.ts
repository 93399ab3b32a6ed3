/**
 * The SDK facade end to end: real loader, real engine, real native handlers, the calculator
 * example's connector and handlers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, OpenWorkflowError, type RunEvent } from '@openworkflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { calculatorHandlers } from '../../../examples/calculator/handlers.mjs';
import {
  type ActionContext,
  loadProject,
  mergeOptions,
  OpenWorkflow,
  Workflow,
  Workflows,
} from '../src/index.js';

const examples = new URL('../../../examples/', import.meta.url);
const calculatorConnector = new URL('calculator/connector.yaml', examples);

const open: OpenWorkflow[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((instance) => instance.close()));
});

async function calculator(options: ConstructorParameters<typeof OpenWorkflow>[0] = {}) {
  const openworkflow = new OpenWorkflow({ isolated: true, ...options });
  open.push(openworkflow);
  await openworkflow.registerConnector(calculatorConnector);
  for (const [name, handler] of Object.entries(calculatorHandlers))
    openworkflow.registerHandler(name, handler);
  return openworkflow;
}

const echoConnector = {
  connector: {
    type: 'connector',
    kind: 'sdk',
    name: 'echo',
    namespace: 'test',
    version: '1.0.0',
    displayName: 'Echo',
    description: 'Returns what it is given',
  },
  actions: [
    {
      name: 'say',
      description: 'Echo the input with the context it ran in',
      input: {
        type: 'object',
        properties: { text: { type: 'string' }, times: { type: 'integer', default: 1 } },
        required: ['text'],
      },
      handler: { function: 'echo.say' },
    },
  ],
};

describe('OpenWorkflow and Workflows', () => {
  it('runs the spec compound-interest workflow: 1628.89 and 628.89', async () => {
    const openworkflow = await calculator();
    const workflows = await Workflows.fromFile(new URL('calculator/compound-interest.yaml', examples), {
      openworkflow,
    });
    expect(workflows.list()).toEqual([
      expect.objectContaining({
        name: 'Compound Interest Calculator',
        version: '1.0.0',
        inputs: expect.objectContaining({
          principal: expect.objectContaining({ type: 'number', default: 1000 }),
        }),
        outputs: ['final_amount', 'interest_earned'],
      }),
    ]);
    const result = await workflows.execute('Compound Interest Calculator', {
      principal: 1000,
      rate: 5,
      years: 10,
    });
    expect(result.status).toBe('success');
    expect(Number((result.outputs.final_amount as number).toFixed(2))).toBe(1628.89);
    expect(Number((result.outputs.interest_earned as number).toFixed(2))).toBe(628.89);
    // Exactly the result shape.
    expect(Object.keys(result).sort()).toEqual(['outputs', 'runId', 'status', 'steps']);
    expect(result.steps.rate_to_decimal).toEqual({
      status: 'success',
      output: { result: 0.05 },
      attempts: 1,
      durationMs: expect.any(Number),
    });
  });

  it('resolves a failed run with the taxonomy envelope instead of throwing', async () => {
    const openworkflow = await calculator();
    const workflows = await Workflows.fromFile(new URL('calculator/chain.yaml', examples), { openworkflow });
    const result = await workflows.execute('Divide By Zero');
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      status: 'error',
      code: 'BACKEND_ERROR',
      message: 'Cannot divide by zero',
      details: { step_id: 'divide' },
    });
    expect(result.steps.divide?.error).toMatchObject({
      status: 'error',
      code: 'BACKEND_ERROR',
      message: 'Cannot divide by zero',
      details: { connector_code: 'VALUE_ERROR', error_type: 'ValueError' },
    });
  });

  it('runs every workflow of a file with executeAll, keyed by name', async () => {
    const openworkflow = await calculator();
    const workflows = await Workflows.fromFile(new URL('calculator/chain.yaml', examples), { openworkflow });
    const results = await workflows.executeAll();
    expect(Object.keys(results)).toEqual(['Calculator Chain', 'Divide By Zero']);
    expect(results['Calculator Chain']?.outputs).toEqual({ sum: 15, product: 30, share: 4.5 });
    expect(results['Divide By Zero']?.status).toBe('failed');
  });

  it('gives an unknown workflow name a NOT_FOUND result, and a cloud run UNAVAILABLE', async () => {
    const openworkflow = await calculator();
    const workflows = await Workflows.fromFile(new URL('calculator/chain.yaml', examples), { openworkflow });
    const missing = await workflows.execute('Nope');
    expect(missing).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' } });
    expect(missing.error?.details.available).toEqual(['Calculator Chain', 'Divide By Zero']);
    const unnamed = await workflows.execute();
    expect(unnamed.error?.code).toBe('VALIDATION');

    const cloud = new OpenWorkflow({ executionMode: 'cloud' });
    open.push(cloud);
    const result = await Workflows.fromObject(
      {
        workflows: [
          { name: 'w', steps: [{ id: 't', type: 'transform', language: 'template', expression: 'x' }] },
        ],
      },
      { openworkflow: cloud },
    ).execute('w');
    expect(result).toMatchObject({
      status: 'failed',
      error: { code: 'UNAVAILABLE', details: { execution_mode: 'cloud' } },
    });
  });

  it('registers connectors from objects, and reports bad documents with a position', async () => {
    const openworkflow = new OpenWorkflow({ isolated: true });
    open.push(openworkflow);
    const connector = await openworkflow.registerConnector(echoConnector);
    expect(connector.id).toBe('connector:test/echo@1.0.0');
    expect(openworkflow.connector('test/echo')?.id).toBe(connector.id);
    await expect(openworkflow.registerConnector(echoConnector)).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { constraint: 'unique' },
    });

    const directory = await mkdtemp(join(tmpdir(), 'ow-sdk-'));
    try {
      const bad = join(directory, 'bad.yaml');
      await writeFile(bad, 'connector:\n  type: connector\n  kind: nope\n  name: x\n');
      const failure = await openworkflow.registerConnector(bad).catch((error: unknown) => error);
      expect(OpenWorkflowError.is(failure)).toBe(true);
      const error = failure as OpenWorkflowError;
      expect(error.code).toBe('VALIDATION');
      expect(error.message).toContain(`${bad}:`);
      expect((error.details.diagnostics as Array<{ line?: number }>)[0]?.line).toBeGreaterThan(0);
      await expect(openworkflow.registerConnector(join(directory, 'missing.yaml'))).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    } finally {
      await rm(directory, { recursive: true });
    }
  });

  it('gives handlers the seed context: ids, step name, inputs, previous steps, environment, secrets', async () => {
    const seen: ActionContext[] = [];
    const openworkflow = new OpenWorkflow({
      isolated: true,
      environment: { REGION: 'eu-west-1' },
      secretsManager: { get: (name: string) => (name === 'API_TOKEN' ? 'tok-0123456789abcdef' : undefined) },
    });
    open.push(openworkflow);
    await openworkflow.registerConnector(echoConnector);
    openworkflow.registerHandler<{ text: string; times: number }>('echo.say', (input, context) => {
      seen.push(context);
      return {
        text: input.text.repeat(input.times),
        region: context.environment.REGION ?? null,
        hasToken: context.secrets.has('API_TOKEN'),
        tokenLength: (context.secrets.API_TOKEN as string).length,
        attempt: context.attempt,
        aborted: context.signal.aborted,
        canceled: context.canceled,
      };
    });
    const workflows = Workflows.fromString(
      `
workflows:
  - name: greet
    inputs:
      who: { type: string, required: true }
    steps:
      - id: first
        connector: connector:test/echo@1.0.0
        action: say
        input: { text: "hi {{ inputs.who }}", auth: "{{ secrets.API_TOKEN }}" }
      - id: second
        connector: connector:test/echo@1.0.0
        action: say
        input: { text: "{{ steps.first.output.text }}!", times: 2 }
    outputs:
      text: { value: "{{ steps.second.output.text }}" }
`,
      { openworkflow },
    );
    const result = await workflows.execute('greet', { who: 'ada' });
    expect(result.status).toBe('success');
    expect(result.outputs.text).toBe('hi ada!hi ada!');
    expect(result.steps.first?.output).toMatchObject({
      region: 'eu-west-1',
      hasToken: true,
      tokenLength: 20,
      aborted: false,
      canceled: false,
    });
    const [first, second] = seen;
    expect(first?.runId).toBe(result.runId);
    expect(first?.workflow_id).toBe(result.runId);
    expect(first?.workflowName).toBe('greet');
    expect([first?.stepName, first?.step_name, second?.stepId]).toEqual(['first', 'first', 'second']);
    expect(first?.inputs).toEqual({ who: 'ada' });
    expect(second?.previous_steps.first?.output).toMatchObject({ text: 'hi ada' });
    expect(second?.executionMode).toBe('local');
    // The secret is readable, yet the context's secrets object shows no value when printed.
    expect(JSON.stringify(first?.secrets)).toBe('{}');
    expect(first?.secrets.names()).toEqual(['API_TOKEN']);
    expect(typeof first?.logger.info).toBe('function');
  });

  it('makes no AbortSignal per step for synchronous function handlers (nobody reads one)', async () => {
    const openworkflow = await calculator();
    const steps = Array.from({ length: 40 }, (_unused, index) => ({
      id: `s${index}`,
      connector: 'connector:community/calculator@1.0.0',
      action: 'add',
      input: { a: index === 0 ? 0 : `{{ steps.s${index - 1}.output.result }}`, b: 1 },
    }));
    const workflows = Workflows.fromObject(
      {
        workflows: [{ name: 'count', steps, outputs: { total: { value: '{{ steps.s39.output.result }}' } } }],
      },
      { openworkflow },
    );
    const Original = globalThis.AbortController;
    let created = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        created += 1;
      }
    };
    try {
      const result = await workflows.execute('count', {});
      expect(result.status).toBe('success');
      expect(result.outputs.total).toBe(40);
    } finally {
      globalThis.AbortController = Original;
    }
    // A few per run at most (the run's own halt signal); one or more per step would be 40+.
    expect(created).toBeLessThan(5);
  });

  it('applies the SDK timeout to connectors without runtime.timeout, and the retry config', async () => {
    const clock = new FakeClock();
    const openworkflow = new OpenWorkflow({
      isolated: true,
      clock,
      timeout: 2,
      retryConfig: { max_attempts: 3, backoff: 'fixed', initialDelayMs: 10 },
    });
    open.push(openworkflow);
    const connector = await openworkflow.registerConnector(echoConnector);
    expect(connector.runtime.timeoutMs).toBe(2000);
    const calculatorConnectorModel = await openworkflow.registerConnector(calculatorConnector);
    expect(calculatorConnectorModel.runtime.timeoutMs).toBe(5000); // declares `timeout: 5`
    let calls = 0;
    openworkflow.registerHandler('echo.say', async ({ text }: { text: string }) => {
      calls += 1;
      if (calls < 3) throw new OpenWorkflowError('UNAVAILABLE', 'try again');
      return { text };
    });
    const run = Workflows.fromObject(
      {
        workflows: [
          {
            name: 'w',
            steps: [{ id: 's', connector: 'connector:test/echo@1.0.0', action: 'say', input: { text: 'x' } }],
          },
        ],
      },
      { openworkflow },
    ).start('w');
    const events: RunEvent[] = [];
    const collecting = (async () => {
      for await (const event of run.events()) events.push(event);
    })();
    let settled = false;
    void run.result.then(() => {
      settled = true;
    });
    while (!settled) await clock.runUntilIdle();
    const result = await run.result;
    await collecting;
    expect(result.steps.s).toMatchObject({ status: 'success', attempts: 3 });
    expect(events.filter((event) => event.type === 'step.retrying')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('run.completed');
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index));
    expect(() => new OpenWorkflow({ retryConfig: { maxAttempts: 0 } })).toThrow(/retryConfig.maxAttempts/);
    expect(() => new OpenWorkflow({ timeout: -1 })).toThrow(/timeout/);
  });

  it('cancels a started run and delivers signals through the handle', async () => {
    const openworkflow = new OpenWorkflow({ isolated: true });
    open.push(openworkflow);
    const workflows = Workflows.fromString(
      `
workflows:
  - name: waits
    steps:
      - id: approval
        type: wait
        until: { event: approved }
    outputs:
      payload: { value: "{{ steps.approval.output }}" }
`,
      { openworkflow },
    );
    const signalled = workflows.start('waits');
    await waitForEvent(signalled, 'run.suspended');
    await signalled.signal('approved', { by: 'ada' });
    const done = await signalled.result;
    expect(done.status).toBe('success');
    expect(JSON.stringify(done.outputs.payload)).toContain('ada');

    const canceled = workflows.start('waits');
    await waitForEvent(canceled, 'run.suspended');
    expect(await canceled.cancel('no longer needed')).toBe(true);
    const result = await canceled.result;
    expect(result).toMatchObject({ status: 'canceled', error: { status: 'error', code: 'CANCELED' } });
    expect(await canceled.cancel()).toBe(false);
  });

  it('loads a project: config module, sibling connectors/ directory, handlers, workflow file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ow-project-'));
    try {
      await writeFile(join(directory, 'connector.json'), JSON.stringify(echoConnector));
      await writeFile(
        join(directory, 'openworkflow.config.mjs'),
        `export default async () => ({
  options: { environment: { GREETING: 'hello' } },
  connectors: ['connector.json'],
  handlers: { 'echo.say': ({ text }, context) => ({ text: context.environment.GREETING + ' ' + text }) },
  close: () => { globalThis.__owProjectClosed = true; },
});
`,
      );
      await writeFile(
        join(directory, 'flow.yaml'),
        'name: hello\nsteps:\n  - id: s\n    connector: connector:test/echo@1.0.0\n    action: say\n    input: { text: world }\noutputs:\n  text: { value: "{{ steps.s.output.text }}" }\n',
      );
      const project = await loadProject(join(directory, 'flow.yaml'));
      expect(project.configFile).toBe(join(directory, 'openworkflow.config.mjs'));
      expect(project.connectorFiles).toEqual([join(directory, 'connector.json')]);
      const result = await project.workflows.execute();
      expect(result.outputs).toEqual({ text: 'hello world' });
      await project.openworkflow.close();
      expect((globalThis as { __owProjectClosed?: boolean }).__owProjectClosed).toBe(true);
    } finally {
      await rm(directory, { recursive: true });
    }
  });

  it('loads the calculator example as a project (its config lists the connector)', async () => {
    const project = await loadProject(new URL('calculator/chain.yaml', examples).pathname);
    open.push(project.openworkflow);
    expect(project.openworkflow.handlerNames()).toContain('calculator.power');
    expect((await project.workflows.execute('Calculator Chain')).outputs).toEqual({
      sum: 15,
      product: 30,
      share: 4.5,
    });
  });

  it('loads one workflow with Workflow.fromFile and runs it with execute({ inputs, mode })', async () => {
    const openworkflow = await calculator();
    const single = await Workflow.fromFile(new URL('calculator/compound-interest.yaml', examples), {
      openworkflow,
    });
    expect(single.info).toMatchObject({
      name: 'Compound Interest Calculator',
      outputs: ['final_amount', 'interest_earned'],
    });
    const result = await single.execute({ inputs: { principal: 2000 } });
    expect(Number((result.outputs.final_amount as number).toFixed(2))).toBe(3257.79);
    expect((await single.execute({ mode: 'cloud' })).error?.code).toBe('UNAVAILABLE');
    await expect(
      Workflow.fromFile(new URL('calculator/chain.yaml', examples), { openworkflow }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const named = await Workflow.fromFile(new URL('calculator/chain.yaml', examples), {
      openworkflow,
      name: 'Calculator Chain',
    });
    expect((await named.execute()).outputs).toEqual({ sum: 15, product: 30, share: 4.5 });
  });

  it('merges project options: environment and secret definitions by name, egress allow-lists added up', () => {
    const merged = mergeOptions(
      {
        timeout: 5,
        environment: { SERVICE_URL: 'http://127.0.0.1:1', MODE: 'config' },
        egress: { allowedAddresses: ['127.0.0.1'] },
        secrets: { definitions: { A: { key: 'A_KEY' } } },
      },
      {
        timeout: 9,
        environment: { MODE: 'cli' },
        egress: { allowedHosts: ['api.example.com'] },
        secrets: { definitions: { B: { key: 'B_KEY' } } },
      },
    );
    expect(merged).toEqual({
      timeout: 9,
      environment: { SERVICE_URL: 'http://127.0.0.1:1', MODE: 'cli' },
      egress: { allowedAddresses: ['127.0.0.1'], allowedHosts: ['api.example.com'] },
      secrets: { definitions: { A: { key: 'A_KEY' }, B: { key: 'B_KEY' } } },
    });
  });

  it('reports every secret access to the audit hook, by name only', async () => {
    const records: unknown[] = [];
    const openworkflow = new OpenWorkflow({
      isolated: true,
      secretsManager: { get: (name: string) => (name === 'AUDITED' ? 'audited-value-123456' : undefined) },
      secrets: { onAccess: (record) => records.push(record) },
    });
    open.push(openworkflow);
    await openworkflow.registerConnector(echoConnector);
    openworkflow.registerHandler('echo.say', ({ text }: { text: string }) => ({ text }));
    const result = await Workflows.fromString(
      'name: w\nsteps:\n  - { id: s, connector: "connector:test/echo@1.0.0", action: say, input: { text: "{{ secrets.AUDITED }}" } }\n',
      { openworkflow },
    ).execute();
    expect(result.steps.s?.output).toEqual({ text: '[REDACTED:AUDITED]' });
    expect(records).toEqual([
      expect.objectContaining({ name: 'AUDITED', outcome: 'granted', runId: result.runId }),
    ]);
    expect(JSON.stringify(records)).not.toContain('audited-value');
  });

  it('redacts sensitive detail fields of errors in results, as the event log does', async () => {
    const openworkflow = new OpenWorkflow({ isolated: true });
    open.push(openworkflow);
    await openworkflow.registerConnector(echoConnector);
    openworkflow.registerHandler('echo.say', () => {
      throw new OpenWorkflowError('BACKEND_ERROR', 'login refused', {
        details: { password: 'hunter2', user: 'ada', url: 'https://ada:pw@db.example.com/x' },
      });
    });
    const result = await Workflows.fromString(
      'name: w\nsteps:\n  - { id: s, connector: "connector:test/echo@1.0.0", action: say, input: { text: x } }\n',
      { openworkflow },
    ).execute();
    expect(result.steps.s?.error?.details).toEqual({
      password: '***REDACTED***',
      user: 'ada',
      url: 'https://db.example.com/x',
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('costs nothing for observability when it is off', async () => {
    const openworkflow = new OpenWorkflow({ isolated: true });
    open.push(openworkflow);
    const observability = await openworkflow.observability();
    expect(observability.observing).toBe(false);
    expect(observability.metrics).toBeUndefined();
    expect(observability.tracer).toBeUndefined();
    expect(await openworkflow.metrics()).toBeUndefined();
  });
});

async function waitForEvent(run: { events(): AsyncIterableIterator<RunEvent> }, type: string): Promise<void> {
  for await (const event of run.events()) if (event.type === type) return;
  throw new Error(`run ended without ${type}`);
}

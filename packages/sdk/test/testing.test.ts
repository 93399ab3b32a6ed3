/**
 * `@openworkflow/sdk/testing`: mocks for any handler type, recorded calls, the self-advancing fake
 * clock, dry runs with `testing.dryRun.mockData`, and `testing.fixtures`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OpenWorkflowError } from '../src/index.js';
import { createTestRuntime, FakeClock, type TestRuntime } from '../src/testing/index.js';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
});

function runtime(options: Parameters<typeof createTestRuntime>[0] = {}) {
  const created = createTestRuntime(options);
  runtimes.push(created);
  return created;
}

/** The spec's weather connector shape: an `http` handler nobody may call in a unit test. */
const weather = {
  connector: {
    type: 'connector',
    kind: 'http',
    name: 'weather',
    namespace: 'community',
    version: '1.0.0',
    displayName: 'Weather',
    description: 'Weather over HTTP',
  },
  actions: [
    {
      name: 'get_current_weather',
      description: 'Current weather',
      input: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      handler: { http: { url: 'https://weather.invalid/current', method: 'POST' } },
    },
  ],
};

const report = `
workflows:
  - name: report
    inputs:
      locations: { type: array, default: [Paris, Oslo, Lima] }
    steps:
      - id: fetch_weather
        connector: connector:community/weather@1.0.0
        action: get_current_weather
        for_each: "{{ inputs.locations }}"
        input: { location: "{{ item }}" }
      - id: pause
        type: wait
        duration: 1h
    outputs:
      count: { value: "{{ steps.fetch_weather.output | length }}" }
      first: { value: "{{ steps.fetch_weather.output[0].temperature }}" }
    testing:
      dryRun:
        enabled: false
        mockConnectors: true
        mockData:
          connector:community/weather@1.0.0:
            get_current_weather: { temperature: 11, conditions: dry }
      fixtures:
        - name: two cities
          inputs: { locations: [Rome, Kyiv] }
          expectedOutputs: { status: success, count: 2, first: 72 }
        - name: wrong expectation
          inputs: { locations: [Rome] }
          expectedOutputs: { count: 5 }
`;

describe('test runtime', () => {
  it('mocks an http action, records every call, and jumps over a one-hour wait', async () => {
    const test = runtime();
    await test.openworkflow.registerConnector(weather);
    test.mockAction('weather.get_current_weather', { temperature: 72, conditions: 'sunny' });
    const startedAt = test.clock.now();
    const result = await test.execute(test.workflows(report), 'report');
    expect(result.status).toBe('success');
    expect(result.outputs).toEqual({ count: 3, first: 72 });
    expect(result.steps.fetch_weather?.output).toEqual([
      { temperature: 72, conditions: 'sunny' },
      { temperature: 72, conditions: 'sunny' },
      { temperature: 72, conditions: 'sunny' },
    ]);
    expect(test.clock.now() - startedAt).toBeGreaterThanOrEqual(3_600_000);
    const calls = test.callsOf('community/weather.get_current_weather');
    expect(calls.map((call) => call.input.location)).toEqual(['Paris', 'Oslo', 'Lima']);
    expect(calls.every((call) => call.mocked && call.runId === result.runId)).toBe(true);
    expect(test.callsOf('connector:community/weather@1.0.0.get_current_weather')).toHaveLength(3);
  });

  it('takes a mock function that sees input and context, and retries through fake backoff', async () => {
    const test = runtime({ retryConfig: { maxAttempts: 4, backoff: 'exponential', initialDelayMs: 60_000 } });
    await test.openworkflow.registerConnector(weather);
    test.mockAction('weather.get_current_weather', ({ location }, context) => {
      if (context.attempt < 3) throw new OpenWorkflowError('UNAVAILABLE', `busy (${context.stepName})`);
      return { temperature: String(location).length };
    });
    const result = await test.execute(test.workflows(report), 'report', { locations: ['Quito'] });
    expect(result.status).toBe('success');
    expect(result.outputs.first).toBe(5);
    expect(test.calls.map((call) => [call.attempt, call.error?.code ?? 'ok'])).toEqual([
      [1, 'UNAVAILABLE'],
      [2, 'UNAVAILABLE'],
      [3, 'ok'],
    ]);
  });

  it('dry-runs with testing.dryRun.mockData and never calls a handler or mock', async () => {
    const test = runtime();
    await test.openworkflow.registerConnector(weather);
    test.mockAction('weather.get_current_weather', () => {
      throw new Error('must not be called');
    });
    const result = await test.dryRun(test.workflows(report), 'report');
    expect(result.status).toBe('success');
    expect(result.outputs).toEqual({ count: 3, first: 11 });
    expect(test.calls).toEqual([]);
  });

  it('runs testing.fixtures and reports mismatches', async () => {
    const test = runtime();
    await test.openworkflow.registerConnector(weather);
    test.mockAction('weather.get_current_weather', { temperature: 72 });
    const reports = await test.runFixtures(test.workflows(report));
    expect(reports.map(({ fixture, passed, mismatches }) => ({ fixture, passed, mismatches }))).toEqual([
      { fixture: 'two cities', passed: true, mismatches: [] },
      { fixture: 'wrong expectation', passed: false, mismatches: [{ key: 'count', expected: 5, actual: 1 }] },
    ]);
    await expect(test.runFixtures(test.workflows(report), 'missing')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('is deterministic: same inputs and mocks, same result (digest Z-317)', async () => {
    const outcomes: unknown[] = [];
    for (let round = 0; round < 2; round++) {
      const test = runtime({ clock: new FakeClock(Date.UTC(2025, 5, 1)), idGenerator: sequence() });
      await test.openworkflow.registerConnector(weather);
      test.mockAction('weather.get_current_weather', ({ location }) => ({
        temperature: String(location).length,
      }));
      outcomes.push(await test.execute(test.workflows(report), 'report'));
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
  });

  it('lets the real handler run when no mock matches, and records its failure', async () => {
    const test = runtime();
    await test.openworkflow.registerConnector(weather);
    const result = await test.execute(test.workflows(report), 'report', { locations: ['Paris'] });
    // No mock: the http handler runs, and the guard refuses the unresolvable host.
    expect(result.status).toBe('failed');
    expect(test.calls).toHaveLength(1);
    expect(test.calls[0]?.mocked).toBe(false);
    expect(test.calls[0]?.error?.code).toBe(result.steps.fetch_weather?.error?.code);
  });
});

function sequence() {
  let next = 0;
  return () => `id-${++next}`;
}

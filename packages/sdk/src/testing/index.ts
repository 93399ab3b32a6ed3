/**
 * `@openworkflow/sdk/testing`: a test runtime with mocked actions, recorded calls, a fake clock
 * that advances itself, dry runs and the spec's `testing.fixtures`. Semantics in spec/sdk.md §8.
 */
import { type ActionInvocation, type Clock, FakeClock, OpenWorkflowError } from '@openworkflow/core';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import { type ActionContext, actionContext } from '../action-context.js';
import { actionAddress } from '../interceptor.js';
import { OpenWorkflow, type RunOptions } from '../open-workflow.js';
import type { OpenWorkflowOptions } from '../options.js';
import type { WorkflowResult, WorkflowRun } from '../result.js';
import { Workflows } from '../workflows.js';

/** What a mock returns: a fixed output, or a function of the input and context (it may throw). */
export type MockResponse = JsonValue | ((input: JsonObject, context: ActionContext) => unknown);

/** One action call the runtime saw. */
export interface RecordedCall {
  /** `<connector name>.<action name>`. */
  readonly address: string;
  /** The connector's name and full id. */
  readonly connector: string;
  readonly connectorId: string;
  readonly action: string;
  /** Every address {@link TestRuntime.mockAction} would match this call by. */
  readonly aliases: readonly string[];
  readonly input: JsonObject;
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** True when a mock answered instead of the real handler. */
  readonly mocked: boolean;
  /** Set once the call returned. */
  output?: JsonValue;
  /** Set when the call failed: the error's code and message. */
  error?: { readonly code: string; readonly message: string };
}

/** One fixture's outcome. */
export interface FixtureReport {
  readonly workflow: string;
  readonly fixture: string;
  readonly passed: boolean;
  readonly result: WorkflowResult;
  /** Every expected key whose actual value differs. */
  readonly mismatches: ReadonlyArray<{
    readonly key: string;
    readonly expected: JsonValue;
    readonly actual: JsonValue;
  }>;
}

/** Options of {@link createTestRuntime}: the SDK's options, with test defaults. */
export interface TestRuntimeOptions extends OpenWorkflowOptions {
  /**
   * Advance the fake clock by itself while a run waits on timers (backoff, `wait` durations,
   * timeouts). Default true when the clock is the runtime's `FakeClock`. It assumes handlers finish
   * without real I/O: a handler awaiting a real socket while time jumps can see its timeout fire.
   */
  readonly autoAdvance?: boolean;
}

/** The addresses an action call answers to: `<name>.<action>`, `<ns>/<name>.<action>`, `<id>.<action>`, the function name. */
function addressesOf(invocation: Pick<ActionInvocation, 'connector' | 'action'>): string[] {
  const { connector, action } = invocation;
  const addresses = [
    actionAddress(invocation),
    `${connector.namespace}/${connector.name}.${action.name}`,
    `${connector.id}.${action.name}`,
  ];
  if (action.handler.type === 'function') addresses.push(action.handler.function);
  return addresses;
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

function deepEqual(left: unknown, right: unknown): boolean {
  return JSON.stringify(canonical(left)) === JSON.stringify(canonical(right));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * An `OpenWorkflow` for tests: isolated from shared `action()` handlers, on a fake clock, with
 * every action call recorded and any action mockable by address.
 *
 * @example
 * const runtime = createTestRuntime();
 * await runtime.openworkflow.registerConnector('./connectors/weather.yaml');
 * runtime.mockAction('weather.get_current_weather', { temperature: 72, conditions: 'sunny' });
 * const result = await runtime.execute(workflows, 'Daily Weather Report');
 * expect(result.steps.fetch_weather.output).toEqual(...);
 * expect(runtime.callsOf('weather.get_current_weather')).toHaveLength(3);
 */
export class TestRuntime {
  readonly openworkflow: OpenWorkflow;
  readonly clock: Clock;
  /** Every action call, in the order they started. */
  readonly calls: RecordedCall[] = [];
  readonly #mocks = new Map<string, MockResponse>();
  readonly #autoAdvance: boolean;
  #inFlight = 0;

  constructor(options: TestRuntimeOptions = {}) {
    const { autoAdvance, ...rest } = options;
    this.clock = options.clock ?? new FakeClock();
    this.#autoAdvance = autoAdvance ?? this.clock instanceof FakeClock;
    this.openworkflow = new OpenWorkflow({
      isolated: true,
      ...rest,
      clock: this.clock,
      interceptors: [(invocation, next) => this.#intercept(invocation, next), ...(rest.interceptors ?? [])],
    });
  }

  /**
   * Makes every call of an action return `response` (or what the function returns) instead of
   * running its handler, whatever the handler type. `address` is `<connector>.<action>`,
   * `<namespace>/<connector>.<action>`, `<connector id>.<action>` or a function handler's name.
   */
  mockAction(address: string, response: MockResponse): this {
    this.#mocks.set(address, response);
    return this;
  }

  /** Removes one mock, or all of them. */
  clearMocks(address?: string): this {
    if (address === undefined) this.#mocks.clear();
    else this.#mocks.delete(address);
    return this;
  }

  /** The recorded calls of one action (same addresses as {@link mockAction}). */
  callsOf(address: string): RecordedCall[] {
    return this.calls.filter((call) => call.aliases.includes(address));
  }

  /** Forgets recorded calls (mocks stay). */
  resetCalls(): void {
    this.calls.length = 0;
  }

  /** Loads workflows from YAML/JSON text or a parsed document, on this runtime. */
  workflows(source: string | object): Workflows {
    return typeof source === 'string'
      ? Workflows.fromString(source, { openworkflow: this.openworkflow })
      : Workflows.fromObject(source, { openworkflow: this.openworkflow });
  }

  /** Starts a run; with auto-advance, time moves whenever the run waits on a timer. */
  start(
    workflows: Workflows,
    name?: string,
    inputs: JsonObject = {},
    options: Omit<RunOptions, 'siblings'> = {},
  ): WorkflowRun {
    const run = workflows.start(name, inputs, options);
    if (this.#autoAdvance && this.clock instanceof FakeClock) void this.#drive(this.clock, run.result);
    return run;
  }

  /** Runs a workflow to its end (see {@link start}). */
  execute(
    workflows: Workflows,
    name?: string,
    inputs: JsonObject = {},
    options: Omit<RunOptions, 'siblings'> = {},
  ): Promise<WorkflowResult> {
    return this.start(workflows, name, inputs, options).result;
  }

  /**
   * A dry run (spec `testing.dryRun`): action steps return the workflow's
   * `testing.dryRun.mockData[connector][action]` (or `null`) and no handler or mock is called.
   */
  dryRun(workflows: Workflows, name?: string, inputs: JsonObject = {}): Promise<WorkflowResult> {
    return this.execute(workflows, name, inputs, { dryRun: true });
  }

  /**
   * Runs the spec's `testing.fixtures` of one workflow (or of every workflow): each fixture's
   * `inputs`, compared with its `expectedOutputs` — `status` against the run status, `error_code`
   * against the run's error code, every other key against the output of that name.
   */
  async runFixtures(workflows: Workflows, name?: string): Promise<FixtureReport[]> {
    const targets = name === undefined ? workflows.workflows : [workflows.get(name)];
    const reports: FixtureReport[] = [];
    for (const workflow of targets) {
      if (workflow === undefined) {
        throw new OpenWorkflowError('NOT_FOUND', `No workflow named '${name}'`, {
          details: { workflow: name ?? '' },
        });
      }
      for (const fixture of workflow.testing?.fixtures ?? []) {
        const result = await this.execute(workflows, workflow.name, fixture.inputs);
        const mismatches: Array<{ key: string; expected: JsonValue; actual: JsonValue }> = [];
        for (const [key, expected] of Object.entries(fixture.expectedOutputs)) {
          const actual: JsonValue =
            key === 'status'
              ? result.status
              : key === 'error_code'
                ? (result.error?.code ?? null)
                : Object.hasOwn(result.outputs, key)
                  ? result.outputs[key]!
                  : null;
          if (!deepEqual(expected, actual)) mismatches.push({ key, expected, actual });
        }
        reports.push({
          workflow: workflow.name,
          fixture: fixture.name,
          passed: mismatches.length === 0,
          result,
          mismatches,
        });
      }
    }
    return reports;
  }

  /** Closes the runtime's `OpenWorkflow`. */
  close(): Promise<void> {
    return this.openworkflow.close();
  }

  async #intercept(invocation: ActionInvocation, next: () => Promise<JsonValue>): Promise<JsonValue> {
    const { connector, action, input, context } = invocation;
    const aliases = addressesOf(invocation);
    const mock = aliases.map((address) => this.#mocks.get(address)).find((found) => found !== undefined);
    const call: RecordedCall = {
      address: actionAddress(invocation),
      connector: connector.name,
      connectorId: connector.id,
      action: action.name,
      aliases,
      input,
      runId: context.runId,
      stepId: context.stepId,
      attempt: context.attempt,
      mocked: mock !== undefined,
    };
    this.calls.push(call);
    this.#inFlight += 1;
    try {
      const output =
        mock === undefined
          ? await next()
          : typeof mock === 'function'
            ? toJson(await mock(input, actionContext(context)))
            : mock;
      call.output = output;
      return output;
    } catch (error) {
      const known = OpenWorkflowError.is(error) ? error : undefined;
      call.error = {
        code: known?.code ?? 'BACKEND_ERROR',
        message: error instanceof Error ? error.message : String(error),
      };
      throw error;
    } finally {
      this.#inFlight -= 1;
    }
  }

  /** Fires the fake clock's timers while the run is waiting on them and no handler is running. */
  async #drive(clock: FakeClock, result: Promise<WorkflowResult>): Promise<void> {
    let settled = false;
    void result.then(() => {
      settled = true;
    });
    while (!settled) {
      if (this.#inFlight === 0 && clock.pendingTimers > 0) await clock.runUntilIdle({ external: false });
      // Let the run make progress (and real I/O complete) before looking again.
      await new Promise((resolve) => setTimeout(resolve, this.#inFlight === 0 ? 0 : 1));
    }
  }
}

/** Creates a {@link TestRuntime}. */
export function createTestRuntime(options: TestRuntimeOptions = {}): TestRuntime {
  return new TestRuntime(options);
}

export { FakeClock } from '@openworkflow/core';

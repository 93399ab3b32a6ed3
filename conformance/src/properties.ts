/**
 * Property tests against any target. fast-check generates workflows — DAGs or sequences of
 * behaviour-server calls with random failures, delays, conditions, retries, forEach, parallel and
 * try — and a small reference model computes what must happen: the run status, each top-level
 * step's status (and attempts), and how often each route is called. Each generated workflow
 * becomes an ordinary case (YAML, through the same loader and runner as the case files); a
 * mismatch is shrunk by fast-check to a minimal workflow whose case YAML is reported with the
 * seed that replays it (`--seed <n> --properties <runs>`).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { BehaviourServer } from './behaviour-server.js';
import { caseFromText } from './case-loader.js';
import { runCase } from './case-runner.js';
import type { JsonObject } from './json.js';
import type { AssertionResult } from './observation.js';
import type { HelloResponse } from './protocol.js';
import { createRandom } from './random.js';
import type { SuiteProblem } from './suite-error.js';
import type { Target } from './target.js';

/** Profiles a target must claim (with what they imply) for the properties to bind it. */
export const PROPERTY_PROFILES = ['core', 'logic', 'errors'] as const;

const CONNECTOR = 'connector:conformance/behaviour@1.0.0';

// ---------------------------------------------------------------------------------------------
// The generated plan
// ---------------------------------------------------------------------------------------------

/** One call to its own route: fails `failures` times (503), then echoes; retried up to `maxAttempts`. */
export interface PlanCall {
  readonly failures: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
}

export type PlanStep = {
  /** `true`/`false`: the step has a condition reading an input with that value. */
  readonly condition: boolean | undefined;
  /** Indexes of earlier steps this one needs (strategy dag only). */
  readonly needs: readonly number[];
} & (
  | { readonly kind: 'call'; readonly call: PlanCall; readonly continueOnError: boolean }
  | { readonly kind: 'forEach'; readonly items: number; readonly delayMs: number }
  | { readonly kind: 'parallel'; readonly branches: readonly PlanCall[]; readonly continueOnError: boolean }
  | { readonly kind: 'try'; readonly body: PlanCall }
);

export interface Plan {
  readonly strategy: 'sequential' | 'dag';
  readonly steps: readonly PlanStep[];
}

const callArbitrary: fc.Arbitrary<PlanCall> = fc.record({
  failures: fc.nat({ max: 3 }),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  delayMs: fc.constantFrom(0, 0, 5, 20),
});

const stepArbitrary = (): fc.Arbitrary<PlanStep> => {
  const common = {
    condition: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
    // Raw indexes; `planArbitrary` keeps only those of earlier steps.
    needs: fc.uniqueArray(fc.nat({ max: 4 }), { maxLength: 2 }),
  };
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        ...common,
        kind: fc.constant('call' as const),
        call: callArbitrary,
        continueOnError: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        ...common,
        kind: fc.constant('forEach' as const),
        items: fc.nat({ max: 3 }),
        delayMs: fc.constantFrom(0, 5),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        ...common,
        kind: fc.constant('parallel' as const),
        branches: fc.array(callArbitrary, { minLength: 2, maxLength: 3 }),
        continueOnError: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ ...common, kind: fc.constant('try' as const), body: callArbitrary }),
    },
  ) as fc.Arbitrary<PlanStep>;
};

/**
 * Workflows of 1–5 top-level steps, sequential or a DAG over earlier steps. Built from a plain
 * array (not a chain) so that fast-check shrinks a failure by dropping steps and simplifying each.
 */
export const planArbitrary: fc.Arbitrary<Plan> = fc
  .record({
    strategy: fc.constantFrom('sequential' as const, 'dag' as const),
    steps: fc.array(stepArbitrary(), { minLength: 1, maxLength: 5 }),
  })
  .map(({ strategy, steps }) => ({
    strategy,
    steps: steps.map((step, index) => ({
      ...step,
      needs: strategy === 'dag' ? step.needs.filter((need) => need < index) : [],
    })),
  }));

// ---------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------

export interface ModelStep {
  /** `absent`: never started (a dependency failed). */
  readonly status: 'success' | 'failed' | 'skipped' | 'absent';
  readonly attempts?: number;
}

export interface ModelOutcome {
  readonly status: 'success' | 'failed';
  readonly steps: readonly ModelStep[];
  /** Calls per route, every route of the plan listed. */
  readonly calls: Readonly<Record<string, number>>;
}

const attemptsOf = (call: PlanCall) => Math.min(call.failures + 1, call.maxAttempts);
const succeeds = (call: PlanCall) => call.failures < call.maxAttempts;

/** Route names, in the same order the case builder uses. */
function routesOf(step: PlanStep, index: number): string[] {
  switch (step.kind) {
    case 'call':
      return [`s${index}`];
    case 'forEach':
      return [`s${index}`];
    case 'parallel':
      return step.branches.map((_, b) => `s${index}b${b}`);
    case 'try':
      return [`s${index}`, `s${index}catch`];
  }
}

/** What spec/execution.md says must happen, computed without running anything. */
export function model(plan: Plan): ModelOutcome {
  const calls: Record<string, number> = {};
  const steps: ModelStep[] = [];
  /** A step "blocks" its dependents when it failed without continue_on_error, or never ran. */
  const blocks: boolean[] = [];
  plan.steps.forEach((step, index) => {
    for (const route of routesOf(step, index)) calls[route] = 0;
    const needs = plan.strategy === 'sequential' ? (index > 0 ? [index - 1] : []) : step.needs;
    if (needs.some((need) => blocks[need])) {
      steps.push({ status: 'absent' });
      blocks.push(true);
      return;
    }
    if (step.condition === false) {
      steps.push({ status: 'skipped', attempts: 0 });
      blocks.push(false);
      return;
    }
    switch (step.kind) {
      case 'call': {
        calls[`s${index}`] = attemptsOf(step.call);
        const ok = succeeds(step.call);
        steps.push({ status: ok ? 'success' : 'failed', attempts: attemptsOf(step.call) });
        blocks.push(!ok && !step.continueOnError);
        return;
      }
      case 'forEach':
        calls[`s${index}`] = step.items;
        steps.push({ status: 'success' });
        blocks.push(false);
        return;
      case 'parallel': {
        step.branches.forEach((branch, b) => {
          calls[`s${index}b${b}`] = attemptsOf(branch);
        });
        const ok = step.branches.every(succeeds);
        steps.push({ status: ok ? 'success' : 'failed' });
        blocks.push(!ok && !step.continueOnError);
        return;
      }
      case 'try':
        calls[`s${index}`] = attemptsOf(step.body);
        calls[`s${index}catch`] = succeeds(step.body) ? 0 : 1;
        steps.push({ status: 'success' });
        blocks.push(false);
    }
  });
  const failed = plan.steps.some((step, index) => {
    const outcome = steps[index]!;
    if (outcome.status !== 'failed') return false;
    return !(step.kind === 'call' || step.kind === 'parallel') || !step.continueOnError;
  });
  return { status: failed ? 'failed' : 'success', steps, calls };
}

// ---------------------------------------------------------------------------------------------
// Plan → case
// ---------------------------------------------------------------------------------------------

function replies(call: PlanCall): JsonObject {
  const fail = { fail: { status: 503, message: 'busy' }, delayMs: call.delayMs };
  const echo = { echo: {}, delayMs: call.delayMs };
  return { sequence: [...Array.from({ length: call.failures }, () => fail), echo] };
}

function retryOf(call: PlanCall): JsonObject {
  return call.maxAttempts > 1
    ? { retry: { maxAttempts: call.maxAttempts, backoff: 'fixed', initialDelay: '10ms' } }
    : {};
}

const action = (id: string, route: string, extra: JsonObject = {}): JsonObject => ({
  id,
  connector: CONNECTOR,
  action: route,
  input: { step: id },
  ...extra,
});

/** The case (as a YAML-ready object) that runs a plan and checks the model's outcome. */
export function planCase(plan: Plan, id = 'generated-workflow'): JsonObject {
  const expected = model(plan);
  const behaviour: JsonObject = {};
  const inputs: JsonObject = {};
  const steps = plan.steps.map((step, index): JsonObject => {
    const stepId = `s${index}`;
    const keys: JsonObject = {};
    if (step.condition !== undefined) {
      inputs[`c${index}`] = step.condition;
      keys.condition = `{{ inputs.c${index} }}`;
    }
    if (plan.strategy === 'dag' && step.needs.length > 0) keys.needs = step.needs.map((need) => `s${need}`);
    switch (step.kind) {
      case 'call':
        behaviour[stepId] = replies(step.call);
        return action(stepId, stepId, {
          ...keys,
          ...retryOf(step.call),
          ...(step.continueOnError ? { continue_on_error: true } : {}),
        });
      case 'forEach':
        behaviour[stepId] = { echo: {}, delayMs: step.delayMs };
        return {
          id: stepId,
          type: 'forEach',
          items: Array.from({ length: step.items }, (_, i) => i),
          ...keys,
          steps: [{ ...action(`${stepId}body`, stepId), input: { item: '{{ item }}' } }],
        };
      case 'parallel': {
        const branches: JsonObject = {};
        step.branches.forEach((branch, b) => {
          const route = `${stepId}b${b}`;
          behaviour[route] = replies(branch);
          branches[`b${b}`] = [action(route, route, retryOf(branch))];
        });
        return {
          id: stepId,
          type: 'parallel',
          ...keys,
          ...(step.continueOnError ? { continue_on_error: true } : {}),
          branches,
        };
      }
      case 'try':
        behaviour[stepId] = replies(step.body);
        behaviour[`${stepId}catch`] = 'echo';
        return {
          id: stepId,
          type: 'try',
          ...keys,
          steps: [action(`${stepId}body`, stepId, retryOf(step.body))],
          catch: [action(`${stepId}handler`, `${stepId}catch`)],
        };
      default:
        throw new Error(`unknown plan step ${JSON.stringify(step)}`);
    }
  });
  const routes = Object.keys(behaviour);
  const connector = {
    connector: {
      type: 'connector',
      kind: 'http',
      name: 'behaviour',
      namespace: 'conformance',
      version: '1.0.0',
      displayName: 'Behaviour server',
      description: 'Routes of the conformance behaviour server',
    },
    actions: routes.map((route) => ({
      name: route,
      description: `Calls the ${route} route`,
      handler: { http: { url: `@@BEHAVIOUR@@/${route}`, method: 'POST' } },
    })),
  };
  const workflow = { name: 'Generated', strategy: plan.strategy, steps };
  const expectSteps: JsonObject = {};
  expected.steps.forEach((step, index) => {
    expectSteps[`s${index}`] =
      step.status === 'absent'
        ? { $absent: true }
        : { status: step.status, ...(step.attempts !== undefined ? { attempts: step.attempts } : {}) };
  });
  return {
    id,
    requirement: 'OW-LOGIC-900',
    title: 'A generated workflow does what the reference model computes',
    spec: ['spec/execution.md#failure', 'spec/execution.md#retries', 'spec/conformance.md#property-tests'],
    clock: 'prefer-virtual',
    behaviour,
    documents: [
      {
        name: 'connector.yaml',
        content: stringify(connector, { lineWidth: 0, aliasDuplicateObjects: false }),
      },
      {
        name: 'workflows.yaml',
        content: stringify({ workflows: [workflow] }, { lineWidth: 0, aliasDuplicateObjects: false }),
      },
    ],
    run: { workflow: 'Generated', inputs },
    expect: { status: expected.status, steps: expectSteps, behaviour: { calls: expected.calls } },
  };
}

/** The case file text of a plan: what a counterexample is reported as. */
export function planYaml(plan: Plan, id?: string): string {
  return stringify(planCase(plan, id), { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

export interface PropertyReport {
  readonly status: 'pass' | 'fail' | 'inapplicable';
  readonly reason?: string;
  readonly runs: number;
  /** Generated workflows run (shrinking included). */
  readonly executed: number;
  readonly seed: number;
  /** The shrunk counterexample as a case file. */
  readonly counterexample?: string;
  /** What did not hold in the counterexample. */
  readonly failures?: readonly AssertionResult[];
  /** How to replay it. */
  readonly replay?: string;
}

export interface PropertyRunOptions {
  readonly runs: number;
  readonly seed: number;
  readonly claimed: readonly string[];
  readonly hello: HelloResponse;
  readonly target: () => Promise<Target | undefined>;
  readonly server: BehaviourServer;
  readonly timeoutScale: number;
}

/** Runs `runs` generated workflows against the target; shrinks and reports the first mismatch. */
export async function runProperties(options: PropertyRunOptions): Promise<PropertyReport> {
  const { runs, seed } = options;
  const missing = PROPERTY_PROFILES.filter((profile) => !options.claimed.includes(profile));
  if (missing.length > 0) {
    return {
      status: 'inapplicable',
      reason: `the target does not claim ${missing.join(', ')}`,
      runs,
      executed: 0,
      seed,
    };
  }
  let executed = 0;
  let lastFailures: readonly AssertionResult[] = [];
  let crash: Error | undefined;
  const check = async (plan: Plan): Promise<boolean> => {
    try {
      return await checkOne(plan);
    } catch (error) {
      crash = error as Error;
      throw error;
    }
  };
  const checkOne = async (plan: Plan): Promise<boolean> => {
    executed += 1;
    const problems: SuiteProblem[] = [];
    const testCase = caseFromText(planYaml(plan), 'generated-workflow.yaml', 'logic', problems);
    if (testCase === undefined) {
      throw new Error(`generated case is malformed: ${problems.map((p) => p.message).join('; ')}`);
    }
    const target = await options.target();
    if (target === undefined) throw new Error('the target kept exiting');
    const { assertions } = await runCase(testCase, {
      target,
      server: options.server,
      random: createRandom(seed + executed),
      timeoutScale: options.timeoutScale,
      sendParsed: options.hello.capabilities.parsedDocuments === true,
    });
    const failed = assertions.filter((a) => !a.ok);
    if (failed.length > 0) lastFailures = failed;
    return failed.length === 0 && assertions.some((a) => a.counted);
  };
  const result = await fc.check(fc.asyncProperty(planArbitrary, check), {
    seed,
    numRuns: runs,
    endOnFailure: false,
  });
  if (!result.failed) return { status: 'pass', runs, executed, seed };
  const counterexample = result.counterexample?.[0];
  // Re-run the shrunk counterexample so the failures reported are its own.
  if (counterexample !== undefined) await check(counterexample);
  return {
    status: 'fail',
    reason:
      crash !== undefined
        ? `the property could not run: ${crash.message}`
        : `a generated workflow did not do what the model computes (shrunk ${result.numShrinks} time(s))`,
    runs,
    executed,
    seed,
    ...(counterexample !== undefined ? { counterexample: planYaml(counterexample) } : {}),
    failures: lastFailures,
    replay: `--seed ${seed} --properties ${runs}`,
  };
}

/**
 * Property tests against any target. fast-check generates workflows — DAGs or sequences of
 * behaviour-server calls with random failures, retries and backoff policies, conditions,
 * continue_on_error, forEach, parallel, try, `if`/`switch` over inputs or earlier outputs, `wait`
 * durations and step timeouts — and a small reference model computes what must happen: the run
 * status, each top-level step's status, attempts, error code and branch, how often each route is
 * called, and (on a virtual clock) the instant each step ends. Each generated workflow becomes an
 * ordinary case (YAML, through the same loader and runner as the case files); a mismatch is shrunk
 * by fast-check to a minimal workflow whose case YAML is reported with the seed that replays it
 * (`--seed <n> --properties <runs>`).
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

/** The per-attempt handler limit of slow routes (real-time plans only). */
export const SLOW_TIMEOUT_MS = 400;
/** How long a slow reply would take: far beyond the limit, so the call is always aborted. */
const SLOW_REPLY_MS = 5000;

// ---------------------------------------------------------------------------------------------
// The generated plan
// ---------------------------------------------------------------------------------------------

export type Backoff = 'fixed' | 'linear' | 'exponential';

/**
 * One call to its own route: fails `failures` times (503), then echoes; retried up to
 * `maxAttempts`. On a virtual clock the retry waits `backoff` from `initialSeconds`; in real time
 * it waits a fixed 10 ms, and the first `slow` attempts answer too late for the route's handler
 * timeout (TIMEOUT, retried like any failure) before the failures begin.
 */
export interface PlanCall {
  readonly failures: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
  readonly backoff?: Backoff;
  readonly initialSeconds?: number;
  /** Virtual plans: the policy's `maxDelay` cap, in seconds. */
  readonly maxDelaySeconds?: number | undefined;
  readonly slow?: number;
}

/**
 * How an `if` tests its datum: as is, negated (`not`), a number against 2 (`> 2`), a string
 * against `'go'` (`== 'go'`). The datum is chosen so that the test is `value` when it is read.
 */
export type IfTest = 'truthy' | 'not' | 'above' | 'equals';

/** The datum an `if` reads, and its condition text around the expression `ref`. */
export function ifDatum(
  test: IfTest,
  value: boolean,
): { datum: boolean | number | string; condition: (ref: string) => string } {
  switch (test) {
    case 'truthy':
      return { datum: value, condition: (ref) => `{{ ${ref} }}` };
    case 'not':
      return { datum: !value, condition: (ref) => `{{ not ${ref} }}` };
    case 'above':
      return { datum: value ? 3 : 1, condition: (ref) => `{{ ${ref} > 2 }}` };
    case 'equals':
      return { datum: value ? 'go' : 'stop', condition: (ref) => `{{ ${ref} == 'go' }}` };
  }
}

/** Where an `if` condition or a `switch` value comes from. */
export type PlanSource = { readonly from: 'input' } | { readonly from: 'step'; readonly step: number };

export type PlanStep = {
  /** `true`/`false`: the step has a condition reading an input with that value. */
  readonly condition: boolean | undefined;
  /** Indexes of earlier steps this one needs (strategy dag only). */
  readonly needs: readonly number[];
} & (
  | {
      readonly kind: 'call';
      readonly call: PlanCall;
      readonly continueOnError: boolean;
      /** A step `timeout` (total over attempts and backoff), virtual plans only. */
      readonly timeoutMs?: number;
    }
  | { readonly kind: 'forEach'; readonly items: number; readonly delayMs: number }
  | { readonly kind: 'parallel'; readonly branches: readonly PlanCall[]; readonly continueOnError: boolean }
  | { readonly kind: 'try'; readonly body: PlanCall }
  | {
      readonly kind: 'if';
      readonly source: PlanSource;
      readonly test: IfTest;
      /** The condition's result when its datum is read. */
      readonly value: boolean;
      readonly whenTrue: PlanCall;
      readonly whenFalse: PlanCall | undefined;
    }
  | {
      readonly kind: 'switch';
      readonly source: PlanSource;
      /** The value switched on. */
      readonly value: 'a' | 'b' | 'c';
      /** Cases for `a` and `b` (`b` may be missing; a switch needs one case). */
      readonly cases: { readonly a: PlanCall; readonly b?: PlanCall };
      readonly default: PlanCall | undefined;
    }
  | {
      readonly kind: 'wait';
      readonly seconds: number;
      readonly timeoutMs: number | undefined;
      readonly continueOnError: boolean;
    }
);

export interface Plan {
  /** `virtual`: timers on the target's fake clock; `real`: short real timers and slow routes. */
  readonly clock?: 'virtual' | 'real';
  readonly strategy: 'sequential' | 'dag';
  readonly steps: readonly PlanStep[];
}

const callArbitrary = (clock: 'virtual' | 'real'): fc.Arbitrary<PlanCall> =>
  clock === 'virtual'
    ? fc.record(
        {
          failures: fc.nat({ max: 3 }),
          maxAttempts: fc.integer({ min: 1, max: 3 }),
          delayMs: fc.constantFrom(0, 0, 5),
          backoff: fc.constantFrom<Backoff>('fixed', 'linear', 'exponential'),
          initialSeconds: fc.integer({ min: 1, max: 2 }),
          maxDelaySeconds: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 3 }),
        },
        { requiredKeys: ['failures', 'maxAttempts', 'delayMs', 'backoff', 'initialSeconds'] },
      )
    : fc.record({
        failures: fc.nat({ max: 3 }),
        maxAttempts: fc.integer({ min: 1, max: 3 }),
        delayMs: fc.constantFrom(0, 0, 5, 20),
        slow: fc.constantFrom(0, 0, 0, 1, 2),
      });

/** A timeout that never ties with an integer-second instant: 0.5 s to 6.5 s. */
const halfSecondTimeout = fc.integer({ min: 0, max: 6 }).map((s) => s * 1000 + 500);

const sourceArbitrary: fc.Arbitrary<PlanSource> = fc.oneof(
  fc.constant({ from: 'input' as const }),
  // Raw index; `planArbitrary` keeps it only if it names an earlier call step.
  fc.nat({ max: 4 }).map((step) => ({ from: 'step' as const, step })),
);

const stepArbitrary = (clock: 'virtual' | 'real'): fc.Arbitrary<PlanStep> => {
  const call = callArbitrary(clock);
  const common = {
    condition: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
    // Raw indexes; `planArbitrary` keeps only those of earlier steps.
    needs: fc.uniqueArray(fc.nat({ max: 4 }), { maxLength: 2 }),
  };
  const virtualOnly =
    clock === 'virtual'
      ? [
          {
            weight: 1,
            arbitrary: fc.record({
              ...common,
              kind: fc.constant('wait' as const),
              seconds: fc.integer({ min: 1, max: 5 }),
              timeoutMs: fc.option(halfSecondTimeout, { nil: undefined }),
              continueOnError: fc.boolean(),
            }),
          },
        ]
      : [];
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        {
          ...common,
          kind: fc.constant('call' as const),
          call,
          continueOnError: fc.boolean(),
          ...(clock === 'virtual'
            ? { timeoutMs: fc.option(halfSecondTimeout, { nil: undefined, freq: 3 }) }
            : {}),
        },
        { requiredKeys: ['condition', 'needs', 'kind', 'call', 'continueOnError'] },
      ),
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
        branches: fc.array(call, { minLength: 2, maxLength: 3 }),
        continueOnError: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ ...common, kind: fc.constant('try' as const), body: call }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        ...common,
        kind: fc.constant('if' as const),
        source: sourceArbitrary,
        test: fc.constantFrom<IfTest>('truthy', 'not', 'above', 'equals'),
        value: fc.boolean(),
        whenTrue: call,
        whenFalse: fc.option(call, { nil: undefined }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        ...common,
        kind: fc.constant('switch' as const),
        source: sourceArbitrary,
        value: fc.constantFrom('a' as const, 'b' as const, 'c' as const),
        cases: fc.record({ a: call, b: call }, { requiredKeys: ['a'] }),
        default: fc.option(call, { nil: undefined }),
      }),
    },
    ...virtualOnly,
  ) as fc.Arbitrary<PlanStep>;
};

/** Keeps a `step` source only when it names an earlier call step (else: an input). */
function normaliseSource(source: PlanSource, index: number, steps: readonly PlanStep[]): PlanSource {
  if (source.from === 'step' && source.step < index && steps[source.step]?.kind === 'call') return source;
  return { from: 'input' };
}

const plansOf = (clock: 'virtual' | 'real'): fc.Arbitrary<Plan> =>
  fc
    .record({
      strategy: fc.constantFrom('sequential' as const, 'dag' as const),
      steps: fc.array(stepArbitrary(clock), { minLength: 1, maxLength: 5 }),
    })
    .map(({ strategy, steps }) => ({
      clock,
      strategy,
      steps: steps.map((step, index): PlanStep => {
        let needs = strategy === 'dag' ? step.needs.filter((need) => need < index) : [];
        if (step.kind === 'if' || step.kind === 'switch') {
          const source = normaliseSource(step.source, index, steps);
          // A DAG step reads an earlier output only after that step ended.
          if (strategy === 'dag' && source.from === 'step' && !needs.includes(source.step)) {
            needs = [...needs, source.step];
          }
          // On an `if`, `condition` is the branch test: it has no step-level condition.
          return { ...step, source, needs, ...(step.kind === 'if' ? { condition: undefined } : {}) };
        }
        return { ...step, needs };
      }),
    }));

/**
 * Workflows of 1–5 top-level steps, sequential or a DAG over earlier steps. Built from a plain
 * array (not a chain) so that fast-check shrinks a failure by dropping steps and simplifying each.
 * A target with a virtual clock gets mostly virtual-time plans (waits, backoff policies, step
 * timeouts) and some real-time ones (slow routes against a handler timeout); one without gets
 * only the latter.
 */
export const planArbitraryFor = (virtualTime: boolean): fc.Arbitrary<Plan> =>
  virtualTime
    ? fc.oneof({ weight: 3, arbitrary: plansOf('virtual') }, { weight: 1, arbitrary: plansOf('real') })
    : plansOf('real');

/** The plans a target with a virtual clock is tested with. */
export const planArbitrary: fc.Arbitrary<Plan> = planArbitraryFor(true);

// ---------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------

export interface ModelStep {
  /** `absent`: never started (a dependency failed). */
  readonly status: 'success' | 'failed' | 'skipped' | 'absent';
  readonly attempts?: number;
  /** The error code of a failed step, where the model knows it. */
  readonly code?: string;
  /** The branch an `if` took, the case a `switch` matched. */
  readonly branch?: string;
  /** Virtual plans: the instant (ms after the run started) the step ended. */
  readonly endMs?: number;
}

export interface ModelOutcome {
  readonly status: 'success' | 'failed';
  readonly steps: readonly ModelStep[];
  /** Calls per route, every route of the plan listed. */
  readonly calls: Readonly<Record<string, number>>;
  /** Real-time plans: calls per slow route cut short by the handler timeout. */
  readonly aborted?: Readonly<Record<string, number>>;
}

/** What one call does: attempts made, whether it succeeded, its last error, its virtual duration. */
export interface CallOutcome {
  readonly attempts: number;
  readonly ok: boolean;
  readonly code?: string;
  readonly durationMs: number;
  /** Delay announced after attempt n (index n − 1) for every retry that was scheduled. */
  readonly delays: readonly number[];
  readonly aborted: number;
}

/** The backoff before attempt n + 1 (spec/execution.md, "Retries"); virtual plans only. */
export function backoffMs(call: PlanCall, n: number): number {
  const initial = (call.initialSeconds ?? 1) * 1000;
  const cap = call.maxDelaySeconds === undefined ? Number.POSITIVE_INFINITY : call.maxDelaySeconds * 1000;
  switch (call.backoff ?? 'fixed') {
    case 'fixed':
      return Math.min(initial, cap);
    case 'linear':
      return Math.min(initial * n, cap);
    case 'exponential':
      return Math.min(initial * 2 ** (n - 1), cap);
  }
}

/** A call under a plan's clock, optionally under a total step timeout (virtual only). */
export function callOutcome(call: PlanCall, clock: 'virtual' | 'real', timeoutMs?: number): CallOutcome {
  const slow = clock === 'real' ? (call.slow ?? 0) : 0;
  const planned = Math.min(slow + call.failures + 1, call.maxAttempts);
  const ok = slow + call.failures < call.maxAttempts;
  const codeOf = (attempt: number) => (attempt <= slow ? 'TIMEOUT' : 'UNAVAILABLE');
  if (clock === 'real') {
    return {
      attempts: planned,
      ok,
      ...(ok ? {} : { code: codeOf(planned) }),
      durationMs: 0,
      delays: [],
      aborted: Math.min(slow, planned),
    };
  }
  // Handler calls take no virtual time; only backoff moves the clock. Under a step timeout a
  // retry is scheduled only if it is due before the deadline; otherwise the step fails at once
  // with the attempt's own error (spec/execution.md, "Timeouts").
  let at = 0;
  let attempts = 1;
  const delays: number[] = [];
  while (attempts < planned) {
    const delay = backoffMs(call, attempts);
    if (timeoutMs !== undefined && at + delay >= timeoutMs) break;
    delays.push(delay);
    at += delay;
    attempts += 1;
  }
  const succeeded = ok && attempts === planned;
  return {
    attempts,
    ok: succeeded,
    ...(succeeded ? {} : { code: 'UNAVAILABLE' }),
    durationMs: at,
    delays,
    aborted: 0,
  };
}

/** Route names, in the same order the case builder uses. */
function routesOf(step: PlanStep, index: number): string[] {
  switch (step.kind) {
    case 'call':
    case 'forEach':
      return [`s${index}`];
    case 'parallel':
      return step.branches.map((_, b) => `s${index}b${b}`);
    case 'try':
      return [`s${index}`, `s${index}catch`];
    case 'if':
      return [`s${index}then`, ...(step.whenFalse ? [`s${index}else`] : [])];
    case 'switch':
      return [
        `s${index}a`,
        ...(step.cases.b ? [`s${index}b`] : []),
        ...(step.default ? [`s${index}default`] : []),
      ];
    case 'wait':
      return [];
  }
}

/** The branch a `switch` runs: the matching case, else `default`, else none. */
function switchBranch(step: Extract<PlanStep, { kind: 'switch' }>, value: string | undefined) {
  if (value === 'a') return { key: 'a', call: step.cases.a, route: 'a' };
  if (value === 'b' && step.cases.b) return { key: 'b', call: step.cases.b, route: 'b' };
  if (step.default) return { key: 'default', call: step.default, route: 'default' };
  return undefined;
}

const continues = (step: PlanStep) =>
  (step.kind === 'call' || step.kind === 'parallel' || step.kind === 'wait') && step.continueOnError;

/** What spec/execution.md says must happen, computed without running anything. */
export function model(plan: Plan): ModelOutcome {
  const clock = plan.clock ?? 'real';
  const calls: Record<string, number> = {};
  const aborted: Record<string, number> = {};
  const steps: ModelStep[] = [];
  /** A step "blocks" its dependents when it failed without continue_on_error, or never ran. */
  const blocks: boolean[] = [];
  const ends: number[] = [];
  plan.steps.forEach((step, index) => {
    const id = `s${index}`;
    for (const route of routesOf(step, index)) calls[route] = 0;
    const needs = plan.strategy === 'sequential' ? (index > 0 ? [index - 1] : []) : step.needs;
    const start = Math.max(0, ...needs.map((need) => ends[need] ?? 0));
    const record = (outcome: ModelStep, durationMs: number, block: boolean) => {
      ends.push(start + durationMs);
      blocks.push(block);
      steps.push(
        clock === 'virtual' && outcome.status !== 'absent'
          ? { ...outcome, endMs: start + durationMs }
          : outcome,
      );
    };
    const count = (route: string, outcome: CallOutcome) => {
      calls[route] = outcome.attempts;
      if (outcome.aborted > 0) aborted[route] = outcome.aborted;
    };
    if (needs.some((need) => blocks[need])) {
      record({ status: 'absent' }, 0, true);
      return;
    }
    if (step.condition === false) {
      record({ status: 'skipped', attempts: 0 }, 0, false);
      return;
    }
    switch (step.kind) {
      case 'call': {
        const outcome = callOutcome(step.call, clock, step.timeoutMs);
        count(id, outcome);
        record(
          {
            status: outcome.ok ? 'success' : 'failed',
            attempts: outcome.attempts,
            ...(outcome.code ? { code: outcome.code } : {}),
          },
          outcome.durationMs,
          !outcome.ok && !step.continueOnError,
        );
        return;
      }
      case 'forEach':
        calls[id] = step.items;
        record({ status: 'success' }, 0, false);
        return;
      case 'parallel': {
        const outcomes = step.branches.map((branch) => callOutcome(branch, clock));
        outcomes.forEach((outcome, b) => {
          count(`${id}b${b}`, outcome);
        });
        const ok = outcomes.every((outcome) => outcome.ok);
        record(
          { status: ok ? 'success' : 'failed' },
          Math.max(...outcomes.map((outcome) => outcome.durationMs)),
          !ok && !step.continueOnError,
        );
        return;
      }
      case 'try': {
        const outcome = callOutcome(step.body, clock);
        count(id, outcome);
        calls[`${id}catch`] = outcome.ok ? 0 : 1;
        record({ status: 'success' }, outcome.durationMs, false);
        return;
      }
      case 'if':
      case 'switch': {
        // A step source reads the echoed value only when that step succeeded.
        const readable = step.source.from === 'input' || steps[step.source.step]?.status === 'success';
        const branch =
          step.kind === 'if'
            ? (readable ? step.value : step.test === 'not')
              ? { key: 'then', call: step.whenTrue, route: 'then' }
              : step.whenFalse
                ? { key: 'else', call: step.whenFalse, route: 'else' }
                : { key: 'else', call: undefined, route: '' }
            : switchBranch(step, readable ? step.value : undefined);
        const outcome = branch?.call ? callOutcome(branch.call, clock) : undefined;
        if (branch?.call && outcome) count(`${id}${branch.route}`, outcome);
        const ok = outcome === undefined || outcome.ok;
        record(
          {
            status: ok ? 'success' : 'failed',
            ...(outcome?.code ? { code: outcome.code } : {}),
            ...(branch ? { branch: branch.key } : {}),
          },
          outcome?.durationMs ?? 0,
          !ok,
        );
        return;
      }
      case 'wait': {
        const timedOut = step.timeoutMs !== undefined && step.timeoutMs < step.seconds * 1000;
        record(
          { status: timedOut ? 'failed' : 'success', ...(timedOut ? { code: 'TIMEOUT' } : {}) },
          timedOut ? step.timeoutMs! : step.seconds * 1000,
          timedOut && !step.continueOnError,
        );
      }
    }
  });
  const failed = plan.steps.some((step, index) => steps[index]!.status === 'failed' && !continues(step));
  return {
    status: failed ? 'failed' : 'success',
    steps,
    calls,
    ...(Object.keys(aborted).length > 0 ? { aborted } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Plan → case
// ---------------------------------------------------------------------------------------------

function replies(call: PlanCall, clock: 'virtual' | 'real'): JsonObject {
  const slow = clock === 'real' ? (call.slow ?? 0) : 0;
  const late = { echo: {}, delayMs: SLOW_REPLY_MS };
  const fail = { fail: { status: 503, message: 'busy' }, delayMs: call.delayMs };
  const echo = { echo: {}, delayMs: call.delayMs };
  return {
    sequence: [
      ...Array.from({ length: slow }, () => late),
      ...Array.from({ length: call.failures }, () => fail),
      echo,
    ],
  };
}

function retryOf(call: PlanCall, clock: 'virtual' | 'real'): JsonObject {
  if (call.maxAttempts <= 1) return {};
  return clock === 'virtual'
    ? {
        retry: {
          maxAttempts: call.maxAttempts,
          backoff: call.backoff ?? 'fixed',
          initialDelay: `${call.initialSeconds ?? 1}s`,
          ...(call.maxDelaySeconds !== undefined ? { maxDelay: `${call.maxDelaySeconds}s` } : {}),
        },
      }
    : { retry: { maxAttempts: call.maxAttempts, backoff: 'fixed', initialDelay: '10ms' } };
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
  const clock = plan.clock ?? 'real';
  const expected = model(plan);
  const behaviour: JsonObject = {};
  const slowRoutes = new Set<string>();
  const inputs: JsonObject = {};
  /** Values an `if`/`switch` reads from an earlier call's echoed output, by call index. */
  const echoed: Record<number, JsonObject> = {};
  const datumOf = (step: PlanStep) =>
    step.kind === 'if' ? ifDatum(step.test, step.value).datum : step.kind === 'switch' ? step.value : null;
  plan.steps.forEach((step, index) => {
    if ((step.kind === 'if' || step.kind === 'switch') && step.source.from === 'step') {
      echoed[step.source.step] = { ...echoed[step.source.step], [`v${index}`]: datumOf(step) };
    }
  });
  const route = (name: string, call: PlanCall) => {
    behaviour[name] = replies(call, clock);
    if (clock === 'real' && (call.slow ?? 0) > 0) slowRoutes.add(name);
  };
  const branchCall = (stepId: string, suffix: string, call: PlanCall) => {
    route(`${stepId}${suffix}`, call);
    return [action(`${stepId}${suffix}call`, `${stepId}${suffix}`, retryOf(call, clock))];
  };
  const steps = plan.steps.map((step, index): JsonObject => {
    const stepId = `s${index}`;
    const keys: JsonObject = {};
    if (step.condition !== undefined) {
      inputs[`c${index}`] = step.condition;
      keys.condition = `{{ inputs.c${index} }}`;
    }
    if (plan.strategy === 'dag' && step.needs.length > 0) keys.needs = step.needs.map((need) => `s${need}`);
    /** The expression reading this step's datum (an input, or an earlier call's echoed output). */
    const read = (source: PlanSource, datum: JsonObject[string]) => {
      if (source.from === 'step') return `steps.s${source.step}.output.v${index}`;
      inputs[`v${index}`] = datum;
      return `inputs.v${index}`;
    };
    switch (step.kind) {
      case 'call': {
        route(stepId, step.call);
        const made = action(stepId, stepId, {
          ...keys,
          ...retryOf(step.call, clock),
          ...(step.continueOnError ? { continue_on_error: true } : {}),
          ...(step.timeoutMs !== undefined ? { timeout: `${step.timeoutMs}ms` } : {}),
        });
        return echoed[index] ? { ...made, input: { step: stepId, ...echoed[index] } } : made;
      }
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
          const name = `${stepId}b${b}`;
          route(name, branch);
          branches[`b${b}`] = [action(name, name, retryOf(branch, clock))];
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
        route(stepId, step.body);
        behaviour[`${stepId}catch`] = 'echo';
        return {
          id: stepId,
          type: 'try',
          ...keys,
          steps: [action(`${stepId}body`, stepId, retryOf(step.body, clock))],
          catch: [action(`${stepId}handler`, `${stepId}catch`)],
        };
      case 'if':
        return {
          id: stepId,
          type: 'if',
          ...keys,
          condition: ifDatum(step.test, step.value).condition(read(step.source, datumOf(step))),
          // biome-ignore lint/suspicious/noThenProperty: `then` is the workflow format's key
          then: branchCall(stepId, 'then', step.whenTrue),
          ...(step.whenFalse ? { else: branchCall(stepId, 'else', step.whenFalse) } : {}),
        };
      case 'switch': {
        const cases: JsonObject = {};
        cases.a = branchCall(stepId, 'a', step.cases.a);
        if (step.cases.b) cases.b = branchCall(stepId, 'b', step.cases.b);
        return {
          id: stepId,
          type: 'switch',
          ...keys,
          value: `{{ ${read(step.source, step.value)} }}`,
          cases,
          ...(step.default ? { default: branchCall(stepId, 'default', step.default) } : {}),
        };
      }
      case 'wait':
        return {
          id: stepId,
          type: 'wait',
          ...keys,
          duration: `${step.seconds}s`,
          ...(step.timeoutMs !== undefined ? { timeout: `${step.timeoutMs}ms` } : {}),
          ...(step.continueOnError ? { continue_on_error: true } : {}),
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
    actions: routes.map((name) => ({
      name,
      description: `Calls the ${name} route`,
      handler: {
        http: {
          url: `@@BEHAVIOUR@@/${name}`,
          method: 'POST',
          ...(slowRoutes.has(name) ? { timeout: `${SLOW_TIMEOUT_MS}ms` } : {}),
        },
      },
    })),
  };
  const workflow = { name: 'Generated', strategy: plan.strategy, steps };
  const expectSteps: JsonObject = {};
  const delays: JsonObject[] = [];
  const retrying: JsonObject[] = [];
  expected.steps.forEach((step, index) => {
    const stepId = `s${index}`;
    const planned = plan.steps[index]!;
    if (step.status === 'absent') {
      expectSteps[stepId] = { $absent: true };
      return;
    }
    expectSteps[stepId] = {
      status: step.status,
      ...(step.attempts !== undefined ? { attempts: step.attempts } : {}),
      ...(step.code !== undefined ? { error: { code: step.code } } : {}),
      ...(step.branch !== undefined && step.status === 'success'
        ? { output: { $partial: planned.kind === 'if' ? { branch: step.branch } : { case: step.branch } } }
        : {}),
    };
    if (step.endMs !== undefined && step.status !== 'skipped') {
      delays.push({
        from: { type: 'run.started' },
        to: { type: step.status === 'success' ? 'step.completed' : 'step.failed', stepId },
        ms: step.endMs,
      });
    }
    if (clock === 'virtual' && planned.kind === 'call' && step.status !== 'skipped') {
      callOutcome(planned.call, clock, planned.timeoutMs).delays.forEach((delayMs, n) => {
        retrying.push({ type: 'step.retrying', stepId, attempt: n + 1, data: { delayMs } });
      });
    }
  });
  const events: JsonObject = {
    ...(delays.length > 0 ? { delays } : {}),
    ...(retrying.length > 0 ? { contains: retrying } : {}),
  };
  return {
    id,
    requirement: 'OW-LOGIC-900',
    title: 'A generated workflow does what the reference model computes',
    spec: [
      'spec/execution.md#failure',
      'spec/execution.md#retries',
      'spec/execution.md#timeouts',
      'spec/conformance.md#property-tests',
    ],
    clock: clock === 'virtual' ? 'virtual' : slowRoutes.size > 0 ? 'real' : 'prefer-virtual',
    behaviour,
    documents: [
      // A connector needs an action: a plan of waits only has none.
      ...(routes.length > 0
        ? [
            {
              name: 'connector.yaml',
              content: stringify(connector, { lineWidth: 0, aliasDuplicateObjects: false }),
            },
          ]
        : []),
      {
        name: 'workflows.yaml',
        content: stringify({ workflows: [workflow] }, { lineWidth: 0, aliasDuplicateObjects: false }),
      },
    ],
    run: { workflow: 'Generated', inputs },
    expect: {
      status: expected.status,
      steps: expectSteps,
      ...(Object.keys(events).length > 0 ? { events } : {}),
      behaviour: { calls: expected.calls, ...(expected.aborted ? { aborted: expected.aborted } : {}) },
    },
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
  const result = await fc.check(
    fc.asyncProperty(planArbitraryFor(options.hello.capabilities.virtualTime === true), check),
    {
      seed,
      numRuns: runs,
      endOnFailure: false,
    },
  );
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

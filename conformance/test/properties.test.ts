import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type Backoff,
  callOutcome,
  model,
  type Plan,
  type PlanCall,
  type PlanStep,
  planArbitraryFor,
  planCase,
} from '../src/properties.js';
import type { SuiteReport } from '../src/report.js';
import { PYTHON_MINIMAL, REFERENCE_DRIVER, runCli, ZOO_DIRECTORY } from './helpers.js';

const call = (failures: number, maxAttempts = 1): PlanCall => ({ failures, maxAttempts, delayMs: 0 });
const BROKEN = `node ${join(ZOO_DIRECTORY, 'proxy.mjs')} skips-retries`;

/** One case (the suite needs something to select) plus `runs` generated workflows. */
function withProperties(target: string, runs: number, seed: number, reporter: 'json' | 'table' = 'json') {
  return runCli([
    '--target',
    `cmd:${target}`,
    '--filter',
    'minimal/single-action-step',
    '--properties',
    String(runs),
    '--reporter',
    reporter,
    '--seed',
    String(seed),
    '--quiet-target',
  ]);
}

describe('the reference model of the property tests', () => {
  it('halts a sequence at the first failure that does not continue', () => {
    const plan: Plan = {
      strategy: 'sequential',
      steps: [
        { kind: 'call', call: call(1, 2), continueOnError: false, condition: undefined, needs: [] },
        { kind: 'call', call: call(1), continueOnError: true, condition: undefined, needs: [] },
        { kind: 'call', call: call(2), continueOnError: false, condition: false, needs: [] },
        { kind: 'call', call: call(3, 3), continueOnError: false, condition: undefined, needs: [] },
        { kind: 'forEach', items: 2, delayMs: 0, condition: undefined, needs: [] },
      ],
    };
    expect(model(plan)).toEqual({
      status: 'failed',
      steps: [
        { status: 'success', attempts: 2 },
        { status: 'failed', attempts: 1, code: 'UNAVAILABLE' },
        { status: 'skipped', attempts: 0 },
        { status: 'failed', attempts: 3, code: 'UNAVAILABLE' },
        { status: 'absent' },
      ],
      calls: { s0: 2, s1: 1, s2: 0, s3: 3, s4: 0 },
    });
  });

  it('lets independent DAG steps run past a failure; try catches; parallel waits for every branch', () => {
    const plan: Plan = {
      strategy: 'dag',
      steps: [
        {
          kind: 'parallel',
          branches: [call(0), call(1)],
          continueOnError: false,
          condition: undefined,
          needs: [],
        },
        { kind: 'call', call: call(0), continueOnError: false, condition: undefined, needs: [0] },
        { kind: 'try', body: call(2, 2), condition: undefined, needs: [] },
      ],
    };
    expect(model(plan)).toEqual({
      status: 'failed',
      steps: [{ status: 'failed' }, { status: 'absent' }, { status: 'success' }],
      calls: { s0b0: 1, s0b1: 1, s1: 0, s2: 2, s2catch: 1 },
    });
  });
});

describe('the reference model on a virtual clock', () => {
  const timed = (failures: number, maxAttempts: number, backoff: Backoff, initialSeconds = 1): PlanCall => ({
    failures,
    maxAttempts,
    delayMs: 0,
    backoff,
    initialSeconds,
  });
  const step = (extra: Partial<PlanStep> & Pick<PlanStep, 'kind'>): PlanStep =>
    ({ condition: undefined, needs: [], continueOnError: false, ...extra }) as PlanStep;

  it('times retries by their backoff policy and stops retrying before a step deadline', () => {
    expect(callOutcome(timed(3, 4, 'exponential', 2), 'virtual')).toMatchObject({
      attempts: 4,
      ok: true,
      durationMs: 2000 + 4000 + 8000,
      delays: [2000, 4000, 8000],
    });
    expect(callOutcome(timed(2, 3, 'linear'), 'virtual').delays).toEqual([1000, 2000]);
    expect(callOutcome({ ...timed(3, 4, 'exponential'), maxDelaySeconds: 3 }, 'virtual').delays).toEqual([
      1000, 2000, 3000,
    ]);
    // Due at 1 s and 3 s; a 2.5 s deadline lets the second retry never be scheduled.
    expect(callOutcome(timed(2, 3, 'linear'), 'virtual', 2500)).toEqual({
      attempts: 2,
      ok: false,
      code: 'UNAVAILABLE',
      durationMs: 1000,
      delays: [1000],
      aborted: 0,
    });
  });

  it('counts slow attempts cut short by a handler timeout in real time', () => {
    expect(callOutcome({ failures: 1, maxAttempts: 3, delayMs: 0, slow: 1 }, 'real')).toMatchObject({
      attempts: 3,
      ok: true,
      aborted: 1,
    });
    expect(callOutcome({ failures: 0, maxAttempts: 2, delayMs: 0, slow: 2 }, 'real')).toMatchObject({
      attempts: 2,
      ok: false,
      code: 'TIMEOUT',
      aborted: 2,
    });
  });

  it('ends each step at the instant its dependencies, waits and backoff imply', () => {
    const plan: Plan = {
      clock: 'virtual',
      strategy: 'dag',
      steps: [
        step({ kind: 'wait', seconds: 3, timeoutMs: undefined }),
        step({ kind: 'call', call: timed(1, 2, 'fixed', 2) }),
        step({ kind: 'wait', seconds: 5, timeoutMs: 1500, continueOnError: true, needs: [0, 1] }),
        step({
          kind: 'if',
          test: 'truthy',
          source: { from: 'step', step: 1 },
          value: false,
          whenTrue: timed(0, 1, 'fixed'),
          whenFalse: timed(1, 2, 'linear'),
          needs: [1],
        }),
        step({
          kind: 'switch',
          source: { from: 'input' },
          value: 'c',
          cases: { a: timed(0, 1, 'fixed') },
          default: undefined,
          needs: [2],
        }),
      ],
    };
    expect(model(plan)).toEqual({
      status: 'success',
      steps: [
        { status: 'success', endMs: 3000 },
        { status: 'success', attempts: 2, endMs: 2000 },
        { status: 'failed', code: 'TIMEOUT', endMs: 4500 },
        { status: 'success', branch: 'else', endMs: 3000 },
        { status: 'success', endMs: 4500 },
      ],
      calls: { s1: 2, s3then: 0, s3else: 2, s4a: 0 },
    });
  });

  it('reads an if condition from an earlier step only when that step succeeded', () => {
    const plan: Plan = {
      clock: 'virtual',
      strategy: 'sequential',
      steps: [
        step({ kind: 'call', call: timed(1, 1, 'fixed'), continueOnError: true }),
        step({
          kind: 'if',
          test: 'truthy',
          source: { from: 'step', step: 0 },
          value: true,
          whenTrue: timed(0, 1, 'fixed'),
          whenFalse: undefined,
        }),
      ],
    };
    expect(model(plan).steps[1]).toEqual({ status: 'success', branch: 'else', endMs: 0 });
    expect(model(plan).calls).toEqual({ s0: 1, s1then: 0 });
    // `not <missing>` is true: the negated test takes `then`.
    const negated: Plan = {
      ...plan,
      steps: [plan.steps[0]!, { ...plan.steps[1]!, test: 'not' } as PlanStep],
    };
    expect(model(negated).steps[1]).toEqual({ status: 'success', branch: 'then', endMs: 0 });
  });
});

describe('the generator', () => {
  it('is a pure function of the seed and reaches every new construct', () => {
    const sample = (seed: number) => fc.sample(planArbitraryFor(true), { seed, numRuns: 300 });
    const plans = sample(9);
    expect(JSON.stringify(sample(9))).toBe(JSON.stringify(plans));
    const steps = plans.flatMap((plan) => plan.steps.map((s) => ({ plan, step: s })));
    const seen = (predicate: (entry: { plan: Plan; step: PlanStep }) => boolean) =>
      steps.filter(predicate).length;
    expect(
      seen(({ step: s }) => s.kind === 'wait' && s.timeoutMs !== undefined && s.timeoutMs < s.seconds * 1000),
    ).toBeGreaterThan(0);
    expect(seen(({ step: s }) => s.kind === 'if' && s.source.from === 'step')).toBeGreaterThan(0);
    expect(seen(({ step: s }) => s.kind === 'switch' && s.source.from === 'step')).toBeGreaterThan(0);
    expect(
      seen(({ step: s }) => s.kind === 'call' && s.call.backoff === 'exponential' && s.call.failures > 0),
    ).toBeGreaterThan(0);
    expect(
      seen(({ plan, step: s }) => s.kind === 'call' && plan.clock === 'real' && (s.call.slow ?? 0) > 0),
    ).toBeGreaterThan(0);
    expect(
      seen(
        ({ plan, step: s }) =>
          s.kind === 'call' &&
          plan.clock === 'virtual' &&
          callOutcome(s.call, 'virtual', s.timeoutMs).attempts < callOutcome(s.call, 'virtual').attempts,
      ),
    ).toBeGreaterThan(0);
    expect(
      seen(
        ({ step: s }) => s.kind === 'call' && s.call.maxDelaySeconds !== undefined && s.call.failures >= 2,
      ),
    ).toBeGreaterThan(0);
    // Branches reading a step that failed (continued) or was skipped: its datum is missing.
    const unreadable = plans.filter((plan) => {
      const outcome = model(plan).steps;
      return plan.steps.some(
        (s, i) =>
          (s.kind === 'if' || s.kind === 'switch') &&
          s.source.from === 'step' &&
          outcome[i]!.status !== 'absent' &&
          outcome[s.source.step]!.status !== 'success',
      );
    });
    expect(unreadable.length).toBeGreaterThan(0);
    expect(seen(({ step: s }) => s.kind === 'if' && s.test === 'not')).toBeGreaterThan(0);
    // A target without a virtual clock only gets real-time plans.
    expect(
      fc.sample(planArbitraryFor(false), { seed: 9, numRuns: 50 }).every((plan) => plan.clock === 'real'),
    ).toBe(true);
  });

  it('turns a plan into a virtual-clock case that asserts when each step ends', () => {
    const generated = planCase({
      clock: 'virtual',
      strategy: 'sequential',
      steps: [
        {
          kind: 'wait',
          seconds: 2,
          timeoutMs: undefined,
          continueOnError: false,
          condition: undefined,
          needs: [],
        },
      ],
    });
    expect(generated).toMatchObject({
      clock: 'virtual',
      expect: {
        status: 'success',
        events: {
          delays: [{ from: { type: 'run.started' }, to: { type: 'step.completed', stepId: 's0' }, ms: 2000 }],
        },
      },
    });
  });
});

describe('property tests against a target', () => {
  it('pass against the reference driver', async () => {
    // 200 generated workflows: waits, if/switch, backoff policies and step timeouts on the
    // virtual clock, slow routes against a handler timeout in real time.
    const run = await withProperties(REFERENCE_DRIVER, 200, 21);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(report.properties).toMatchObject({ status: 'pass', runs: 200, seed: 21 });
    expect(report.properties!.executed).toBe(200);
    expect(run.code).toBe(0);
  }, 120_000);

  it('are inapplicable to a target that does not claim core, logic and errors', async () => {
    const run = await runCli([
      '--target',
      `cmd:${PYTHON_MINIMAL}`,
      '--properties',
      '5',
      '--reporter',
      'json',
      '--seed',
      '3',
    ]);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(report.properties).toMatchObject({ status: 'inapplicable', executed: 0 });
    expect(run.code).toBe(0);
  });

  it('catch a runtime that skips retries, shrink the counterexample, and print a case that replays it', async () => {
    const run = await withProperties(BROKEN, 60, 4);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(run.code).toBe(1);
    const properties = report.properties!;
    expect(properties.status).toBe('fail');
    expect(properties.replay).toBe('--seed 4 --properties 60');
    expect(properties.failures!.map((f) => f.requirement)).toContain('OW-LOGIC-900');
    // Shrunk: a single workflow of at most two steps, one of them retried.
    const counterexample = parse(properties.counterexample!) as {
      documents: { name: string; content: string }[];
    };
    const workflows = parse(counterexample.documents.find((d) => d.name === 'workflows.yaml')!.content) as {
      workflows: { steps: unknown[] }[];
    };
    expect(workflows.workflows[0]!.steps.length).toBeLessThanOrEqual(2);
    expect(properties.counterexample).toContain('maxAttempts');

    // The counterexample is an ordinary case: it fails the broken runtime and passes the reference.
    const directory = mkdtempSync(join(tmpdir(), 'owc-counterexample-'));
    mkdirSync(join(directory, 'logic'));
    writeFileSync(join(directory, 'logic', 'generated-workflow.yaml'), properties.counterexample!);
    const replay = (target: string) =>
      runCli([
        '--target',
        `cmd:${target}`,
        '--cases',
        directory,
        '--filter',
        'logic/generated-workflow',
        '--seed',
        '4',
        '--quiet-target',
      ]);
    expect((await replay(BROKEN)).code).toBe(1);
    expect((await replay(REFERENCE_DRIVER)).code).toBe(0);
  });

  it.each([
    ['ignores-if-condition', /type: if/],
    ['late-timeouts', /timeout: \d+ms/],
    ['fixed-backoff-only', /backoff: (linear|exponential)/],
  ])('catch a runtime that %s with a shrunk counterexample that replays', async (mutation, construct) => {
    const broken = `node ${join(ZOO_DIRECTORY, 'proxy.mjs')} ${mutation}`;
    const run = await withProperties(broken, 100, 7);
    expect(run.code).toBe(1);
    const properties = (JSON.parse(run.stdout) as SuiteReport).properties!;
    expect(properties).toMatchObject({ status: 'fail', replay: '--seed 7 --properties 100' });
    expect(properties.failures!.map((f) => f.requirement)).toContain('OW-LOGIC-900');
    const counterexample = parse(properties.counterexample!) as {
      documents: { name: string; content: string }[];
    };
    const workflows = parse(counterexample.documents.find((d) => d.name === 'workflows.yaml')!.content) as {
      workflows: { steps: unknown[] }[];
    };
    expect(workflows.workflows[0]!.steps.length).toBeLessThanOrEqual(2);
    expect(properties.counterexample).toMatch(construct);

    const directory = mkdtempSync(join(tmpdir(), 'owc-counterexample-'));
    mkdirSync(join(directory, 'logic'));
    writeFileSync(join(directory, 'logic', 'generated-workflow.yaml'), properties.counterexample!);
    const replay = (target: string) =>
      runCli([
        '--target',
        `cmd:${target}`,
        '--cases',
        directory,
        '--filter',
        'logic/generated-workflow',
        '--seed',
        '7',
        '--quiet-target',
      ]);
    expect((await replay(broken)).code).toBe(1);
    expect((await replay(REFERENCE_DRIVER)).code).toBe(0);
  });

  it('print the counterexample and the replay flags in the table report', async () => {
    const run = await withProperties(BROKEN, 60, 4, 'table');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL properties: a generated workflow did not do what the model computes');
    expect(run.stdout).toContain('replay: --seed 4 --properties 60');
    expect(run.stdout).toMatch(/counterexample \(a case file/);
    expect(run.stdout).toMatch(/FAIL: 0 case\(s\) failed, a property test failed/);
  });
});

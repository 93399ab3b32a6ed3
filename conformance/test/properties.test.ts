import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { model, type Plan, type PlanCall } from '../src/properties.js';
import type { SuiteReport } from '../src/report.js';
import { PYTHON_MINIMAL, REFERENCE_DRIVER, runCli, ZOO_DIRECTORY } from './helpers.js';

const call = (failures: number, maxAttempts = 1): PlanCall => ({ failures, maxAttempts, delayMs: 0 });
const BROKEN = `node ${join(ZOO_DIRECTORY, 'proxy.mjs')} skips-retries`;

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
        { status: 'failed', attempts: 1 },
        { status: 'skipped', attempts: 0 },
        { status: 'failed', attempts: 3 },
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

describe('property tests against a target', () => {
  it('pass against the reference driver', async () => {
    const run = await runCli([
      '--target',
      `cmd:${REFERENCE_DRIVER}`,
      '--filter',
      'minimal/single-action-step',
      '--properties',
      '30',
      '--reporter',
      'json',
      '--seed',
      '21',
    ]);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(report.properties).toMatchObject({ status: 'pass', runs: 30, seed: 21 });
    expect(report.properties!.executed).toBe(30);
    expect(run.code).toBe(0);
  });

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
    const run = await runCli([
      '--target',
      `cmd:${BROKEN}`,
      '--filter',
      'minimal/single-action-step',
      '--properties',
      '60',
      '--reporter',
      'json',
      '--seed',
      '4',
      '--quiet-target',
    ]);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(run.code).toBe(1);
    const properties = report.properties!;
    expect(properties.status).toBe('fail');
    expect(properties.replay).toBe('--seed 4 --properties 60');
    expect(properties.failures!.map((f) => f.requirement)).toContain('OW-LOGIC-900');
    // Shrunk: a single workflow of at most two steps, one of them retried.
    const counterexample = parse(properties.counterexample!) as { documents: { content: string }[] };
    const workflows = parse(counterexample.documents[1]!.content) as { workflows: { steps: unknown[] }[] };
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

  it('print the counterexample and the replay flags in the table report', async () => {
    const run = await runCli([
      '--target',
      `cmd:${BROKEN}`,
      '--filter',
      'minimal/single-action-step',
      '--properties',
      '60',
      '--seed',
      '4',
      '--quiet-target',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL properties: a generated workflow did not do what the model computes');
    expect(run.stdout).toContain('replay: --seed 4 --properties 60');
    expect(run.stdout).toMatch(/counterexample \(a case file/);
    expect(run.stdout).toMatch(/FAIL: 0 case\(s\) failed, a property test failed/);
  });
});

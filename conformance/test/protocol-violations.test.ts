import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '../src/report.js';
import { runFixtures } from './helpers.js';

const ONE_CASE = ['--filter', 'alpha/echo-inputs'];

describe('a target that breaks the protocol', () => {
  it('cannot start when its first line is not JSON (exit 2, with the line quoted)', async () => {
    const run = await runFixtures('garbage-hello', ONE_CASE);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('wrote a line that is not JSON: "Starting my runtime v1.0..."');
  });

  it('cannot start when it exits at once (exit 2, with its exit code)', async () => {
    const run = await runFixtures('exit-at-once', ONE_CASE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exited with code 3/);
  });

  it('cannot start when it speaks another protocol version', async () => {
    const run = await runFixtures('wrong-protocol', ONE_CASE);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'speaks openworkflow-conformance/9; this suite speaks openworkflow-conformance/1',
    );
  });

  it('cannot start when it never answers hello', async () => {
    const run = await runFixtures('silent', [...ONE_CASE, '--timeout-scale', '0.05']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/did not answer hello within 750 ms/);
  });

  it('cannot start with an invalid hello', async () => {
    const run = await runFixtures('ok', ONE_CASE, { capabilities: { virtualtime: true } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown property "virtualtime"');
  });

  it.each([
    ['garbage-mid-run', 'wrote a line that is not JSON: "DEBUG: running the workflow now"'],
    ['bad-event', 'sent an invalid event message for run'],
  ])('fails the case, not the suite, when it %s', async (mode, message) => {
    const run = await runFixtures(mode, [...ONE_CASE, '--reporter', 'json']);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(run.code).toBe(1);
    const [outcome] = report.cases;
    expect(outcome?.disposition).toBe('fail');
    expect(outcome?.failures[0]).toMatchObject({ requirement: 'OW-PROTOCOL-010' });
    expect(outcome?.failures[0]?.mismatches[0]?.message).toContain(message);
  });

  it('reports messages for requests nobody made as target violations (exit 1)', async () => {
    const run = await runFixtures('unknown-id', [...ONE_CASE, '--reporter', 'json']);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(run.code).toBe(1);
    expect(report.violations).toEqual(['target sent ack for unknown request id nobody-asked']);
  });

  it('fails a run that never reports a result once the case budget is spent', async () => {
    // The case's own budget (timeoutMs: 300) bounds the wait; no global deadline is scaled down.
    const run = await runFixtures('no-result', ['--filter', 'alpha/short-budget', '--reporter', 'json']);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(run.code).toBe(1);
    expect(report.cases[0]?.failures[0]).toMatchObject({
      requirement: 'OW-PROTOCOL-011',
      mismatches: [{ message: 'no result within 300 ms' }],
    });
  });

  it('fails a successful run that reports no events', async () => {
    const run = await runFixtures('no-events', [...ONE_CASE, '--reporter', 'json']);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(report.cases[0]?.failures.map((f) => f.requirement)).toEqual(['OW-PROTOCOL-005']);
  });

  it('restarts a target that crashed and carries on with the remaining cases', async () => {
    const run = await runFixtures('crash-on-second-run', [
      '--filter',
      'alpha/echo-inputs',
      '--filter',
      'alpha/with-canary',
      '--concurrency',
      '1',
      '--reporter',
      'json',
    ]);
    const report = JSON.parse(run.stdout) as SuiteReport;
    const dispositions = report.cases.map((c) => c.disposition).sort();
    expect(dispositions).toEqual(['fail', 'pass']);
    const failed = report.cases.find((c) => c.disposition === 'fail');
    expect(failed?.failures[0]?.mismatches[0]?.message).toMatch(/target exited with code 7 during run/);
  });
});

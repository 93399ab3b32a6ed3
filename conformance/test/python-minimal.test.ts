import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '../src/report.js';
import { PYTHON_MINIMAL, runCli } from './helpers.js';

describe('the Python minimal runtime', () => {
  it('passes every case of the profile it claims and is inapplicable, not failed, elsewhere', async () => {
    const run = await runCli(['--target', `cmd:${PYTHON_MINIMAL}`, '--reporter', 'json', '--seed', '11']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(run.code).toBe(0);
    expect(report.exitCode).toBe(0);
    expect(report.target.name).toBe('python-minimal');
    expect(report.claimedProfiles).toEqual(['minimal']);

    const minimal = report.cases.filter((c) => c.profile === 'minimal');
    expect(minimal.length).toBeGreaterThanOrEqual(20);
    expect(minimal.filter((c) => c.disposition !== 'pass')).toEqual([]);
    for (const outcome of minimal) expect(outcome.assertions, outcome.id).toBeGreaterThan(0);

    const others = report.cases.filter((c) => c.profile !== 'minimal');
    expect(others.length).toBeGreaterThan(0);
    for (const outcome of others) {
      expect(outcome.disposition, outcome.id).toBe('inapplicable');
      expect(outcome.reason).toBe(`the target does not claim profile ${outcome.profile}`);
    }
    expect(report.totals.fail).toBe(0);
    expect(report.totals.assertions).toBe(minimal.reduce((sum, c) => sum + c.assertions, 0));
  });

  it('prints a summary table per profile', async () => {
    const run = await runCli(['--target', `cmd:${PYTHON_MINIMAL}`, '--profile', 'minimal', '--seed', '2']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^minimal\s+yes\s+2\d\s+0\s+0\s+0\s+\d+$/m);
    expect(run.stdout).toMatch(/^PASS: all 2\d executed case\(s\) passed/m);
  });
});

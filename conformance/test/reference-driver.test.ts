import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '../src/report.js';
import { REFERENCE_DRIVER, runCli } from './helpers.js';

describe('the reference driver (OpenWorkflow TS through @openworkflow/sdk)', () => {
  it('passes every case of every profile it claims, strictly', async () => {
    const run = await runCli([
      '--target',
      `cmd:${REFERENCE_DRIVER}`,
      '--strict',
      '--reporter',
      'json',
      '--seed',
      '7',
    ]);
    const report = JSON.parse(run.stdout) as SuiteReport;
    const failed = report.cases
      .filter((c) => c.disposition === 'fail')
      .map((c) => `${c.profile}/${c.id}: ${c.reason}`);
    expect(failed).toEqual([]);
    expect(run.code).toBe(0);
    expect(report.target.name).toBe('openworkflow-ts');
    for (const profile of ['core', 'expressions', 'logic', 'errors', 'secrets', 'http', 'agents']) {
      expect(report.claimedProfiles).toContain(profile);
    }
    const claimed = report.cases.filter((c) => report.claimedProfiles.includes(c.profile));
    expect(claimed.length).toBe(report.totals.pass);
    for (const outcome of claimed) expect(outcome.assertions, outcome.id).toBeGreaterThan(0);
  });
});

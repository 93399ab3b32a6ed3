import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '../src/report.js';
import { runFixtures } from './helpers.js';

async function report(mode: string, extra: readonly string[] = [], hello?: object) {
  const run = await runFixtures(mode, [...extra, '--reporter', 'json'], hello);
  return { code: run.code, report: JSON.parse(run.stdout) as SuiteReport };
}

const disposition = (r: SuiteReport, id: string) => r.cases.find((c) => c.id === id)?.disposition;

describe('dispositions', () => {
  it('passes what it measured, blocks drafts and missing capabilities, and leaves unclaimed profiles inapplicable', async () => {
    const everythingButVacuous = ['draft-case', 'echo-inputs', 'needs-signals', 'with-canary', 'beta/'];
    const { code, report: r } = await report(
      'ok',
      everythingButVacuous.flatMap((f) => ['--filter', f]),
    );
    expect(r.cases.map((c) => [c.id, c.disposition, c.reason])).toEqual([
      ['draft-case', 'blocked', 'draft case: the output shape is not decided'],
      ['echo-inputs', 'pass', undefined],
      ['needs-signals', 'blocked', 'the target lacks capability signals'],
      ['with-canary', 'pass', undefined],
      ['other', 'inapplicable', 'the target does not claim profile beta'],
    ]);
    expect(code).toBe(0);
    expect(r.totals).toEqual({ pass: 2, fail: 0, blocked: 2, inapplicable: 1, assertions: 4 });
  });

  it('fails a case that made zero assertions: a vacuous pass is a failure of the suite', async () => {
    const { code, report: r } = await report('ok', ['--filter', 'alpha/vacuous']);
    expect(code).toBe(1);
    expect(r.cases[0]).toMatchObject({
      disposition: 'fail',
      assertions: 0,
      reason: expect.stringMatching(/^vacuous/),
    });
    expect(r.cases[0]?.checks).toBeGreaterThan(0);
  });

  it('--strict turns a blocked case of a claimed profile into a failure, and only that', async () => {
    const filter = [
      '--filter',
      'alpha/draft-case',
      '--filter',
      'alpha/echo-inputs',
      '--filter',
      'alpha/needs-*',
    ];
    const lenient = await report('ok', filter);
    expect(lenient.code).toBe(0);
    expect(disposition(lenient.report, 'needs-signals')).toBe('blocked');

    const strict = await report('ok', [...filter, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.report.options.strict).toBe(true);
    expect(disposition(strict.report, 'needs-signals')).toBe('fail');
    expect(disposition(strict.report, 'draft-case')).toBe('fail');
    expect(disposition(strict.report, 'echo-inputs')).toBe('pass');
    expect(strict.report.cases.find((c) => c.id === 'needs-signals')?.reason).toMatch(/^--strict:/);
  });

  it('--strict leaves unclaimed profiles inapplicable', async () => {
    const { code, report: r } = await report('ok', ['--filter', 'alpha/echo-inputs', '--strict']);
    expect(code).toBe(0);
    const all = await report('ok', ['--strict', '--profile', 'beta']);
    expect(disposition(all.report, 'other')).toBe('inapplicable');
    expect(r.cases).toHaveLength(1);
  });

  it('takes profiles from hello only, including the profiles they imply', async () => {
    const { report: r } = await report('ok', ['--filter', '*/echo-inputs'], { profiles: ['gamma', 'delta'] });
    expect(r.claimedProfiles).toEqual(['alpha', 'gamma']);
    expect(r.unknownProfiles).toEqual(['delta']);
    expect(disposition(r, 'echo-inputs')).toBe('pass');
  });

  it('exits 2 when nothing could be measured', async () => {
    const { code, report: r } = await report('ok', ['--profile', 'beta']);
    expect(code).toBe(2);
    expect(r.verdict).toMatch(/^nothing was measured/);
  });
});

describe('canaries', () => {
  it('fails the case when a planted secret reaches stderr', async () => {
    const { code, report: r } = await report('leak-stderr', ['--filter', 'alpha/with-canary']);
    expect(code).toBe(1);
    expect(r.cases[0]?.failures[0]?.mismatches[0]?.message).toBe('the secret leaked verbatim into stderr');
  });

  it('fails the case when the secret reaches stderr only after the result', async () => {
    const { code, report: r } = await report('leak-stderr-after-result', ['--filter', 'alpha/with-canary']);
    expect(code).toBe(1);
    expect(r.cases[0]).toMatchObject({
      disposition: 'fail',
      reason: expect.stringMatching(/canary api_key/),
    });
  });

  it('fails the case when a planted secret appears base64-encoded in an event', async () => {
    const { code, report: r } = await report('leak-base64', ['--filter', 'alpha/with-canary']);
    expect(code).toBe(1);
    expect(r.cases[0]?.failures[0]?.mismatches[0]?.message).toMatch(
      /leaked base64 \(offset \d\) into events/,
    );
  });
});

describe('virtual time', () => {
  const VIRTUAL = ['--filter', 'alpha/virtual-delay'];

  it('runs a virtual-clock case on the target fake clock and measures delays exactly', async () => {
    const { code, report: r } = await report('virtual', VIRTUAL, { capabilities: { virtualTime: true } });
    expect(r.cases[0]).toMatchObject({ disposition: 'pass', assertions: 3 });
    expect(code).toBe(0);
  });

  it('blocks a virtual-clock case for a target without virtual time', async () => {
    const { code, report: r } = await report('virtual', VIRTUAL);
    expect(r.cases[0]).toMatchObject({
      disposition: 'blocked',
      reason: 'the target lacks capability virtualTime',
    });
    expect(code).toBe(2);
  });

  it('catches a target that claims virtual time but stamps events with its wall clock', async () => {
    const { code, report: r } = await report('virtual-wallclock', VIRTUAL, {
      capabilities: { virtualTime: true },
    });
    expect(code).toBe(1);
    expect(r.cases[0]?.failures.map((f) => f.requirement)).toEqual(['OW-PROTOCOL-008']);
  });
});

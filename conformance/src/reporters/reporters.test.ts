import { describe, expect, it } from 'vitest';
import type { CaseOutcome, SuiteReport } from '../report.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderTable } from './table.js';

function outcome(
  id: string,
  disposition: CaseOutcome['disposition'],
  extra: Partial<CaseOutcome> = {},
): CaseOutcome {
  return {
    id,
    profile: 'minimal',
    requirement: 'OW-MINIMAL-001',
    title: `case ${id}`,
    spec: ['spec/execution.md#events'],
    disposition,
    assertions: disposition === 'pass' ? 3 : 0,
    checks: 6,
    failures: [],
    durationMs: 12,
    ...extra,
  };
}

const failing = outcome('broken', 'fail', {
  requirement: 'OW-MINIMAL-007',
  reason: 'OW-MINIMAL-007 steps.b.status: differs',
  assertions: 2,
  failures: [
    {
      requirement: 'OW-MINIMAL-007',
      label: 'steps.b.status',
      counted: true,
      ok: false,
      mismatches: [{ path: 'steps.b.status', message: 'differs', expected: 'failed', actual: 'success <&>' }],
    },
  ],
});

const report: SuiteReport = {
  suite: { name: '@openworkflow/conformance', version: '0.1.0' },
  target: {
    command: 'python3 driver.py',
    name: 'python-minimal',
    version: '0.1.0',
    protocol: 'openworkflow-conformance/1',
    profiles: ['minimal'],
    capabilities: {},
  },
  options: { seed: 42, strict: false, concurrency: 4, timeoutScale: 1 },
  claimedProfiles: ['minimal'],
  unknownProfiles: [],
  profiles: [
    {
      id: 'minimal',
      title: 'Minimal',
      claimed: true,
      pass: 1,
      fail: 1,
      blocked: 1,
      inapplicable: 0,
      assertions: 5,
    },
    {
      id: 'core',
      title: 'Core',
      claimed: false,
      pass: 0,
      fail: 0,
      blocked: 0,
      inapplicable: 1,
      assertions: 0,
    },
  ],
  totals: { pass: 1, fail: 1, blocked: 1, inapplicable: 1, assertions: 5 },
  cases: [
    outcome('fine', 'pass'),
    failing,
    outcome('later', 'blocked', { reason: 'draft case: undecided' }),
    outcome('other', 'inapplicable', { profile: 'core', reason: 'the target does not claim profile core' }),
  ],
  violations: ['target sent ack for unknown request id x'],
  durationMs: 1234,
  exitCode: 1,
  verdict: '1 case(s) failed, 1 target violation(s)',
};

describe('the table reporter', () => {
  it('shows the failing case with its requirement id, spec and an expected/actual diff', () => {
    const text = renderTable(report);
    expect(text).toContain('FAIL minimal/broken  OW-MINIMAL-007  case broken');
    expect(text).toContain('spec: spec/execution.md#events');
    expect(text).toContain('OW-MINIMAL-007 steps.b.status: differs');
    expect(text).toContain('- expected: "failed"');
    expect(text).toContain('+ actual:   "success <&>"');
    expect(text).toContain('BLOCKED minimal/later  OW-MINIMAL-001: draft case: undecided');
    expect(text).toContain('VIOLATION target sent ack for unknown request id x');
    expect(text).toMatch(/^minimal\s+yes\s+1\s+1\s+1\s+0\s+5$/m);
    expect(text).toMatch(/^core\s+no\s+0\s+0\s+0\s+1\s+0$/m);
    expect(text).toMatch(/^FAIL: 1 case\(s\) failed, 1 target violation\(s\) · 1\.2 s · exit 1$/m);
    expect(text).not.toContain('minimal/fine');
  });
});

describe('the JUnit reporter', () => {
  const xml = renderJunit(report);

  it('writes one testsuite per profile and one testcase per case, named by requirement id', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml).toMatch(
      /<testsuites name="@openworkflow\/conformance 0\.1\.0" tests="5" failures="2" skipped="2"/,
    );
    expect(xml).toMatch(/<testsuite name="openworkflow\.minimal" tests="3" failures="1" skipped="1"/);
    expect(xml).toContain(
      '<testcase classname="openworkflow.minimal" name="OW-MINIMAL-001 fine" time="0.012"/>',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(5);
  });

  it('escapes the diff inside failures and gives skipped cases their reason', () => {
    expect(xml).toContain('+ actual:   &quot;success &lt;&amp;&gt;&quot;');
    expect(xml).toContain('<skipped message="blocked: draft case: undecided"/>');
    expect(xml).toContain('<skipped message="inapplicable: the target does not claim profile core"/>');
    expect(xml).toContain('name="violation 1"><failure message="target sent ack for unknown request id x"/>');
    expect(xml).not.toMatch(/<[^>]*<[^/]/);
    const bell = renderJunit({ ...report, violations: ['ding\u0007 dong\ttab'] });
    expect(bell).toContain('<failure message="ding dong\ttab"/>');
  });
});

describe('the JSON reporter', () => {
  it('round-trips the whole report', () => {
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});

describe('property test results in the reports', () => {
  const failed: SuiteReport = {
    ...report,
    properties: {
      status: 'fail',
      reason: 'a generated workflow did not do what the model computes (shrunk 3 time(s))',
      runs: 40,
      executed: 47,
      seed: 9,
      counterexample: 'id: generated-workflow\nrequirement: OW-LOGIC-900\n',
      failures: [
        {
          requirement: 'OW-LOGIC-900',
          label: 'behaviour.calls',
          counted: true,
          ok: false,
          mismatches: [{ path: 'behaviour.calls.s0', message: 'differs', expected: 2, actual: 1 }],
        },
      ],
      replay: '--seed 9 --properties 40',
    },
  };

  it('prints a failed property with its diff, replay flags and counterexample', () => {
    const text = renderTable(failed);
    expect(text).toContain('FAIL properties: a generated workflow did not do what the model computes');
    expect(text).toContain('replay: --seed 9 --properties 40');
    expect(text).toContain('OW-LOGIC-900 behaviour.calls.s0: differs');
    expect(text).toContain('- expected: 2');
    expect(text).toContain('       requirement: OW-LOGIC-900');
  });

  it('adds a properties testsuite to JUnit, counted in the totals', () => {
    const xml = renderJunit(failed);
    expect(xml).toMatch(/<testsuites [^>]*tests="6" failures="3" skipped="2"/);
    expect(xml).toMatch(/<testsuite name="openworkflow.properties" tests="1" failures="1" skipped="0">/);
    expect(xml).toContain('replay: --seed 9 --properties 40');
    const passed = renderJunit({ ...report, properties: { status: 'pass', runs: 5, executed: 5, seed: 1 } });
    expect(passed).toContain(
      '<testcase classname="openworkflow.properties" name="properties seed 1 runs 5"/>',
    );
  });
});

/**
 * JUnit XML for CI dashboards: one `<testsuite>` per profile, one `<testcase>` per case named by
 * its requirement id; failures carry the diff, blocked and inapplicable cases are `<skipped>`
 * with their reason, and target-wide violations form a suite of their own.
 */
import type { CaseOutcome, SuiteReport } from '../report.js';
import { failureLines } from './failure-text.js';

/** Renders the report as JUnit XML. */
export function renderJunit(report: SuiteReport): string {
  const suites: string[] = [];
  const profiles = [...new Set(report.cases.map((c) => c.profile))];
  for (const profile of profiles) {
    const cases = report.cases.filter((c) => c.profile === profile);
    suites.push(testsuite(`openworkflow.${profile}`, cases.map(testcase), cases));
  }
  if (report.violations.length > 0) {
    const body = report.violations.map(
      (v, i) =>
        `    <testcase classname="openworkflow.target" name="violation ${i + 1}"><failure message="${escapeXml(v)}"/></testcase>`,
    );
    suites.push(
      `  <testsuite name="openworkflow.target" tests="${body.length}" failures="${body.length}" skipped="0">\n${body.join('\n')}\n  </testsuite>`,
    );
  }
  const p = report.properties;
  if (p !== undefined) {
    const name = `properties seed ${p.seed} runs ${p.runs}`;
    const body =
      p.status === 'pass'
        ? `    <testcase classname="openworkflow.properties" name="${escapeXml(name)}"/>`
        : p.status === 'fail'
          ? `    <testcase classname="openworkflow.properties" name="${escapeXml(name)}"><failure message="${escapeXml(p.reason ?? 'failed')}">${escapeXml(`replay: ${p.replay}\n${p.counterexample ?? ''}`)}</failure></testcase>`
          : `    <testcase classname="openworkflow.properties" name="${escapeXml(name)}"><skipped message="${escapeXml(`inapplicable: ${p.reason ?? ''}`)}"/></testcase>`;
    suites.push(
      `  <testsuite name="openworkflow.properties" tests="1" failures="${p.status === 'fail' ? 1 : 0}" skipped="${p.status === 'inapplicable' ? 1 : 0}">\n${body}\n  </testsuite>`,
    );
  }
  const t = report.totals;
  const propertyFails = p?.status === 'fail' ? 1 : 0;
  const tests = report.cases.length + report.violations.length + (p ? 1 : 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`${report.suite.name} ${report.suite.version}`)}" tests="${tests}" failures="${t.fail + report.violations.length + propertyFails}" skipped="${t.blocked + t.inapplicable + (p?.status === 'inapplicable' ? 1 : 0)}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function testsuite(name: string, body: string[], cases: readonly CaseOutcome[]): string {
  const count = (d: CaseOutcome['disposition']) => cases.filter((c) => c.disposition === d).length;
  const time = cases.reduce((sum, c) => sum + c.durationMs, 0);
  return `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${count('fail')}" skipped="${count('blocked') + count('inapplicable')}" time="${seconds(time)}">\n${body.join('\n')}\n  </testsuite>`;
}

function testcase(outcome: CaseOutcome): string {
  const open = `    <testcase classname="openworkflow.${escapeXml(outcome.profile)}" name="${escapeXml(`${outcome.requirement} ${outcome.id}`)}" time="${seconds(outcome.durationMs)}"`;
  switch (outcome.disposition) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
      return `${open}>\n      <failure message="${escapeXml(outcome.reason ?? 'failed')}">${escapeXml(failureLines(outcome).join('\n'))}</failure>\n    </testcase>`;
    default:
      return `${open}>\n      <skipped message="${escapeXml(`${outcome.disposition}: ${outcome.reason ?? ''}`)}"/>\n    </testcase>`;
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for XML attributes and content; drops control characters XML 1.0 forbids. */
function escapeXml(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') continue;
    out += XML_ENTITIES[char] ?? char;
  }
  return out;
}

/**
 * The human report: failures first (requirement id, spec citation, expected/actual diff), then
 * blocked cases of claimed profiles, then one row per profile and the verdict.
 */
import type { SuiteReport } from '../report.js';
import { failureLines } from './failure-text.js';

const COLUMNS = ['profile', 'claimed', 'pass', 'fail', 'blocked', 'inapplicable', 'assertions'] as const;

function propertyLines(report: SuiteReport): string[] {
  const p = report.properties;
  if (p === undefined) return [];
  if (p.status === 'inapplicable') return [`PROPERTIES inapplicable: ${p.reason}`, ''];
  if (p.status === 'pass') {
    return [
      `PROPERTIES pass: ${p.runs} generated workflow(s) did what the model computes (seed ${p.seed})`,
      '',
    ];
  }
  const lines = [`FAIL properties: ${p.reason}`, `     replay: ${p.replay}`];
  for (const failure of p.failures ?? []) {
    for (const mismatch of failure.mismatches) {
      lines.push(`     ${failure.requirement} ${mismatch.path}: ${mismatch.message}`);
      if ('expected' in mismatch) lines.push(`       - expected: ${JSON.stringify(mismatch.expected)}`);
      if ('actual' in mismatch) lines.push(`       + actual:   ${JSON.stringify(mismatch.actual)}`);
    }
  }
  lines.push('     counterexample (a case file; save it as cases/logic/generated-workflow.yaml):');
  lines.push(
    ...(p.counterexample ?? '')
      .trimEnd()
      .split('\n')
      .map((line) => `       ${line}`),
    '',
  );
  return lines;
}

/** Renders the report as text for a terminal or a CI log. */
export function renderTable(report: SuiteReport): string {
  const out: string[] = [];
  const { target, options } = report;
  out.push(
    `${report.suite.name} ${report.suite.version} · target ${target.name} ${target.version} (${target.protocol})`,
    `claims: ${report.claimedProfiles.join(', ') || '(nothing this suite knows)'} · seed ${options.seed} · ` +
      `concurrency ${options.concurrency} · strict ${options.strict ? 'on' : 'off'}`,
  );
  if (report.unknownProfiles.length > 0) {
    out.push(`unknown profiles claimed (ignored): ${report.unknownProfiles.join(', ')}`);
  }
  out.push('');
  for (const outcome of report.cases) {
    if (outcome.disposition !== 'fail') continue;
    out.push(`FAIL ${outcome.profile}/${outcome.id}  ${outcome.requirement}  ${outcome.title}`);
    out.push(`     spec: ${outcome.spec.join(', ')}${outcome.file ? `  (${outcome.file})` : ''}`);
    out.push(...failureLines(outcome).map((line) => `     ${line}`), '');
  }
  const claimedBlocked = report.cases.filter(
    (o) => o.disposition === 'blocked' && report.claimedProfiles.includes(o.profile),
  );
  for (const outcome of claimedBlocked) {
    out.push(`BLOCKED ${outcome.profile}/${outcome.id}  ${outcome.requirement}: ${outcome.reason}`);
  }
  if (claimedBlocked.length > 0) out.push('');
  for (const violation of report.violations) out.push(`VIOLATION ${violation}`);
  if (report.violations.length > 0) out.push('');
  out.push(...propertyLines(report));

  const rows: string[][] = report.profiles
    .filter((p) => p.claimed || p.pass + p.fail + p.blocked + p.inapplicable > 0)
    .map((p) => [
      p.id,
      p.claimed ? 'yes' : 'no',
      ...[p.pass, p.fail, p.blocked, p.inapplicable, p.assertions].map(String),
    ]);
  const t = report.totals;
  rows.push(['total', '', ...[t.pass, t.fail, t.blocked, t.inapplicable, t.assertions].map(String)]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  out.push(line(COLUMNS), ...rows.map(line), '');
  const word = report.exitCode === 0 ? 'PASS' : report.exitCode === 1 ? 'FAIL' : 'NOT MEASURED';
  out.push(
    `${word}: ${report.verdict} · ${(report.durationMs / 1000).toFixed(1)} s · exit ${report.exitCode}`,
  );
  return `${out.join('\n')}\n`;
}

/**
 * The text of one failed case, shared by the table and JUnit reporters: each failed check with
 * its requirement id, the path that differs and an expected/actual diff.
 */
import { renderDiff } from '../diff.js';
import type { CaseOutcome } from '../report.js';

/** Lines explaining why a case failed (empty for other dispositions). */
export function failureLines(outcome: CaseOutcome): string[] {
  if (outcome.disposition !== 'fail') return [];
  if (outcome.failures.length === 0) return [outcome.reason ?? 'failed'];
  const lines: string[] = [];
  for (const failure of outcome.failures) {
    for (const mismatch of failure.mismatches) {
      lines.push(`${failure.requirement} ${mismatch.path || failure.label}: ${mismatch.message}`);
      if (mismatch.expected !== undefined || mismatch.actual !== undefined) {
        lines.push(...renderDiff(mismatch.expected, mismatch.actual).map((line) => `  ${line}`));
      }
    }
  }
  return lines;
}

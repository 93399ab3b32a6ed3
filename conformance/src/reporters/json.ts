/**
 * The machine-readable report: the whole `SuiteReport` as JSON (every case with its disposition,
 * reason, assertion count and failed checks with expected and actual values).
 */
import type { SuiteReport } from '../report.js';

/** Renders the report as pretty-printed JSON. */
export function renderJson(report: SuiteReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

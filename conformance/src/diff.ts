/**
 * Expected-versus-actual rendering for failure reports: scalars side by side, structures as a
 * line diff of their pretty JSON (`-` expected, `+` actual), so the one differing field stands
 * out in a large output.
 */
import { formatJson, type JsonValue } from './json.js';

/** Above this many lines per side the diff is not computed (quadratic); both sides are shown. */
const MAX_DIFF_LINES = 400;

/** Lines describing how `actual` differs from `expected`. */
export function renderDiff(expected: JsonValue | undefined, actual: JsonValue | undefined): string[] {
  const left = formatJson(expected).split('\n');
  const right = formatJson(actual).split('\n');
  if (left.length === 1 && right.length === 1) return [`- expected: ${left[0]}`, `+ actual:   ${right[0]}`];
  if (left.length > MAX_DIFF_LINES || right.length > MAX_DIFF_LINES) {
    return [...left.map((l) => `- ${l}`), ...right.map((l) => `+ ${l}`)];
  }
  return lineDiff(left, right);
}

/** A longest-common-subsequence line diff: common lines with two spaces, removals `-`, additions `+`. */
export function lineDiff(left: readonly string[], right: readonly string[]): string[] {
  const rows = left.length + 1;
  const cols = right.length + 1;
  const lengths = new Uint32Array(rows * cols);
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) {
      lengths[i * cols + j] =
        left[i] === right[j]
          ? lengths[(i + 1) * cols + j + 1]! + 1
          : Math.max(lengths[(i + 1) * cols + j]!, lengths[i * cols + j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] === right[j]) {
      out.push(`  ${left[i++]}`);
      j++;
    } else if (lengths[(i + 1) * cols + j]! >= lengths[i * cols + j + 1]!) out.push(`- ${left[i++]}`);
    else out.push(`+ ${right[j++]}`);
  }
  while (i < left.length) out.push(`- ${left[i++]}`);
  while (j < right.length) out.push(`+ ${right[j++]}`);
  return out;
}

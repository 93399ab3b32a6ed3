/**
 * Errors that stop the suite before it can measure anything: bad flags, malformed cases, a target
 * that does not start or does not speak the protocol. All of them exit with code 2 ("could not
 * start"), never 1, so CI can tell "the target is wrong" from "the run never happened".
 */

export type SuiteErrorCode =
  /** Command-line flags are wrong. */
  | 'USAGE'
  /** A case file or the profile catalog is malformed. */
  | 'CASE_INVALID'
  /** The target could not be started or did not complete `hello`. */
  | 'TARGET_START'
  /** The behaviour server could not listen. */
  | 'BEHAVIOUR_SERVER'
  /** Nothing was selected to run: a run that measures nothing is not a pass. */
  | 'NOTHING_TO_RUN';

const BRAND = Symbol.for('openworkflow.conformance.error');

/** One problem, with its position when it comes from a file. */
export interface SuiteProblem {
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** JSON pointer inside the file. */
  readonly pointer?: string;
}

export class SuiteError extends Error {
  readonly code: SuiteErrorCode;
  readonly problems: readonly SuiteProblem[];

  constructor(code: SuiteErrorCode, message: string, problems: readonly SuiteProblem[] = []) {
    super(message);
    this.name = 'SuiteError';
    this.code = code;
    this.problems = problems;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Realm-safe check (works across two copies of this package). */
  static is(value: unknown): value is SuiteError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** `file:line:col: message` (the parts that are known). */
export function formatProblem(problem: SuiteProblem): string {
  const where = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  const pointer = problem.pointer ? ` (at ${problem.pointer})` : '';
  return `${where ? `${where}: ` : ''}${problem.message}${pointer}`;
}

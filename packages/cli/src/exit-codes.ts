import { ERROR_CODES, isErrorCode } from '@openworkflow/core';

/** The command did what was asked and found nothing wrong. */
export const EXIT_OK = 0;
/** A check failed (`validate` found errors) or the command could not do its job (spec/cli.md). */
export const EXIT_FAILED = 1;
/** A usage error: unknown command or flag, missing argument. Same number as `VALIDATION`. */
export const EXIT_USAGE = 2;

/**
 * The exit code of a run that ended with an error `code`: the code table's `exitCode`
 * (spec/errors.md). A code outside the table counts as `INTERNAL_ERROR`.
 */
export function exitCodeFor(code: string): number {
  return isErrorCode(code) ? ERROR_CODES[code].exitCode : ERROR_CODES.INTERNAL_ERROR.exitCode;
}

/** Limits of the CLI, each with the reason it exists. */

/**
 * `list` reads at most this many bytes per file: indexing is a browse operation over files anyone
 * may have committed, and the orchestration seed suggests 100 KB as the default file cap.
 */
export const DEFAULT_LIST_MAX_FILE_BYTES = 100 * 1024;

/** `list` indexes at most this many files per project, so a huge tree cannot stall a listing. */
export const DEFAULT_LIST_MAX_FILES = 500;

/** `list` descends at most this many directory levels below each workflows directory. */
export const LIST_MAX_DEPTH = 4;

/** Indexed names are cut to this many characters (metadata stays a bounded summary). */
export const MAX_INDEXED_NAME_LENGTH = 200;

/** Indexed descriptions are cut to this many characters. */
export const MAX_INDEXED_DESCRIPTION_LENGTH = 500;

/** At most this many inputs (and as many outputs) are summarised per workflow in an index entry. */
export const MAX_INDEXED_INPUTS = 50;

/** `--input-file` is read only up to this size: inputs are arguments, not data sets. */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/** Rendered values (defaults, outputs) in human output are cut to this many characters. */
export const MAX_RENDERED_VALUE_LENGTH = 200;

/** One output value printed by `run` is cut to this many characters (`--json` prints it whole). */
export const MAX_RUN_OUTPUT_LENGTH = 2000;

/**
 * Every hard limit of the loader, in one place, each with the reason it exists.
 * Callers may lower or raise the configurable ones through `LoadOptions`.
 */

/**
 * Default cap on a document's size in bytes (1 MiB), enforced before any parsing so a huge scalar or
 * a decompressed payload never reaches the YAML parser. Real workflow files are a few kilobytes.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Default number of YAML aliases (`*anchor`) a document may use: none. Aliases are the lever of
 * "billion laughs" expansion and make a value's position ambiguous, and no document in the spec needs
 * them. Callers that do can opt in up to {@link MAX_ALIAS_COUNT}.
 */
export const DEFAULT_MAX_ALIAS_COUNT = 0;

/** Upper bound for the opt-in alias count; with the node cap below it keeps expansion linear. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Deepest `[`/`{` nesting the pre-parse scan lets through. The YAML parser recurses per flow level
 * and exhausts the call stack somewhere near 800 levels; this rejects such input before parsing.
 */
export const MAX_FLOW_NESTING = 256;

/**
 * Deepest nesting of the converted document (objects and arrays). A workflow nests about three
 * levels per logic step, so 128 leaves room for ~40 nested logic steps while bounding recursion.
 */
export const MAX_DOCUMENT_DEPTH = 128;

/**
 * Most values (objects, arrays and scalars) one document may expand to, aliases included. A 1 MiB
 * document without aliases stays far below; with aliases this stops exponential expansion.
 */
export const MAX_DOCUMENT_NODES = 500_000;

/**
 * Most diagnostics reported for one document. Past this, one final `OW_TOO_MANY_DIAGNOSTICS`
 * diagnostic says how many were dropped, so a pathological file cannot produce an unbounded report.
 */
export const MAX_DIAGNOSTICS = 200;

/** Longest duration string accepted; stops pathological inputs to the duration parser. */
export const MAX_DURATION_LENGTH = 64;

/** Longest cron expression accepted. */
export const MAX_CRON_LENGTH = 256;

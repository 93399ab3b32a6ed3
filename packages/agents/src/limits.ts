/** Limits of the agent runtime, each with its reason. */

/** Turns when neither `planner.maxTurns` nor `execution.config.maxIterations` is set: the seed's triage bot uses 8; 10 leaves headroom without letting a confused model loop for long. */
export const DEFAULT_MAX_TURNS = 10;

/** Hard ceiling on turns whatever the manifest says: every turn is a paid model call. */
export const MAX_TURNS_CEILING = 100;

/** Repair attempts when the final answer does not match `io.outputSchema`: one second chance fixes most format slips; more turns a broken prompt into a bill. */
export const MAX_REPAIR_ATTEMPTS = 1;

/** Characters of a validation issue quoted back to the model in a repair prompt. */
export const MAX_REPAIR_ISSUE_CHARS = 500;

/** Tool name length: the OpenAI and Anthropic APIs both reject names longer than 64. */
export const MAX_TOOL_NAME_LENGTH = 64;

/** Characters of a tool result sent back to the model: bigger results are cut (the context window is finite). */
export const MAX_TOOL_RESULT_CHARS = 100_000;

/** Characters per estimated token when a provider reports no usage (a common rule of thumb). */
export const CHARS_PER_ESTIMATED_TOKEN = 4;

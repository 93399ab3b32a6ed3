export { type ArgsSpec, type FlagSpec, type ParsedArgs, parseCommandArgs, UsageError } from './args.js';
export { runCli } from './cli.js';
export {
  type IndexedWorkflow,
  type IndexOptions,
  indexWorkflows,
  type SkippedFile,
  WORKFLOW_DIRECTORIES,
  type WorkflowIndex,
} from './commands/list.js';
export { COMMANDS, type CommandModule, type CommandSpec, findCommand } from './commands.js';
export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
export { type GraphFormat, renderGraph } from './graph-render.js';
export type { CliIo, CliOutput } from './io.js';
export { redactCredentials } from './redact-metadata.js';

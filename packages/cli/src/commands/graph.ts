import { type ParsedArgs, stringFlag } from '../args.js';
import { EXIT_OK } from '../exit-codes.js';
import { type GraphFormat, renderGraph } from '../graph-render.js';
import type { CliIo } from '../io.js';
import { loadWorkflowForCommand } from '../load-workflow.js';

/** `openworkflow graph <file> [--workflow name] [--format mermaid|dot|ascii]`. */
export async function execute(args: ParsedArgs, io: CliIo): Promise<number> {
  const file = args.positionals[0]!;
  const picked = await loadWorkflowForCommand(file, stringFlag(args, 'workflow'), io);
  if (!picked.ok) return picked.exitCode;
  const format = (stringFlag(args, 'format') ?? 'ascii') as GraphFormat;
  io.stdout.write(renderGraph(picked.workflow, format));
  return EXIT_OK;
}

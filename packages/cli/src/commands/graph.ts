import { type ParsedArgs, stringFlag } from '../args.js';
import { EXIT_OK, exitCodeFor } from '../exit-codes.js';
import { type GraphFormat, renderGraph } from '../graph-render.js';
import { type CliIo, writeLine } from '../io.js';
import { loadForCommand, pickWorkflow } from '../load-workflow.js';

/** `openworkflow graph <file> [--workflow name] [--format mermaid|dot|ascii]`. */
export async function execute(args: ParsedArgs, io: CliIo): Promise<number> {
  const file = args.positionals[0]!;
  const loaded = await loadForCommand(file, io);
  if (!loaded.ok) return loaded.exitCode;
  if (loaded.document.kind !== 'workflows') {
    writeLine(
      io.stderr,
      `openworkflow: VALIDATION: ${file} is a ${loaded.document.kind}, not a workflow file`,
    );
    return exitCodeFor('VALIDATION');
  }
  const picked = pickWorkflow(loaded.document.workflows, stringFlag(args, 'workflow'), file, io);
  if (!picked.ok) return picked.exitCode;
  const format = (stringFlag(args, 'format') ?? 'ascii') as GraphFormat;
  io.stdout.write(renderGraph(picked.workflow, format));
  return EXIT_OK;
}

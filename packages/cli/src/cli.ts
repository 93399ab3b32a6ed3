import { readFile } from 'node:fs/promises';
import { parseCommandArgs, UsageError } from './args.js';
import { type CommandSpec, findCommand } from './commands.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { type CliIo, writeLine } from './io.js';
import { commandUsage, generalUsage } from './usage.js';

/**
 * Runs one `openworkflow` command line and resolves with its exit code. Never throws: bad command
 * lines print the error and the usage (exit 2), failures print a coded message.
 *
 * @example
 * const code = await runCli(['validate', 'flows.yaml'], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(generalUsage());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(generalUsage());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    writeLine(io.stdout, await readVersion());
    return EXIT_OK;
  }
  if (first === 'help') {
    const command = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.stdout.write(command === undefined ? generalUsage() : commandUsage(command));
    return EXIT_OK;
  }
  const command = findCommand(first);
  if (command === undefined) {
    return usageFailure(io, new UsageError(`unknown command '${first}'`));
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.flags.help === true) {
      io.stdout.write(commandUsage(command));
      return EXIT_OK;
    }
    const module = await command.load();
    return await module.execute(args, io);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error, command);
    return failure(io, error);
  }
}

function usageFailure(io: CliIo, error: UsageError, command?: CommandSpec): number {
  writeLine(io.stderr, `openworkflow: ${error.message}`);
  writeLine(io.stderr);
  io.stderr.write(command === undefined ? generalUsage() : commandUsage(command));
  return EXIT_USAGE;
}

/** An error no command handled: a coded error keeps its code, anything else is INTERNAL_ERROR. */
function failure(io: CliIo, error: unknown): number {
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'INTERNAL_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `openworkflow: ${code}: ${message}`);
  return exitCodeFor(code);
}

async function readVersion(): Promise<string> {
  // Walk up from this module (src/, dist/ or dist/bundle/) to the package's own package.json.
  let url = new URL('./', import.meta.url);
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(await readFile(new URL('package.json', url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'openworkflow' && manifest.version !== undefined) return manifest.version;
    } catch {
      // not here; try the parent directory
    }
    url = new URL('../', url);
  }
  return 'unknown';
}

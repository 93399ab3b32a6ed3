import type { ParsedArgs } from '../args.js';
import { exitCodeFor } from '../exit-codes.js';
import { type CliIo, writeLine } from '../io.js';

/** `openworkflow run`: lands with the SDK (see the CLI README). */
export async function execute(_args: ParsedArgs, io: CliIo): Promise<number> {
  writeLine(io.stderr, 'openworkflow: UNAVAILABLE: run is not available yet');
  return exitCodeFor('UNAVAILABLE');
}

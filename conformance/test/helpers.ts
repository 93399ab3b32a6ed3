/**
 * Shared by the end-to-end tests: runs the CLI in-process (on the sources) and names the
 * drivers and case directories the tests use.
 */
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const PYTHON_MINIMAL = `python3 ${here('../drivers/python-minimal/driver.py')}`;
/** The reference driver, built from packages/sdk (the conformance package's test task builds it first). */
export const REFERENCE_DRIVER = `node ${here('../../packages/sdk/dist/driver/bin.js')}`;
export const ZOO_DIRECTORY = here('../zoo/');
export const FIXTURE_CASES = here('./fixtures/cases');
export const SCRIPTED = (mode: string, hello?: object) =>
  `node ${here('./fixtures/drivers/scripted.mjs')} ${mode}${hello ? ` '${JSON.stringify(hello)}'` : ''}`;

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `openworkflow-conformance` with these arguments and captures its output. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** The fixture cases only, against the scripted driver in `mode`. */
export function runFixtures(mode: string, extra: readonly string[] = [], hello?: object): Promise<CliRun> {
  return runCli([
    '--no-builtin-cases',
    '--cases',
    FIXTURE_CASES,
    '--target',
    `cmd:${SCRIPTED(mode, hello)}`,
    '--seed',
    '1',
    '--quiet-target',
    ...extra,
  ]);
}

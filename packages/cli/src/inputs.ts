import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import { UsageError } from './args.js';
import { MAX_INPUT_FILE_BYTES } from './limits.js';

/** A bad `--input-file` (unreadable, not JSON, not an object): `VALIDATION`, exit 2. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  readonly code = 'VALIDATION';
}

/**
 * A `--input key=value` value: JSON when it parses as JSON (`3`, `true`, `["a","b"]`, `{"a":1}`,
 * `"quoted"`), the text itself otherwise, so `--input city=Paris` needs no quotes.
 */
export function parseInputValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/**
 * The run's inputs: the `--input-file` object first, then each `--input key=value` over it in
 * order. Keys may not be empty; a pair without `=` is a usage error.
 */
export async function collectInputs(
  pairs: readonly string[],
  inputFile: string | undefined,
  cwd: string,
): Promise<JsonObject> {
  const inputs: JsonObject = Object.create(null);
  if (inputFile !== undefined) Object.assign(inputs, await readInputFile(resolve(cwd, inputFile), inputFile));
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new UsageError(`--input expects key=value (got '${pair}')`, 'run');
    }
    const key = pair.slice(0, equals);
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new UsageError(`--input key '${key}' is not allowed`, 'run');
    }
    inputs[key] = parseInputValue(pair.slice(equals + 1));
  }
  return inputs;
}

async function readInputFile(path: string, shown: string): Promise<JsonObject> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_INPUT_FILE_BYTES) {
      throw new InputFileError(
        `${shown} is ${info.size} bytes; --input-file takes at most ${MAX_INPUT_FILE_BYTES}`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`cannot read ${shown} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(`${shown} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputFileError(`${shown} must hold a JSON object of inputs`);
  }
  return value as JsonObject;
}

/**
 * The `env` the workflow sees, from `--env` flags: `NAME=value` sets a value, a bare `NAME` passes
 * the variable from the CLI's own environment (a usage error when it is not set). Nothing else of
 * the process environment is exposed (spec/cli.md#run).
 */
export function collectEnvironment(
  flags: readonly string[],
  processEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const environment: Record<string, string> = Object.create(null);
  for (const flag of flags) {
    const equals = flag.indexOf('=');
    const name = equals < 0 ? flag : flag.slice(0, equals);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`--env expects NAME or NAME=value with a variable name (got '${flag}')`, 'run');
    }
    const value = equals < 0 ? processEnv[name] : flag.slice(equals + 1);
    if (value === undefined) throw new UsageError(`--env ${name}: the variable is not set`, 'run');
    environment[name] = value;
  }
  return environment;
}

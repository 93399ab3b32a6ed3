import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli.js';
import type { CliIo } from '../src/io.js';

/** The repository root (examples/, README.md). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The built CLI entry (`pnpm build` runs before the tests). */
export const BIN = resolve(REPO_ROOT, 'packages/cli/bin/openworkflow.js');

/** What one in-process CLI call printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process with captured streams. */
export async function cli(
  argv: readonly string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    tty?: boolean;
    signal?: AbortSignal;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      write: (text) => {
        stdout += text;
      },
      isTTY: options.tty ?? false,
      columns: 100,
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
      isTTY: options.tty ?? false,
    },
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? {},
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'ow-cli-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

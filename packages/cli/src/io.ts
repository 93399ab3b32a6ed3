/** Where a command writes and what it may read from its environment. Tests pass their own. */
export interface CliOutput {
  write(text: string): void;
  /** True when the stream is an interactive terminal (progress trees, colours). */
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
  /** Terminal height, when known (the progress tree folds to fit). */
  readonly rows?: number;
}

/** The process surface a command sees: streams, working directory, environment, interruption. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the user interrupts (Ctrl-C); `run` cancels the workflow run. */
  readonly signal?: AbortSignal;
}

/** Writes a line (a trailing newline is added). */
export function writeLine(output: CliOutput, line = ''): void {
  output.write(`${line}\n`);
}

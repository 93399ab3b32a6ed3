import { spawn } from 'node:child_process';
import { OpenWorkflowError } from '@openworkflow/core';

/** One process to run: program, argv, complete environment, stdin and limits. */
export interface ProcessRequest {
  /** An absolute path, or a bare name looked up on `env.PATH`. Never interpreted by a shell. */
  readonly file: string;
  readonly args: readonly string[];
  /** The complete environment of the child; nothing is inherited implicitly. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Written to stdin, which is then closed. */
  readonly stdin: string;
  /** Aborting stops the whole process group. */
  readonly signal: AbortSignal;
  readonly maxStdoutBytes: number;
  readonly maxStderrBytes: number;
  /** Time between SIGTERM and SIGKILL when the group is stopped. */
  readonly killGraceMs: number;
}

/** Output of one stream: the kept prefix, the total size seen and whether bytes were dropped. */
export interface CapturedStream {
  readonly text: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

/** How the process ended and what it wrote. */
export interface ProcessResult {
  /** `null` when the process was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: CapturedStream;
  readonly stderr: CapturedStream;
}

/**
 * Runs one process without a shell and waits for it and its output. The child leads a new
 * process group (`detached`), so stopping it — on abort, or after it exits, to reap anything it
 * left running in the background — reaches every descendant that did not leave the group. Output
 * beyond the caps is read and discarded so the child never blocks on a full pipe.
 */
export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    request.signal.throwIfAborted();
    const child = spawn(request.file, [...request.args], {
      cwd: request.cwd,
      env: request.env,
      shell: false,
      detached: process.platform !== 'win32',
      windowsHide: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout = capture(request.maxStdoutBytes);
    const stderr = capture(request.maxStderrBytes);
    child.stdout.on('data', stdout.push);
    child.stderr.on('data', stderr.push);
    // A child that exits without reading stdin makes the write fail with EPIPE; that is its choice.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.stdin);

    let graceTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      signalGroup(child.pid, 'SIGTERM', () => child.kill('SIGTERM'));
      graceTimer = setTimeout(
        () => signalGroup(child.pid, 'SIGKILL', () => child.kill('SIGKILL')),
        request.killGraceMs,
      );
    };
    request.signal.addEventListener('abort', stop, { once: true });

    let drainTimer: NodeJS.Timeout | undefined;
    child.once('exit', () => {
      // The leader is gone; whatever it left in its group must not outlive the handler.
      signalGroup(child.pid, 'SIGKILL', () => undefined);
      // A descendant that left the group (setsid) may still hold the pipes open; stop waiting for it.
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, request.killGraceMs);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      request.signal.removeEventListener('abort', stop);
      clearTimeout(graceTimer);
      reject(spawnFailure(request.file, error));
    });
    child.once('close', (exitCode, signal) => {
      request.signal.removeEventListener('abort', stop);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      resolve({ exitCode, signal, stdout: stdout.result(), stderr: stderr.result() });
    });
  });
}

/** Signals the process group led by `pid`; falls back to the child alone where groups do not exist. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals, fallback: () => void): void {
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    fallback();
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

function capture(maxBytes: number) {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let bytes = 0;
  return {
    push: (chunk: Buffer) => {
      bytes += chunk.length;
      if (keptBytes >= maxBytes) return;
      const slice = chunk.subarray(0, maxBytes - keptBytes);
      kept.push(slice);
      keptBytes += slice.length;
    },
    result: (): CapturedStream => ({
      text: Buffer.concat(kept, keptBytes).toString('utf8'),
      bytes,
      truncated: bytes > keptBytes,
    }),
  };
}

function spawnFailure(file: string, error: NodeJS.ErrnoException): OpenWorkflowError {
  const code = error.code ?? 'UNKNOWN';
  const missing = code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR';
  return new OpenWorkflowError(
    missing ? 'UNAVAILABLE' : 'BACKEND_ERROR',
    missing
      ? `Command '${file}' cannot be executed (${code})`
      : `Command '${file}' failed to start (${code})`,
    { details: { command: file, error_code: code }, cause: error },
  );
}

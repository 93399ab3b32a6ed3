/**
 * A `cmd:` target: a child process speaking the JSON-lines driver protocol (PROTOCOL.md) on its
 * stdin/stdout. Every line the child writes is parsed and checked against
 * `schema/protocol.schema.json` before the runner believes it; garbage is attributed to the
 * request it belongs to when it names one, and reported as a target-wide violation when it
 * does not. The child's stderr is kept (for canary scans and crash reports) and passed through.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { isJsonObject, type JsonValue } from './json.js';
import {
  ACK_TIMEOUT_MS,
  HELLO_TIMEOUT_MS,
  MAX_PROTOCOL_LINE_BYTES,
  MAX_STDERR_LINES,
  PROTOCOL_VERSION,
  QUOTE_CHARS,
  SHUTDOWN_GRACE_MS,
  STDERR_TAIL_LINES,
} from './limits.js';
import type { HelloResponse, ProtocolDocument, RunnerMessage, TargetMessage } from './protocol.js';
import { checkProtocolMessage, TARGET_MESSAGE_DEFINITIONS } from './schemas.js';
import { SuiteError } from './suite-error.js';
import type { RunControl, RunSink, Target, ValidateReply, Violation } from './target.js';

/** Which answers each request may receive (besides `error`). */
const ANSWERS: Readonly<Record<RunnerMessage['type'], readonly TargetMessage['type'][]>> = {
  hello: ['hello'],
  validate: ['validated'],
  run: ['event', 'result'],
  signal: ['ack'],
  cancel: ['ack'],
  advance: ['ack'],
  shutdown: ['ack'],
};

/** A request before the channel gives it an id (distributes over the union). */
type WithoutId<M> = M extends unknown ? Omit<M, 'id'> : never;

interface Pending {
  readonly type: RunnerMessage['type'];
  readonly label: string;
  onMessage(message: TargetMessage): void;
  onFailure(kind: 'violation' | 'refused' | 'exit', message: string): void;
}

export interface CommandTargetOptions {
  /** Called with each stderr line of the target (pass-through). */
  readonly onStderr?: (line: string) => void;
  /** Called for problems that belong to no request. */
  readonly onViolation?: (violation: Violation) => void;
  /** Multiplies every protocol deadline (slow machines). */
  readonly timeoutScale?: number;
  readonly suite: { readonly name: string; readonly version: string };
}

/**
 * Starts the command and completes `hello`. Fails with `SuiteError('TARGET_START')` — exit 2 —
 * when the command cannot start, exits, says something other than a valid `hello`, or speaks
 * another protocol version.
 *
 * @example
 * const target = await startCommandTarget('python3 drivers/python-minimal/driver.py', { suite });
 * target.hello.profiles; // ['minimal']
 */
export async function startCommandTarget(command: string, options: CommandTargetOptions): Promise<Target> {
  const target = new CommandTarget(command, options);
  try {
    await target.greet();
  } catch (error) {
    await target.close();
    throw error;
  }
  return target;
}

class CommandTarget implements Target {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<string, Pending>();
  /** Requests that are over, so a late message can be named in the violation (once). */
  private readonly finished = new Map<string, string>();
  /** Requests the runner gave up on (their case already failed); late messages are dropped. */
  private readonly abandoned = new Set<string>();
  private readonly stderrLines: string[] = [];
  private stderrDropped = 0;
  private stdoutBuffer = '';
  private stderrBuffer = '';
  private discardingLongLine = false;
  private nextId = 0;
  private exitDescription: string | undefined;
  private readonly exited: Promise<void>;
  private helloResponse: HelloResponse | undefined;

  constructor(
    private readonly command: string,
    private readonly options: CommandTargetOptions,
  ) {
    // A process group of its own, so closing the target also ends what a shell wrapper started.
    this.child = spawn(command, { shell: true, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.onExit(`could not be started: ${error.message}`);
        resolve();
      });
      // `close`, not `exit`: it comes after the child's stdout and stderr are fully read.
      this.child.once('close', (code, signal) => {
        this.onExit(signal ? `was killed by ${signal}` : `exited with code ${code}`);
        resolve();
      });
    });
    this.child.stdin.on('error', () => {
      // EPIPE when the target is gone: the exit handler reports it.
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => this.onStderr(chunk));
  }

  get hello(): HelloResponse {
    if (!this.helloResponse) throw new Error('target has not said hello');
    return this.helloResponse;
  }

  get alive(): boolean {
    return this.exitDescription === undefined;
  }

  async greet(): Promise<void> {
    const deadline = HELLO_TIMEOUT_MS * (this.options.timeoutScale ?? 1);
    const outcome = await new Promise<{ ok: true; hello: HelloResponse } | { ok: false; message: string }>(
      (resolve) => {
        const timer = setTimeout(
          () => resolve({ ok: false, message: `did not answer hello within ${deadline} ms` }),
          deadline,
        );
        this.request({ type: 'hello', protocol: PROTOCOL_VERSION, suite: this.options.suite }, 'hello', {
          onMessage: (message) => {
            clearTimeout(timer);
            resolve({ ok: true, hello: message as HelloResponse });
          },
          onFailure: (_kind, message) => {
            clearTimeout(timer);
            resolve({ ok: false, message });
          },
        });
      },
    );
    if (!outcome.ok) throw this.startError(outcome.message);
    if (outcome.hello.protocol !== PROTOCOL_VERSION) {
      throw this.startError(`speaks ${outcome.hello.protocol}; this suite speaks ${PROTOCOL_VERSION}`);
    }
    this.helloResponse = outcome.hello;
  }

  validate(documents: readonly ProtocolDocument[]): Promise<ValidateReply> {
    return new Promise((resolve) => {
      this.request({ type: 'validate', documents }, 'validate', {
        onMessage: (message) =>
          resolve(
            message.type === 'validated'
              ? { ok: true, diagnostics: message.diagnostics }
              : { ok: false, kind: 'violation', message: `unexpected ${message.type}` },
          ),
        onFailure: (kind, message) => resolve({ ok: false, kind, message }),
      });
    });
  }

  startRun(request: Parameters<Target['startRun']>[0], sink: RunSink): RunControl {
    const id = this.request({ type: 'run', ...request }, `run ${request.runId}`, {
      onMessage: (message) => {
        if (message.type === 'event') sink.event(message.event);
        else if (message.type === 'result') {
          this.finish(id);
          sink.result(message.result);
        }
      },
      onFailure: (kind, message) => sink.failure(kind, message),
    });
    return {
      signal: (name, payload: JsonValue) =>
        this.acknowledged({ type: 'signal', runId: request.runId, name, payload }),
      cancel: (reason) => this.acknowledged({ type: 'cancel', runId: request.runId, reason }),
      advance: (ms) => this.acknowledged({ type: 'advance', runId: request.runId, ms }),
    };
  }

  stderrCursor(): number {
    return this.stderrDropped + this.stderrLines.length;
  }

  stderrSince(cursor: number): readonly string[] {
    return this.stderrLines.slice(Math.max(0, cursor - this.stderrDropped));
  }

  async close(): Promise<void> {
    if (this.alive) {
      const ignore = () => {};
      this.request({ type: 'shutdown' }, 'shutdown', { onMessage: ignore, onFailure: ignore });
      this.child.stdin.end();
      const grace = SHUTDOWN_GRACE_MS * (this.options.timeoutScale ?? 1);
      if (!(await this.exitsWithin(grace))) {
        this.killGroup('SIGTERM');
        if (!(await this.exitsWithin(grace))) this.killGroup('SIGKILL');
      }
    }
    await this.exited;
  }

  private acknowledged(
    message: WithoutId<Extract<RunnerMessage, { type: 'signal' | 'cancel' | 'advance' }>>,
  ) {
    return new Promise<void>((resolve, reject) => {
      const deadline = ACK_TIMEOUT_MS * (this.options.timeoutScale ?? 1);
      const timer = setTimeout(() => {
        this.finish(id);
        reject(new Error(`no ack for ${message.type} within ${deadline} ms`));
      }, deadline);
      const id = this.request(message, message.type, {
        onMessage: () => {
          clearTimeout(timer);
          this.finish(id);
          resolve();
        },
        onFailure: (_kind, text) => {
          clearTimeout(timer);
          reject(new Error(text));
        },
      });
    });
  }

  private request(
    message: WithoutId<RunnerMessage>,
    label: string,
    handlers: Pick<Pending, 'onMessage' | 'onFailure'>,
  ): string {
    const id = this.newId();
    const pending: Pending = { type: message.type, label, ...handlers };
    if (!this.alive) {
      queueMicrotask(() => pending.onFailure('exit', `target ${this.exitDescription}`));
      return id;
    }
    this.pending.set(id, pending);
    this.send({ ...message, id } as RunnerMessage);
    return id;
  }

  private finish(id: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    this.finished.set(id, pending.label);
  }

  private newId(): string {
    this.nextId += 1;
    return `r${this.nextId}`;
  }

  private send(message: RunnerMessage): void {
    if (this.child.stdin.writable) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onStdout(chunk: string): void {
    this.stdoutBuffer += chunk;
    let newline = this.stdoutBuffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.stdoutBuffer.slice(0, newline);
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      if (this.discardingLongLine) this.discardingLongLine = false;
      else if (line.trim() !== '') this.onLine(line);
      newline = this.stdoutBuffer.indexOf('\n');
    }
    if (this.stdoutBuffer.length > MAX_PROTOCOL_LINE_BYTES) {
      this.stdoutBuffer = '';
      this.discardingLongLine = true;
      this.violation(undefined, `wrote a line longer than ${MAX_PROTOCOL_LINE_BYTES} bytes`);
    }
  }

  private onLine(line: string): void {
    try {
      this.handleLine(line);
    } catch (error) {
      // A bug in the runner must not crash the process from inside a stream callback.
      this.violation(undefined, `sent a line the runner failed to process (${(error as Error).message})`);
    }
  }

  private handleLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.violation(undefined, `wrote a line that is not JSON: ${quote(line)}`);
      return;
    }
    if (!isJsonObject(message) || typeof message.id !== 'string' || typeof message.type !== 'string') {
      this.violation(undefined, `wrote a message without a string id and type: ${quote(line)}`);
      return;
    }
    const id = message.id;
    const pending = this.pending.get(id);
    if (!pending) {
      if (this.abandoned.has(id)) return;
      const over = this.finished.get(id);
      // A well-formed message for a request that is not open does not garble the stream: report
      // it once, and leave the requests in flight alone.
      this.options.onViolation?.({
        message: over
          ? `target sent ${message.type} for request ${id} (${over}) after that request was over`
          : `target sent ${message.type} for unknown request id ${id}`,
      });
      if (over) this.abandoned.add(id);
      return;
    }
    const type = message.type as TargetMessage['type'];
    const definition = Object.hasOwn(TARGET_MESSAGE_DEFINITIONS, type)
      ? TARGET_MESSAGE_DEFINITIONS[type]
      : undefined;
    if (!definition) {
      this.violation(pending, `sent a message of unknown type ${quote(type)} for ${pending.label}`);
      return;
    }
    const problems = checkProtocolMessage(definition, message);
    if (problems.length > 0) {
      const detail = problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ');
      this.violation(pending, `sent an invalid ${type} message for ${pending.label}: ${detail}`);
      return;
    }
    if (type === 'error') {
      const refusal = message as Extract<TargetMessage, { type: 'error' }>;
      this.finish(id);
      pending.onFailure('refused', `refused ${pending.label}: ${refusal.code} ${refusal.message}`);
      return;
    }
    if (!ANSWERS[pending.type].includes(type)) {
      this.violation(pending, `answered ${pending.label} with ${type}`);
      return;
    }
    pending.onMessage(message as unknown as TargetMessage);
  }

  /**
   * A protocol violation: the request it names fails. A line that names no request (not JSON, no
   * id) could have been anyone's message, so every request in flight fails with it.
   */
  private violation(pending: Pending | undefined, message: string): void {
    const victims = pending ? [...this.pending].filter(([, p]) => p === pending) : [...this.pending];
    if (!pending) this.options.onViolation?.({ message: `target ${message}` });
    for (const [id, p] of victims) {
      this.pending.delete(id);
      this.abandoned.add(id);
      p.onFailure('violation', `target ${message}`);
    }
  }

  private onStderr(chunk: string): void {
    this.stderrBuffer += chunk;
    const lines = this.stderrBuffer.split('\n');
    this.stderrBuffer = lines.pop() ?? '';
    for (const line of lines) {
      this.stderrLines.push(line);
      this.options.onStderr?.(line);
    }
    const excess = this.stderrLines.length - MAX_STDERR_LINES;
    if (excess > 0) {
      this.stderrLines.splice(0, excess);
      this.stderrDropped += excess;
    }
  }

  private onExit(description: string): void {
    if (this.exitDescription !== undefined) return;
    this.exitDescription = description;
    if (this.stderrBuffer) this.onStderr('\n');
    for (const [id, pending] of [...this.pending]) {
      this.finish(id);
      pending.onFailure('exit', `target ${description} during ${pending.label}`);
    }
  }

  private startError(message: string): SuiteError {
    const tail = this.stderrLines.slice(-STDERR_TAIL_LINES);
    return new SuiteError('TARGET_START', `target "${this.command}" ${message}`, [
      ...(this.exitDescription ? [{ message: `the target ${this.exitDescription}` }] : []),
      ...tail.map((line) => ({ message: `stderr: ${line}` })),
    ]);
  }

  private exitsWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private killGroup(signal: NodeJS.Signals): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text);
}

import type { Logger } from '@openworkflow/core';
import { type DestinationStream, type Logger as PinoInstance, pino, symbols } from 'pino';
import { jsonString } from './json-text.js';
import type { Redaction } from './observed-event.js';

/** Spec §16.5 `log_format`. */
export type LogFormat = 'json' | 'text';

/** Spec §16.5 `log_level` (pino's names; `silent` turns logging off). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Where lines go: anything with `write(line)` (a stream, a file, an array in tests). */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Default `json`: one JSON object per line. `text` is for people reading a terminal. */
  readonly format?: LogFormat;
  /** Default `info`. */
  readonly level?: LogLevel;
  /** Default: the process's standard output. */
  readonly destination?: LogDestination;
  /**
   * Applied to every line before it is written: fields are redacted as values (sensitive field
   * names, secret values), then the finished line is masked as text — so a secret in the message,
   * a nested field or an error reaches no destination.
   */
  readonly redaction?: Redaction;
  /**
   * Redact fields as values before serialising (default true). Off, only the finished line is
   * masked as text. The event log never goes through this step: it writes its fields (from
   * already-redacted events, never payloads) through the line writer, and its lines are masked
   * as text like every line.
   */
  readonly redactFields?: boolean;
  /** Fields on every line (service name, instance id). */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Default: the system clock. Tests pass a fixed time. */
  readonly now?: () => number;
}

/**
 * A structured logger implementing the engine's `Logger` interface on top of pino. JSON lines by
 * default (`{"level":"info","time":"…","msg":"…",…fields}`), or `text` lines
 * (`2025-01-01T00:00:00.000Z INFO step completed run_id=r1 step_id=fetch`). Child loggers carry
 * their fields (run id, step id, attempt) on every line. Disabled levels cost one no-op call.
 *
 * @example
 * const logger = createLogger({ format: 'text', level: 'debug', redaction: secrets.redactor });
 * logger.child({ run_id: 'r1' }).info('run started', { workflow: 'report' });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redaction = options.redaction;
  const fieldRedaction = options.redactFields === false ? undefined : redaction;
  const now = options.now ?? (() => Date.now());
  const sink: LogDestination = options.destination ?? process.stdout;
  const format = options.format === 'text' ? textLine : (line: string) => line;
  const destination: DestinationStream = {
    write: (line: string) => {
      sink.write(format(redaction === undefined ? line : redaction.text(line)));
    },
  };
  const timestamp = isoTimestamp(now);
  const instance = pino(
    {
      level: options.level ?? 'info',
      base: options.base === undefined ? null : redact(fieldRedaction, { ...options.base }),
      messageKey: 'msg',
      timestamp,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redact(fieldRedaction, bindings),
        log: (fields) => redact(fieldRedaction, fields),
      },
    },
    destination,
  );
  return new PinoLogger(instance, { timestamp, destination });
}

/** The level names a {@link LineWriter} writes. */
export type LineLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The JSON-line end of a logger made by {@link createLogger}: writes a line whose fields the caller
 * has already serialised, with the logger's level, time and bound fields, through the same
 * masking and format as the logger's own lines. The event log uses it: its fields are a handful of
 * ids and numbers from redacted events, and serialising them in place costs a fraction of pino's
 * generic object walk (docs/benchmarks.md).
 */
export interface LineWriter {
  isLevelEnabled(level: LineLevel): boolean;
  /**
   * Writes `{"level":…,"time":…,<bound fields>,<members>,"msg":<message>}`; `members` is JSON
   * object members, each preceded by a comma (`,"run_id":"r1","attempt":1`). The caller checks
   * {@link isLevelEnabled} first (and builds nothing when it is false).
   */
  write(level: LineLevel, message: string, members: string): void;
}

/** The line writer of a logger made by {@link createLogger}; `undefined` for any other logger. */
export function lineWriterOf(logger: Logger): LineWriter | undefined {
  return logger instanceof PinoLogger ? logger : undefined;
}

/** What a logger's lines share with the lines written through its {@link LineWriter}. */
interface LineOutput {
  readonly timestamp: () => string;
  readonly destination: DestinationStream;
}

/** pino's `timestamp` as ISO 8601, formatted once per millisecond (lines come in bursts). */
function isoTimestamp(now: () => number): () => string {
  let last = Number.NaN;
  let text = '';
  return () => {
    const time = now();
    if (time !== last) {
      last = time;
      text = `,"time":"${new Date(time).toISOString()}"`;
    }
    return text;
  };
}

function redact<T extends Record<string, unknown>>(redaction: Redaction | undefined, fields: T): T {
  return redaction === undefined ? fields : redaction.value(fields);
}

/** The engine's `Logger` over a pino instance. */
class PinoLogger implements Logger, LineWriter {
  readonly #pino: PinoInstance;
  readonly #output: LineOutput;
  /** pino's serialised bound fields (`,"service":"api","run_id":"r1"`): base and child fields. */
  readonly #bindings: string;

  constructor(instance: PinoInstance, output: LineOutput) {
    this.#pino = instance;
    this.#output = output;
    const bindings = (instance as unknown as Record<symbol, unknown>)[symbols.chindingsSym];
    this.#bindings = typeof bindings === 'string' ? bindings : '';
  }

  isLevelEnabled(level: LineLevel): boolean {
    return this.#pino.isLevelEnabled(level);
  }

  write(level: LineLevel, message: string, members: string): void {
    this.#output.destination.write(
      `{"level":"${level}"${this.#output.timestamp()}${this.#bindings}${members},"msg":${jsonString(message)}}\n`,
    );
  }

  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (fields === undefined) this.#pino.debug(message);
    else this.#pino.debug(fields, message);
  }

  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (fields === undefined) this.#pino.info(message);
    else this.#pino.info(fields, message);
  }

  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (fields === undefined) this.#pino.warn(message);
    else this.#pino.warn(fields, message);
  }

  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (fields === undefined) this.#pino.error(message);
    else this.#pino.error(fields, message);
  }

  child(fields: Readonly<Record<string, unknown>>): Logger {
    return new PinoLogger(this.#pino.child(fields), this.#output);
  }
}

/** One JSON line as `time LEVEL msg key=value …` (strings with spaces or quotes JSON-quoted). */
function textLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...fields } = record;
  const parts = [String(time), String(level).toUpperCase().padEnd(5), String(msg ?? '')];
  for (const [key, value] of Object.entries(fields)) {
    const rendered =
      typeof value !== 'string'
        ? JSON.stringify(value)
        : /^[^\s"=]+$/.test(value)
          ? value
          : JSON.stringify(value);
    parts.push(`${key}=${rendered}`);
  }
  return `${parts.join(' ')}\n`;
}
